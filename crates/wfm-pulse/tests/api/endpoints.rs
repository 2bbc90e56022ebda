//! API tests against a real server: health, OpenAPI, authentication, roles, rate limits,
//! input validation, structure CRUD with audit, API keys, graceful shutdown.

use crate::common;

use common::{TestServer, read};
use reqwest::Method;
use serde_json::{Value, json};
use wfm_store::model::Role;

/// Every operation of the OpenAPI document, with `{id}` filled in.
async fn operations(server: &TestServer) -> Vec<(Method, String)> {
    let (_, doc) = read(
        server
            .request(Method::GET, "/api/v1/openapi.json")
            .send()
            .await
            .unwrap(),
    )
    .await;
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            ops.push((m, path.replace("{id}", "1")));
        }
    }
    assert!(ops.len() >= 20, "the document lists the API: {ops:?}");
    ops
}

async fn setup_service(s: &TestServer) -> (i64, i64) {
    let (st, site) = s
        .call(
            Method::POST,
            "/api/v1/sites",
            Role::Manager,
            Some(json!({"name": "Moscow"})),
        )
        .await;
    assert_eq!(st, 201, "{site}");
    let (st, service) = s
        .call(
            Method::POST,
            "/api/v1/services",
            Role::Manager,
            Some(json!({"site_id": site["id"], "name": "Retail"})),
        )
        .await;
    assert_eq!(st, 201, "{service}");
    (
        site["id"].as_i64().unwrap(),
        service["id"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn health_readiness_and_the_openapi_document_need_no_token() {
    let s = TestServer::start().await;
    let (st, body) = read(s.request(Method::GET, "/healthz").send().await.unwrap()).await;
    assert_eq!((st, body["status"].as_str()), (200, Some("ok")));
    let (st, body) = read(s.request(Method::GET, "/readyz").send().await.unwrap()).await;
    assert_eq!((st, body["status"].as_str()), (200, Some("ready")));
    let (st, doc) = read(
        s.request(Method::GET, "/api/v1/openapi.json")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(doc["paths"]["/api/v1/groups/{id}"]["put"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    let (st, body) = read(
        s.request(Method::GET, "/api/v1/nothing-here")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((st, body["message"].as_str()), (404, Some("not found")));
    s.stop().await;
}

#[tokio::test]
async fn every_endpoint_refuses_missing_expired_tampered_and_unsigned_tokens() {
    let s = TestServer::start().await;
    let expired = s.token_for("old", Role::Admin, -3600);
    let viewer = s.token(Role::Viewer);
    let admin_payload = s.token(Role::Admin).split('.').nth(1).unwrap().to_string();
    let parts: Vec<&str> = viewer.split('.').collect();
    let tampered = format!("{}.{}.{}", parts[0], admin_payload, parts[2]);
    let unsigned = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJldmUiLCJyb2xlIjoiYWRtaW4iLCJleHAiOjk5OTk5OTk5OTksImlhdCI6MH0.";
    // Signing in is open to all: it is what gives a session (tests/people.rs).
    let protected = operations(&s)
        .await
        .into_iter()
        .filter(|(_, path)| path != "/api/v1/session");
    for (method, path) in protected {
        let bare = s.request(method.clone(), &path).send().await.unwrap();
        assert_eq!(bare.status(), 401, "{method} {path} without a token");
        for token in [&expired, &tampered, unsigned, "garbage"] {
            let r = s
                .request(method.clone(), &path)
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 401, "{method} {path} with a bad token");
            let (_, body) = read(r).await;
            assert_eq!(body["message"], "unauthorized");
        }
        let key = s
            .request(method.clone(), &path)
            .header("X-API-Key", "wfmk_not-a-key")
            .send()
            .await
            .unwrap();
        assert_eq!(key.status(), 401, "{method} {path} with an unknown key");
    }
    s.stop().await;
}

#[tokio::test]
async fn a_viewer_cannot_write_and_integration_cannot_read() {
    let s = TestServer::start().await;
    for (method, path) in operations(&s).await {
        if path == "/api/v1/session" {
            continue; // open to all (tests/people.rs)
        }
        // Reads, the calculator and one's own notification preferences and console settings
        // are for everyone.
        let everyone = method == Method::GET
            || path.contains("erlang-c")
            || path == "/api/v1/notifications/preferences"
            || path == "/api/v1/me/settings";
        if everyone {
            let (st, _) = s.call(method.clone(), &path, Role::Integration, None).await;
            assert_eq!(st, 403, "integration {method} {path}");
            continue;
        }
        let (st, body) = s
            .call(method.clone(), &path, Role::Viewer, Some(json!({})))
            .await;
        assert_eq!(st, 403, "viewer {method} {path}: {body}");
        assert_eq!(body["message"], "forbidden");
    }
    s.stop().await;
}

#[tokio::test]
async fn a_burst_past_the_limit_gets_429_with_retry_after() {
    let s = TestServer::start_with(&[("WFM_RATE_LIMIT_READ", "2")]).await;
    let token = s.token(Role::Viewer);
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..8 {
        let r = s
            .request(Method::GET, "/api/v1/sites")
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        if r.status() == 429 {
            retry_after = r
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_string());
        }
        statuses.push(r.status().as_u16());
    }
    // A burst of two seconds' worth (4) passes; the rest of the burst is refused.
    assert_eq!(&statuses[..4], &[200, 200, 200, 200]);
    assert!(statuses[4..].iter().all(|&c| c == 429), "{statuses:?}");
    assert_eq!(retry_after.as_deref(), Some("1"));
    // Another caller has a bucket of its own; writes have their own class.
    let other = s.token_for("other", Role::Viewer, 60);
    let r = s
        .request(Method::GET, "/api/v1/sites")
        .bearer_auth(other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    s.stop().await;
}

#[tokio::test]
async fn bad_input_is_a_400_naming_the_field_and_writes_nothing() {
    let s = TestServer::start().await;
    let (_, service) = setup_service(&s).await;
    let token = s.token(Role::Manager);
    let post = |body: &'static str| {
        s.request(Method::POST, "/api/v1/groups")
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
    };
    let cases: Vec<(String, &str)> = vec![
        ("{\"name\": ".into(), "body"),
        (
            format!("{{\"service_id\": {service}, \"name\": \"A\", \"sl_seconds\": \"twenty\"}}"),
            "sl_seconds",
        ),
        (format!("{{\"service_id\": {service}}}"), "name"),
        (
            format!("{{\"service_id\": {service}, \"name\": \"A\", \"colour\": 1}}"),
            "colour",
        ),
        (
            "{\"service_id\": 999, \"name\": \"A\"}".into(),
            "service_id",
        ),
        (
            format!("{{\"service_id\": {service}, \"name\": \"A\", \"sl_percent\": 120}}"),
            "sl_percent",
        ),
        (
            format!(
                "{{\"service_id\": {service}, \"name\": \"A\", \"thresholds\": {{\"acd\": {{\"kind\": \"deviation\", \"decline\": {{\"acceptable\": 9, \"critical\": 4}}}}}}}}"
            ),
            "thresholds.acd",
        ),
        (
            format!("{{\"service_id\": {service}, \"name\": \"A\", \"channel\": \"fax\"}}"),
            "channel",
        ),
    ];
    for (body, field) in cases {
        let body: &'static str = Box::leak(body.into_boxed_str());
        let (st, err) = read(post(body).send().await.unwrap()).await;
        assert_eq!(st, 400, "{body}: {err}");
        let named = err["field"].as_str().unwrap();
        assert!(
            named.starts_with(field),
            "{body}: expected {field}, got {err}"
        );
        assert_eq!(err["message"], "invalid input");
    }
    // Several bad fields are listed together.
    let (st, err) = s
        .call(
            Method::POST,
            "/api/v1/groups",
            Role::Manager,
            Some(json!({"service_id": service, "name": " ", "max_occupancy": 0, "sl_percent": 0})),
        )
        .await;
    assert_eq!(st, 400);
    assert_eq!(err["errors"].as_array().unwrap().len(), 3, "{err}");

    let (st, err) = s
        .call(Method::GET, "/api/v1/groups/abc", Role::Viewer, None)
        .await;
    assert_eq!((st, err["field"].as_str()), (400, Some("id")));
    let (st, err) = s
        .call(Method::GET, "/api/v1/audit?limit=many", Role::Manager, None)
        .await;
    assert_eq!((st, err["field"].as_str()), (400, Some("limit")));
    let wrong_type = s
        .request(Method::POST, "/api/v1/sites")
        .bearer_auth(&token)
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), 400);

    let (_, groups) = s
        .call(Method::GET, "/api/v1/groups", Role::Viewer, None)
        .await;
    assert_eq!(groups, json!([]), "nothing was written");
    let (_, audit) = s
        .call(
            Method::GET,
            "/api/v1/audit?entity=group",
            Role::Manager,
            None,
        )
        .await;
    assert_eq!(audit["items"], json!([]));
    s.stop().await;
}

#[tokio::test]
async fn a_contact_center_is_set_up_by_api_and_every_change_is_audited() {
    let s = TestServer::start().await;
    let (site, service) = setup_service(&s).await;
    let token = s.token_for("olga", Role::Manager, 600);
    let r = s
        .request(Method::POST, "/api/v1/groups")
        .bearer_auth(&token)
        .header("X-Correlation-ID", "setup-42")
        .json(&json!({"service_id": service, "name": "Line 1", "sl_seconds": 30, "sl_percent": 85}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-correlation-id"], "setup-42");
    let (st, group) = read(r).await;
    assert_eq!(st, 201);
    assert_eq!(group["thresholds"]["operators_online"]["acceptable"], 80.0);
    let gid = group["id"].as_i64().unwrap();

    let (st, agent) = s
        .call(
            Method::POST,
            "/api/v1/agents",
            Role::Manager,
            Some(
                json!({"external_id": "op-7", "full_name": "Ivan Petrov", "site_id": site,
                        "primary_group_id": gid, "skills": [{"group_id": gid}]}),
            ),
        )
        .await;
    assert_eq!(st, 201, "{agent}");
    assert_eq!(agent["skills"], json!([{"group_id": gid, "priority": 1}]));

    let mut changed = group.clone();
    for k in ["id", "created_at", "updated_at"] {
        changed.as_object_mut().unwrap().remove(k);
    }
    changed["thresholds"]["service_level"]["decline"] = json!({"acceptable": 3.0, "critical": 6.0});
    let (st, updated) = s
        .call(
            Method::PUT,
            &format!("/api/v1/groups/{gid}"),
            Role::Manager,
            Some(changed),
        )
        .await;
    assert_eq!(st, 200, "{updated}");
    assert_eq!(
        updated["thresholds"]["service_level"]["decline"]["critical"],
        6.0
    );

    let (st, body) = s
        .call(
            Method::DELETE,
            &format!("/api/v1/groups/{gid}"),
            Role::Manager,
            None,
        )
        .await;
    assert_eq!(st, 409, "a group with agents stays: {body}");

    let (_, page) = s
        .call(
            Method::GET,
            "/api/v1/audit?correlation_id=setup-42",
            Role::Manager,
            None,
        )
        .await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["actor"], "user:olga");
    assert_eq!(items[0]["action"], "create");
    assert_eq!(items[0]["after"]["name"], "Line 1");

    let (_, page) = s
        .call(
            Method::GET,
            &format!("/api/v1/audit?entity=group&entity_id={gid}"),
            Role::Manager,
            None,
        )
        .await;
    let update = &page["items"][0];
    assert_eq!(update["action"], "update");
    assert_eq!(
        update["before"]["thresholds"]["service_level"]["decline"]["critical"],
        10.0
    );
    assert_eq!(
        update["after"]["thresholds"]["service_level"]["decline"]["critical"],
        6.0
    );

    // Paging walks the whole log once, newest first.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let (_, page) = s
            .call(
                Method::GET,
                &format!("/api/v1/audit?limit=2{cursor}"),
                Role::Manager,
                None,
            )
            .await;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_i64().unwrap()),
        );
        match page["next_cursor"].as_i64() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(
        seen.len(),
        20,
        "first-start state map, integration registry (2), calendars (5) and alert rules (7: six thresholds and the peak-load prediction), site, service, group, agent, group update: {seen:?}"
    );
    assert!(seen.windows(2).all(|w| w[0] > w[1]));
    s.stop().await;
}

#[tokio::test]
async fn api_keys_authenticate_systems_until_revoked() {
    let s = TestServer::start().await;
    let (st, created) = s
        .call(
            Method::POST,
            "/api/v1/api-keys",
            Role::Admin,
            Some(json!({"name": "dashboard", "role": "viewer"})),
        )
        .await;
    assert_eq!(st, 201, "{created}");
    let key = created["key"].as_str().unwrap().to_string();
    let with_key = || {
        s.request(Method::GET, "/api/v1/sites")
            .header("X-API-Key", &key)
    };
    assert_eq!(with_key().send().await.unwrap().status(), 200);
    let (_, listed) = s
        .call(Method::GET, "/api/v1/api-keys", Role::Admin, None)
        .await;
    assert!(
        !listed.to_string().contains(&key),
        "the secret is never listed"
    );
    assert!(listed[0].get("key_hash").is_none());

    let (st, _) = s
        .call(
            Method::POST,
            "/api/v1/api-keys",
            Role::Manager,
            Some(json!({"name": "x", "role": "admin"})),
        )
        .await;
    assert_eq!(st, 403, "only admins make keys");
    let (st, err) = s
        .call(
            Method::POST,
            "/api/v1/api-keys",
            Role::Admin,
            Some(json!({"name": "x", "role": "root"})),
        )
        .await;
    assert_eq!((st, err["field"].as_str()), (400, Some("role")));

    let id = created["id"].as_i64().unwrap();
    let (st, revoked) = s
        .call(
            Method::DELETE,
            &format!("/api/v1/api-keys/{id}"),
            Role::Admin,
            None,
        )
        .await;
    assert_eq!(st, 200);
    assert!(revoked["revoked_at"].is_string());
    assert_eq!(with_key().send().await.unwrap().status(), 401);
    s.stop().await;
}

#[tokio::test]
async fn the_staffing_calculator_answers_the_design_check() {
    let s = TestServer::start().await;
    let (st, r) = s
        .call(
            Method::POST,
            "/api/v1/staffing/erlang-c",
            Role::Viewer,
            Some(
                json!({"calls": 100, "interval_seconds": 1800, "aht_seconds": 180,
                        "shrinkage": 0.3, "max_occupancy": 0.85}),
            ),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["required"]["agents"], 14);
    assert_eq!(r["required"]["scheduled"], 20);
    let sl = r["required"]["service_level"].as_f64().unwrap();
    assert!((sl - 0.8884).abs() < 5e-5, "{sl}");
    let (st, err) = s
        .call(
            Method::POST,
            "/api/v1/staffing/erlang-c",
            Role::Viewer,
            Some(json!({"calls": 100, "interval_seconds": 0, "aht_seconds": 180})),
        )
        .await;
    assert_eq!((st, err["field"].as_str()), (400, Some("interval_seconds")));
    s.stop().await;
}

#[tokio::test]
async fn correlation_ids_are_made_when_missing_or_unusable() {
    let s = TestServer::start().await;
    let r = s
        .request(Method::GET, "/healthz")
        .header("X-Correlation-ID", "bad id with spaces")
        .send()
        .await
        .unwrap();
    let id = r.headers()["x-correlation-id"]
        .to_str()
        .unwrap()
        .to_string();
    assert_ne!(id, "bad id with spaces");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let r = s.request(Method::GET, "/healthz").send().await.unwrap();
    assert_ne!(r.headers()["x-correlation-id"].to_str().unwrap(), id);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    s.stop().await;
}

#[tokio::test]
async fn large_plan_uploads_are_read_and_oversized_bodies_refused() {
    let s = TestServer::start().await;
    // 5 MB of well-formed JSON: above axum's default 2 MB limit, within ours.
    let segments: Vec<Value> = (0..40_000)
        .map(|i| json!({"agent_id": 999_999, "start": "2026-11-26T06:00:00Z", "end": "2026-11-26T07:00:00Z",
                        "activity": "break", "padding_for_size": i}))
        .collect();
    let (st, err) = s
        .call(
            Method::PUT,
            "/api/v1/plan/timetable",
            Role::Manager,
            Some(json!({"segments": segments})),
        )
        .await;
    assert_eq!(
        st, 400,
        "read and checked, not refused for size: {}",
        err["description"]
    );
    assert!(
        err["field"].as_str().unwrap().contains("padding_for_size"),
        "{err}"
    );
    let huge = "x".repeat(wfm_pulse::http::MAX_BODY_BYTES + 1);
    let r = s
        .request(Method::PUT, "/api/v1/plan/timetable")
        .bearer_auth(s.token(Role::Manager))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    s.stop().await;
}

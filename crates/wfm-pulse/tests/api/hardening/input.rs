//! Input the store cannot hold or the API should not take: U+0000 refused naming the field
//! (alone in a batch), a nullable number that changes type, trailing content, a struct sent
//! as an array, absurd numbers, oversized bodies; and the headers every answer carries.

use reqwest::Method;
use serde_json::{Value, json};
use wfm_store::model::Role;

use crate::common::backend::{Fingerprint, changed};
use crate::common::center::{ago, set_up};
use crate::common::setup::without_alert_rules;
use crate::common::{TestServer, read};
use crate::on_both_backends;

on_both_backends!(a_poisoned_item_is_rejected_alone, poisoned_item);
on_both_backends!(nul_is_refused_naming_the_field, nul_everywhere);
on_both_backends!(a_nullable_number_may_change_type, nullable_number);
on_both_backends!(bodies_are_strict, strict_bodies);
on_both_backends!(answers_carry_protective_headers, headers);

async fn poisoned_item(s: TestServer) {
    let c = set_up(&s).await;
    let mut batch: Vec<Value> = (0..10)
        .map(|i| json!({"type": "call_offered", "id": format!("ok-{i}"), "at": ago(30), "call_id": format!("c{i}"), "group": "L1"}))
        .collect();
    batch.insert(
        4,
        json!({"type": "call_offered", "id": "poison\u{0}", "at": ago(30), "call_id": "cp", "group": "L1"}),
    );
    let (st, report) = s
        .call(
            Method::POST,
            "/api/v1/events",
            Role::Integration,
            Some(json!(batch)),
        )
        .await;
    assert_eq!(st, 200, "{report}");
    assert_eq!(
        (&report["accepted"], &report["rejected"]),
        (&json!(10), &json!(1)),
        "{report}"
    );
    let r = &report["rejections"][0];
    assert_eq!(
        (&r["index"], &r["field"], &r["reason"]),
        (&json!(4), &json!("id"), &json!("incomplete"))
    );
    // The same for the status push: a systemId holding U+0000 is that item's fault only.
    let change = |system: &str| {
        json!({"workerId": "op-1", "stateName": "Ready", "stateCode": "Ready", "systemId": system,
               "actionTime": ago(20).timestamp(), "action": 1})
    };
    let (st, report) = s
        .call(
            Method::POST,
            "/ccwfm/api/rest/status",
            Role::Integration,
            Some(json!([change("pbx\u{0}"), change("pbx")])),
        )
        .await;
    assert_eq!(st, 200, "{report}");
    assert_eq!(
        (&report["accepted"], &report["rejected"]),
        (&json!(1), &json!(1)),
        "{report}"
    );
    assert_eq!(report["rejections"][0]["field"], "systemId");
    // NDJSON too.
    let body = format!(
        "{}\n{}\n",
        json!({"type": "call_offered", "id": "nd-1", "at": ago(10), "call_id": "nd1", "group": "L1"}),
        json!({"type": "call_offered", "id": "nd-2", "at": ago(10), "call_id": "nd\u{0}2", "group": "L1"})
    );
    let (st, report) = read(
        s.request(Method::POST, "/api/v1/events")
            .bearer_auth(s.token(Role::Integration))
            .header("content-type", "application/x-ndjson")
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 200, "{report}");
    assert_eq!(report["rejections"][0]["field"], "call_id", "{report}");
    assert_eq!(report["accepted"], 1);
    let _ = c;
    s.stop().await;
}

async fn nul_everywhere(s: TestServer) {
    without_alert_rules(&s).await;
    let c = set_up(&s).await;
    let (_, sites) = s
        .call(Method::GET, "/api/v1/sites", Role::Viewer, None)
        .await;
    let site = sites[0]["id"].clone();
    let mut fp = Fingerprint::open(&s).await;
    let before = fp.take().await;
    let p = "x\u{0}y";
    let bodies: Vec<(Method, String, Role, Value, &str)> = vec![
        (
            Method::POST,
            "/api/v1/sites".into(),
            Role::Manager,
            json!({"name": p}),
            "name",
        ),
        (
            Method::POST,
            "/api/v1/services".into(),
            Role::Manager,
            json!({"site_id": site, "name": p}),
            "name",
        ),
        (
            Method::POST,
            "/api/v1/agents".into(),
            Role::Manager,
            json!({"external_id": p, "full_name": "A", "site_id": site}),
            "external_id",
        ),
        (
            Method::PUT,
            format!("/api/v1/groups/{}", c.group),
            Role::Manager,
            json!({"service_id": 1, "name": "G", "external_id": p}),
            "external_id",
        ),
        (
            Method::POST,
            "/api/v1/api-keys".into(),
            Role::Admin,
            json!({"name": p, "role": "integration"}),
            "name",
        ),
        (
            Method::PUT,
            "/api/v1/ingest/state-map".into(),
            Role::Manager,
            json!({"codes": [{"code": p, "name": "Ready", "state": "ready"}]}),
            "codes[0].code",
        ),
        (
            Method::POST,
            "/api/v1/integration/sync/trigger".into(),
            Role::Manager,
            json!({"kind": "personnel_sync", "idempotency_key": p}),
            "idempotency_key",
        ),
        (
            Method::PUT,
            "/api/v1/notifications/preferences".into(),
            Role::Viewer,
            json!({"channels": ["email"], "min_severity": "warning", "time_zone": "UTC", "teams": [], "email": p}),
            "email",
        ),
    ];
    for (method, path, role, body, field) in bodies {
        let (st, err) = s.call(method.clone(), &path, role, Some(body)).await;
        assert_eq!(
            (st, err["field"].as_str()),
            (400, Some(field)),
            "{method} {path}: {err}"
        );
    }
    for query in [
        "/api/v1/audit?actor=a%00b",
        "/api/v1/audit?entity=%00",
        "/api/v1/integration/logs/activity?operation=x%00",
        "/api/v1/integration/sync/jobs?kind=%00",
        "/api/v1/integration/zup/norm-hours?from=2026-01-01%00",
        "/api/v1/alerts?kind=%00",
    ] {
        let (st, err) = s.call(Method::GET, query, Role::Admin, None).await;
        assert_eq!(st, 400, "{query}: {err}");
        assert!(
            err["description"].as_str().unwrap().contains("U+0000"),
            "{query}: {err}"
        );
    }
    let (st, err) = s
        .call(Method::PUT, "/api/v1/notifications/preferences/a%00b", Role::Admin,
              Some(json!({"channels": ["email"], "min_severity": "warning", "time_zone": "UTC", "teams": []})))
        .await;
    assert_eq!((st, err["field"].as_str()), (400, Some("user")), "{err}");
    assert_eq!(
        changed(&before, &fp.take().await),
        Vec::<String>::new(),
        "refusals wrote nothing"
    );
    s.stop().await;
}

async fn nullable_number(s: TestServer) {
    let c = set_up(&s).await;
    let start = chrono::Utc::now()
        .date_naive()
        .and_hms_opt(8, 0, 0)
        .unwrap()
        .and_utc();
    for round in 0..30 {
        let operators = if round % 2 == 0 {
            Value::Null
        } else {
            json!(2.5)
        };
        let (st, body) = s
            .call(
                Method::PUT,
                "/api/v1/plan/forecast",
                Role::Manager,
                Some(
                    json!({"intervals": [{"group_id": c.group, "start": start, "calls": 10,
                                           "aht_seconds": 180, "operators": operators}]}),
                ),
            )
            .await;
        assert_eq!(st, 200, "round {round}: {body}");
    }
    s.stop().await;
}

async fn strict_bodies(s: TestServer) {
    without_alert_rules(&s).await;
    let c = set_up(&s).await;
    let mut fp = Fingerprint::open(&s).await;
    let before = fp.take().await;
    let raw = async |method: Method, path: &str, role: Role, body: Vec<u8>| {
        read(
            s.request(method, path)
                .bearer_auth(s.token(role))
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap(),
        )
        .await
    };
    let (st, err) = raw(
        Method::POST,
        "/api/v1/sites",
        Role::Manager,
        br#"{"name":"first"} {"name":"second"} garbage"#.to_vec(),
    )
    .await;
    assert_eq!((st, err["field"].as_str()), (400, Some("body")), "{err}");
    let (st, err) = raw(
        Method::PUT,
        "/api/v1/performance/labor-rules/1",
        Role::Manager,
        b"[]".to_vec(),
    )
    .await;
    assert_eq!((st, err["field"].as_str()), (400, Some("body")), "{err}");
    let start = chrono::Utc::now()
        .date_naive()
        .and_hms_opt(8, 0, 0)
        .unwrap()
        .and_utc();
    let (st, err) = s
        .call(
            Method::PUT,
            "/api/v1/plan/forecast",
            Role::Manager,
            Some(json!({"intervals": [{"group_id": c.group, "start": start, "calls": 1e308, "aht_seconds": 180}]})),
        )
        .await;
    assert_eq!(
        (st, err["field"].as_str()),
        (400, Some("intervals[0].calls")),
        "{err}"
    );
    // Over 32 MiB: a 413 in the API's own error shape, for raw and JSON bodies alike.
    let big = vec![b' '; 33 * 1024 * 1024];
    for (path, role) in [
        ("/api/v1/events", Role::Integration),
        ("/api/v1/sites", Role::Manager),
    ] {
        let response = s
            .request(Method::POST, path)
            .bearer_auth(s.token(role))
            .header("content-type", "application/json")
            .body(big.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "{path}"
        );
        let (st, err) = read(response).await;
        assert_eq!(
            (st, err["message"].as_str()),
            (413, Some("payload too large")),
            "{path}: {err}"
        );
    }
    assert_eq!(
        changed(&before, &fp.take().await),
        Vec::<String>::new(),
        "refusals wrote nothing"
    );
    s.stop().await;
}

async fn headers(s: TestServer) {
    let response = s
        .request(Method::GET, "/api/v1/agents")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer realm=\"wfm-pulse\""
    );
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let response = s
        .request(Method::GET, "/api/v1/agents")
        .bearer_auth(s.token(Role::Viewer))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "no-store",
        "personal data"
    );
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let response = s
        .request(Method::GET, "/api/v1/performance/metrics/realtime")
        .bearer_auth(s.token(Role::Viewer))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["cache-control"],
        "private, no-cache",
        "revalidated by ETag"
    );
    s.stop().await;
}

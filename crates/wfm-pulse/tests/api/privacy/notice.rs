//! The deletion notice through 1C (`deletionRequested`, set with the simulator's control)
//! erasing the employee at the next sync, in the store and in what the server holds in
//! memory, and keeping them out of later ones; the deletion API's checks; and the audit log's
//! API: its filters, and no way to change it.

use reqwest::Method;
use serde_json::json;
use wfm_store::model::Role;

use super::common::{self, TestServer};
use super::{agent_by_login, job, memory_views, push_status, set_up, sim};

#[tokio::test]
async fn a_deletion_notice_from_1c_erases_the_employee_and_later_syncs_leave_them_out() {
    let zup = sim(6).await;
    let s = TestServer::start().await;
    set_up(&s, &zup).await;
    let hired = zup
        .sim
        .hire(wfm_pulse::sim::zup::Hire {
            lastname: Some("Notified".into()),
            login: Some("notice.login.Wq".into()),
            ..Default::default()
        })
        .unwrap();
    job(&s, json!({"kind": "personnel_sync"})).await;
    let agent = agent_by_login(&s, "notice.login.Wq").await;
    let id = agent["id"].as_i64().unwrap();
    // A rejected status of theirs, kept as a sample in memory.
    let bogus = push_status(&s, "notice.login.Wq", "Bogus", chrono::Utc::now()).await;
    assert_eq!(bogus["rejected"], 1, "{bogus}");
    assert!(memory_views(&s).await.contains("notice.login.Wq"));

    // The simulator's control marks the employee; the next sync erases them.
    let control = format!("{}/sim/employees/{}/deletion-request", zup.url, hired.id);
    let r = reqwest::Client::new().post(&control).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 204);
    let missing = format!("{}/sim/employees/nobody/deletion-request", zup.url);
    let r = reqwest::Client::new().post(&missing).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let synced = job(&s, json!({"kind": "personnel_sync"})).await;
    assert_eq!(synced["result"]["erased"], 1, "{synced}");
    assert_eq!(synced["result"]["created"], 0);
    let (_, now) = s
        .call(
            Method::GET,
            &format!("/api/v1/agents/{id}"),
            Role::Viewer,
            None,
        )
        .await;
    let pseudonym = now["external_id"].as_str().unwrap().to_string();
    assert!(pseudonym.starts_with("erased-"), "{now}");
    let held = memory_views(&s).await;
    for secret in ["notice.login.Wq", hired.id.as_str(), "Notified"] {
        assert!(!held.contains(secret), "{secret} still in memory: {held}");
    }
    assert!(
        held.contains(&format!("argus:CC:{pseudonym}:Bogus:")),
        "{held}"
    );
    assert_eq!(
        (&now["full_name"], &now["personnel_number"]),
        (&json!(pseudonym), &json!(null))
    );
    let (_, employees) = s
        .call(
            Method::GET,
            "/api/v1/integration/zup/employees",
            Role::Manager,
            None,
        )
        .await;
    assert!(!employees.to_string().contains(&hired.id), "{employees}");

    // The erasure is audited (by the system, for 1C), with its record.
    let (_, audit) = s
        .call(
            Method::GET,
            "/api/v1/audit?entity=privacy_deletion&action=erase",
            Role::Manager,
            None,
        )
        .await;
    let entry = &audit["items"][0];
    assert_eq!(entry["actor"], "system", "{audit}");
    assert_eq!(entry["after"]["agent_id"], id);
    let path = format!(
        "/api/v1/privacy/deletions/{}",
        entry["entity_id"].as_str().unwrap()
    );
    let (st, record) = s.call(Method::GET, &path, Role::Manager, None).await;
    assert_eq!(st, 200);
    assert_eq!(
        (&record["source"], &record["state"]),
        (&json!("zup"), &json!("completed"))
    );
    assert_eq!(record["pseudonym"], pseudonym.as_str());
    let text = audit.to_string() + &record.to_string();
    for secret in [
        "Notified",
        "notice.login.Wq",
        hired.id.as_str(),
        hired.tab_n.as_str(),
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }

    // 1C still delivers them, marked or not: no agent comes back.
    let again = job(&s, json!({"kind": "personnel_sync"})).await;
    assert_eq!(
        (&again["result"]["erased"], &again["result"]["created"]),
        (&json!(0), &json!(0))
    );
    assert_eq!(again["result"]["erased_skipped"], 1, "{again}");
    let (_, agents) = s
        .call(Method::GET, "/api/v1/agents", Role::Viewer, None)
        .await;
    assert!(!agents.to_string().contains("notice.login.Wq"));

    // Asking again conflicts; an unknown agent is not found; the body takes an id only.
    let erase = |body| {
        s.call(
            Method::POST,
            "/api/v1/privacy/deletions",
            Role::Admin,
            Some(body),
        )
    };
    assert_eq!(erase(json!({"agent_id": id})).await.0, 409);
    assert_eq!(erase(json!({"agent_id": 987_654})).await.0, 404);
    let (st, body) = erase(json!({"agent_id": id, "name": "x"})).await;
    assert_eq!(st, 400, "{body}");
    let (st, _) = s
        .call(
            Method::POST,
            "/api/v1/privacy/deletions",
            Role::Manager,
            Some(json!({"agent_id": id})),
        )
        .await;
    assert_eq!(st, 403, "erasure is for admins");
    s.stop().await;
}

#[tokio::test]
async fn the_audit_log_is_read_only_over_the_api_and_filtered_by_action_and_time() {
    let s = TestServer::start().await;
    let correlation = "audit-filters-1";
    let site = json!({"name": "Audited", "time_zone": "UTC"});
    let r = s
        .request(Method::POST, "/api/v1/sites")
        .bearer_auth(s.token(Role::Manager))
        .header("X-Correlation-ID", correlation)
        .json(&site)
        .send()
        .await
        .unwrap();
    let (st, created) = common::read(r).await;
    assert_eq!(st, 201, "{created}");
    let r = s
        .request(Method::PUT, &format!("/api/v1/sites/{}", created["id"]))
        .bearer_auth(s.token(Role::Manager))
        .header("X-Correlation-ID", correlation)
        .json(&json!({"name": "Audited 2", "time_zone": "UTC"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let srv = &s;
    let page = |q: String| async move {
        let (st, body) = srv
            .call(
                Method::GET,
                &format!("/api/v1/audit?{q}"),
                Role::Manager,
                None,
            )
            .await;
        assert_eq!(st, 200, "{body}");
        body["items"].as_array().unwrap().clone()
    };
    let all = page(format!("correlation_id={correlation}")).await;
    assert_eq!(all.len(), 2);
    let updates = page(format!("correlation_id={correlation}&action=update")).await;
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0]["before"]["name"], "Audited");
    assert_eq!(updates[0]["after"]["name"], "Audited 2");
    let first = all[1]["at"].as_str().unwrap().replace('+', "%2B");
    let from_first = page(format!("correlation_id={correlation}&from={first}")).await;
    assert_eq!(from_first.len(), 2);
    assert!(
        page(format!("correlation_id={correlation}&to={first}"))
            .await
            .is_empty(),
        "to is exclusive"
    );
    let (st, _) = s
        .call(
            Method::GET,
            &format!("/api/v1/audit?from={first}&to={first}"),
            Role::Manager,
            None,
        )
        .await;
    assert_eq!(st, 400, "to must be after from");
    let (st, _) = s
        .call(
            Method::GET,
            "/api/v1/audit?verb=update",
            Role::Manager,
            None,
        )
        .await;
    assert_eq!(st, 400, "unknown filters are named");
    let (st, _) = s
        .call(Method::GET, "/api/v1/audit", Role::Supervisor, None)
        .await;
    assert_eq!(st, 403);

    // No method but GET, for anyone: the log cannot be changed through the API.
    let id = all[0]["id"].as_i64().unwrap();
    for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
        for path in ["/api/v1/audit".to_string(), format!("/api/v1/audit/{id}")] {
            let (st, _) = s
                .call(
                    method.clone(),
                    &path,
                    Role::Admin,
                    Some(json!({"actor": "forged"})),
                )
                .await;
            assert!(st == 405 || st == 404, "{method} {path}: {st}");
        }
    }
    assert_eq!(
        page(format!("correlation_id={correlation}")).await,
        all,
        "unchanged"
    );
    let (_, doc) = s
        .call(Method::GET, "/api/v1/openapi.json", Role::Viewer, None)
        .await;
    let audit_paths: Vec<(&String, Vec<&String>)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(p, _)| p.starts_with("/api/v1/audit"))
        .map(|(p, item)| {
            let methods = [
                "get", "put", "post", "delete", "patch", "head", "options", "trace",
            ];
            let ops = item.as_object().unwrap().keys();
            (p, ops.filter(|k| methods.contains(&k.as_str())).collect())
        })
        .collect();
    assert_eq!(audit_paths.len(), 1, "{audit_paths:?}");
    assert_eq!(audit_paths[0].1, [&"get".to_string()], "{audit_paths:?}");
    s.stop().await;
}

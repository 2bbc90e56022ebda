//! Steps about the contact center's structure: sites, services, groups and thresholds.

use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use reqwest::Method;
use serde_json::{Value, json};

use crate::Pulse;

#[given(expr = "a site {string} with a service {string}")]
async fn site_with_service(w: &mut Pulse, site: String, service: String) {
    let s = w
        .as_manager(Method::POST, "/api/v1/sites", json!({"name": site}))
        .await;
    let site_id = s["id"].as_i64().unwrap();
    let v = w
        .as_manager(
            Method::POST,
            "/api/v1/services",
            json!({"site_id": site_id, "name": service}),
        )
        .await;
    w.ids.insert(format!("site {site}"), site_id);
    w.ids
        .insert(format!("service {service}"), v["id"].as_i64().unwrap());
}

#[given(expr = "a group {string} in the service {string}")]
async fn a_group(w: &mut Pulse, name: String, service: String) {
    let service_id = w.id(&format!("service {service}"));
    let g = w
        .as_manager(
            Method::POST,
            "/api/v1/groups",
            json!({"service_id": service_id, "name": name}),
        )
        .await;
    w.ids
        .insert(format!("group {name}"), g["id"].as_i64().unwrap());
}

#[when("I open the list of groups")]
async fn list_groups(w: &mut Pulse) {
    w.send(Method::GET, "/api/v1/groups", None).await;
}

#[when(expr = "I create a site {string}")]
async fn create_site(w: &mut Pulse, name: String) {
    w.send(Method::POST, "/api/v1/sites", Some(json!({"name": name})))
        .await;
}

#[when(expr = "I create a group {string} in the service {string}")]
async fn create_group(w: &mut Pulse, name: String, service: String) {
    let service_id = w.id(&format!("service {service}"));
    let (status, body) = w
        .send(
            Method::POST,
            "/api/v1/groups",
            Some(json!({"service_id": service_id, "name": name})),
        )
        .await
        .clone();
    assert_eq!(status, 201, "{body}");
    w.ids
        .insert(format!("group {name}"), body["id"].as_i64().unwrap());
}

#[when(expr = "I create a group {string} in a service that does not exist")]
async fn create_orphan_group(w: &mut Pulse, name: String) {
    w.send(
        Method::POST,
        "/api/v1/groups",
        Some(json!({"service_id": 987_654, "name": name})),
    )
    .await;
}

async fn group(w: &mut Pulse, name: &str) -> Value {
    let id = w.id(&format!("group {name}"));
    let (status, body) = w
        .server
        .call(
            Method::GET,
            &format!("/api/v1/groups/{id}"),
            wfm_store::model::Role::Viewer,
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

#[then(expr = "the group {string} answers {int}% of calls within {int} seconds")]
async fn sl_target(w: &mut Pulse, name: String, percent: f64, seconds: u64) {
    let g = group(w, &name).await;
    assert_eq!(g["sl_percent"], percent);
    assert_eq!(g["sl_seconds"], seconds);
}

#[then(expr = "the thresholds of {string} are")]
async fn thresholds_are(w: &mut Pulse, name: String, step: &Step) {
    let g = group(w, &name).await;
    let table = step.table.as_ref().expect("a table of thresholds");
    for row in table.rows.iter().skip(1) {
        let (indicator, side) = (&row[0], &row[1]);
        let t = &g["thresholds"][indicator];
        let bounds = if side == "floor" {
            assert_eq!(t["kind"], "floor", "{indicator}: {t}");
            t.clone()
        } else {
            assert_eq!(t["kind"], "deviation", "{indicator}: {t}");
            t[side].clone()
        };
        let want = |i: usize| row[i].parse::<f64>().unwrap();
        assert_eq!(bounds["acceptable"], want(2), "{indicator} {side}: {t}");
        assert_eq!(bounds["critical"], want(3), "{indicator} {side}: {t}");
    }
}

#[when(regex = r"^I set the (\w+) (decline|growth) thresholds of (.+) to (\d+) and (\d+)$")]
async fn set_thresholds(
    w: &mut Pulse,
    indicator: String,
    side: String,
    name: String,
    acceptable: f64,
    critical: f64,
) {
    let name = name.trim_matches('"').to_string();
    let mut g = group(w, &name).await;
    g["thresholds"][&indicator][&side] = json!({"acceptable": acceptable, "critical": critical});
    for k in ["id", "created_at", "updated_at"] {
        g.as_object_mut().unwrap().remove(k);
    }
    let id = w.id(&format!("group {name}"));
    w.send(Method::PUT, &format!("/api/v1/groups/{id}"), Some(g))
        .await;
}

#[then(
    regex = r#"^the audit log shows my update of "(.+)" with the critical boundary going from (\d+) to (\d+)$"#
)]
async fn audited(w: &mut Pulse, name: String, from: f64, to: f64) {
    let id = w.id(&format!("group {name}"));
    w.send(
        Method::GET,
        &format!("/api/v1/audit?entity=group&entity_id={id}"),
        None,
    )
    .await;
    let entry = &w.last.1["items"][0];
    assert_eq!(entry["action"], "update", "{entry}");
    assert_eq!(entry["actor"], "user:tester");
    assert_eq!(
        entry["before"]["thresholds"]["service_level"]["decline"]["critical"],
        from
    );
    assert_eq!(
        entry["after"]["thresholds"]["service_level"]["decline"]["critical"],
        to
    );
    assert!(
        entry["correlation_id"]
            .as_str()
            .is_some_and(|c| !c.is_empty())
    );
}

#[then("there are no groups")]
async fn no_groups(w: &mut Pulse) {
    w.send(Method::GET, "/api/v1/groups", None).await;
    assert_eq!(w.last.1, json!([]));
}

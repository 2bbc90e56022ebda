//! The integration registry as tests read and change it: one system's entry, as GET shows
//! it, edited and given back.

use reqwest::Method;
use serde_json::{Map, Value, json};
use wfm_store::model::Role;

use super::TestServer;

/// `system`'s entry in the endpoint map, as `role` reads it.
pub async fn system(s: &TestServer, system: &str, role: Role) -> Value {
    let (_, map) = s
        .call(
            Method::GET,
            "/api/v1/integration/mapping/endpoints",
            role,
            None,
        )
        .await;
    let systems = map["systems"].as_array().unwrap();
    let entry = systems.iter().find(|x| x["system"] == system);
    entry
        .unwrap_or_else(|| panic!("no {system} in {map}"))
        .clone()
}

/// Replaces `system`'s registry entry with `edit` applied to it.
pub async fn set_system(s: &TestServer, system: &str, edit: impl FnOnce(&mut Map<String, Value>)) {
    let mut entry = self::system(s, system, Role::Admin).await;
    edit(entry.as_object_mut().unwrap());
    let (st, body) = s
        .call(
            Method::PUT,
            "/api/v1/integration/mapping/endpoints",
            Role::Admin,
            Some(json!({ "systems": [entry] })),
        )
        .await;
    assert_eq!(st, 200, "{body}");
}

//! The integration registry as tests change it: one system's entry edited in place.

use reqwest::Method;
use serde_json::{Map, Value};
use wfm_store::model::Role;

use super::TestServer;

/// Replaces `system`'s registry entry with `edit` applied to it.
pub async fn set_system(s: &TestServer, system: &str, edit: impl FnOnce(&mut Map<String, Value>)) {
    let (_, map) = s
        .call(
            Method::GET,
            "/api/v1/integration/mapping/endpoints",
            Role::Admin,
            None,
        )
        .await;
    let mut entry = map["systems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["system"] == system)
        .unwrap()
        .clone();
    let entry = entry.as_object_mut().unwrap();
    for view_only in ["endpoint_states", "circuit_state", "updated_at"] {
        entry.remove(view_only);
    }
    edit(entry);
    let (st, body) = s
        .call(
            Method::PUT,
            "/api/v1/integration/mapping/endpoints",
            Role::Admin,
            Some(Value::Object(entry.clone())),
        )
        .await;
    assert_eq!(st, 200, "{body}");
}

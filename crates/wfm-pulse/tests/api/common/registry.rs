//! The integration registry as tests change it: one system's entry, as GET shows it, edited
//! and given back.

use reqwest::Method;
use serde_json::{Map, Value, json};
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

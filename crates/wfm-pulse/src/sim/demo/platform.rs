//! The demo's contact-center platform in pull mode (`demo --feed pull`): the platform
//! simulator on a free port, and the registry's contact-center entry pointed at it with its
//! `/online/*` and `/personnel` endpoints enabled; in the other modes an entry the demo enabled earlier is
//! turned off again, so nothing polls a platform that is gone.

use serde_json::{Value, json};

use super::registry::{CORRELATION_ID, ENDPOINTS, demo_may_change};
use crate::integrations::contact_center::poller::{
    AGENT_STATUS_ENDPOINT, GROUPS_ONLINE_LOAD_ENDPOINT,
};
use crate::integrations::registry;
use crate::sim::client::Api;

/// Points the contact-center entry at `url` with both polled endpoints enabled (`Some`), or
/// disables them (`None`) when the entry is the demo's own or the first start's.
pub async fn point_registry_at(api: &Api, url: Option<&str>) -> Result<(), String> {
    let map = api.get(ENDPOINTS).await?;
    let Some(entry) = map["systems"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["system"] == "contact_center")
    else {
        return Ok(());
    };
    let polled =
        |e: &Value| e["name"] == AGENT_STATUS_ENDPOINT || e["name"] == GROUPS_ONLINE_LOAD_ENDPOINT;
    let mut entry = entry.clone();
    match url {
        Some(url) => entry["base_url"] = Value::String(url.into()),
        None => {
            let enabled = entry["endpoints"]
                .as_array()
                .is_some_and(|list| list.iter().any(|e| polled(e) && e["enabled"] == true));
            let newest = api
                .get("/api/v1/audit?entity=integration_system&entity_id=contact_center&limit=1")
                .await?;
            let base_url = entry["base_url"].as_str().unwrap_or_default().to_string();
            let default = registry::default_contact_center().base_url;
            if !enabled || !demo_may_change(&newest["items"][0], &base_url, &default) {
                return Ok(());
            }
        }
    }
    for e in entry["endpoints"].as_array_mut().into_iter().flatten() {
        if polled(e) {
            e["enabled"] = json!(url.is_some());
        }
    }
    api.with_correlation_id(CORRELATION_ID)
        .put(ENDPOINTS, json!({ "systems": [entry] }))
        .await?;
    Ok(())
}

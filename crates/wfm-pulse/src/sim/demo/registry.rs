//! The demo's 1C ZUP: the simulator on a free port, holding the demo's own people and
//! structure, and the integration registry's 1C ZUP entry pointed at it through the API,
//! unless someone else has configured that entry.

use serde_json::{Value, json};
use tokio::sync::watch;

use crate::integrations::registry;
use crate::sim::client::Api;
use crate::sim::zup::{Behaviour, ZupSim, ZupSimConfig};

/// The correlation id the demo's registry change carries: the audit log then tells a later
/// start that the entry is the demo's own.
pub const CORRELATION_ID: &str = "demo-zup-simulator";

/// The correlation id of the entries a first start installs.
const FIRST_START: &str = "first-start";

pub(super) const ENDPOINTS: &str = "/api/v1/integration/mapping/endpoints";

/// How long the demo's 1C ZUP takes to answer each request.
pub const DEMO_DELAY_MS: u64 = 150;

/// The demo's 1C ZUP, for 1C's dates in `time_zone`: the demo center's departments and
/// operators ([`super::center::zup_roster`]), answering in [`DEMO_DELAY_MS`].
pub fn simulator(time_zone: chrono_tz::Tz) -> ZupSim {
    let config = ZupSimConfig {
        time_zone,
        ..ZupSimConfig::default()
    };
    let sim = ZupSim::with_roster(config, &super::center::zup_roster());
    // A real 1C answers its HTTP services in a tenth of a second to a few seconds; so does
    // the demo's, so that a sync sending a schedule per employee is seen making progress.
    sim.set_behaviour(Behaviour {
        delay_ms: DEMO_DELAY_MS,
        ..Behaviour::default()
    });
    sim
}

/// Starts the demo's 1C ZUP ([`simulator`]) on a free loopback port until `stopped`
/// changes; its base URL.
pub async fn start_simulator(
    time_zone: chrono_tz::Tz,
    mut stopped: watch::Receiver<bool>,
) -> Result<String, String> {
    let sim = simulator(time_zone);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("cannot listen for the 1C ZUP simulator: {e}"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let url = format!("http://{address}{}", sim.base_path());
    tokio::spawn(sim.serve(listener, async move {
        let _ = stopped.changed().await;
    }));
    Ok(url)
}

/// Where the registry's 1C ZUP entry points after [`point_registry_at`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pointed {
    /// At the demo's simulator (changed now, or already).
    Simulator,
    /// Somewhere someone else chose, left as it is: the URL, and who set it.
    LeftAlone { base_url: String, set_by: String },
}

/// Points the 1C ZUP entry of the integration registry at `url`, keeping the rest of the
/// entry, when nobody but a first start or an earlier demo has set that entry; else leaves
/// it and says who set it. The change carries [`CORRELATION_ID`].
pub async fn point_registry_at(api: &Api, url: &str) -> Result<Pointed, String> {
    let map = api.get(ENDPOINTS).await?;
    let entry = map["systems"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["system"] == "zup")
        .ok_or("the integration registry has no 1C ZUP entry")?;
    let base_url = entry["base_url"].as_str().unwrap_or_default().to_string();
    let newest = api
        .get("/api/v1/audit?entity=integration_system&entity_id=zup&limit=1")
        .await?;
    let newest = &newest["items"][0];
    if !demo_may_change(newest, &base_url, &registry::default_zup().base_url) {
        let set_by = match newest["actor"].as_str() {
            Some(actor) => format!("{actor} at {}", newest["at"].as_str().unwrap_or("?")),
            None => "someone (no audit entry left)".into(),
        };
        return Ok(Pointed::LeftAlone { base_url, set_by });
    }
    if base_url != url {
        // The entry goes back as GET gave it (its password masked keeps the stored one).
        let mut entry = entry.clone();
        entry["base_url"] = Value::String(url.into());
        api.with_correlation_id(CORRELATION_ID)
            .put(ENDPOINTS, json!({ "systems": [entry] }))
            .await?;
    }
    Ok(Pointed::Simulator)
}

/// Whether the entry is the first start's or an earlier demo's, judged by the newest audit
/// entry about it (none left: by whether it still points where a first start put it,
/// `default_base_url`).
pub(super) fn demo_may_change(
    newest_audit_entry: &Value,
    base_url: &str,
    default_base_url: &str,
) -> bool {
    match newest_audit_entry["correlation_id"].as_str() {
        Some(id) => {
            id == CORRELATION_ID || (id == FIRST_START && newest_audit_entry["actor"] == "system")
        }
        None => base_url == default_base_url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_demo_takes_over_only_its_own_or_the_first_starts_entry() {
        let default = registry::default_zup().base_url;
        let demo_may_change = |audit: &Value, url: &str| demo_may_change(audit, url, &default);
        let audit =
            |actor: &str, correlation: &str| json!({"actor": actor, "correlation_id": correlation});
        assert!(demo_may_change(&audit("system", "first-start"), &default));
        assert!(demo_may_change(
            &audit("user:demo", CORRELATION_ID),
            "http://127.0.0.1:41234/zup/hs/wfm"
        ));
        assert!(!demo_may_change(
            &audit("user:admin", "3f1c"),
            "http://zup.example/zup/hs/wfm"
        ));
        assert!(!demo_may_change(&audit("user:admin", "3f1c"), &default));
        assert!(demo_may_change(&Value::Null, &default));
        assert!(!demo_may_change(
            &Value::Null,
            "http://zup.example/zup/hs/wfm"
        ));
    }
}

//! The map of integration endpoints: each system's endpoints (method, path, direction,
//! frequency, enabled, last success), field mappings and workflow stages; changed by admins,
//! validated and audited, and taken up by the 1C ZUP client at once.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{Authorized, need};
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{JsonBody, parse_json};
use crate::http::middleware::CorrelationId;
use crate::integrations::registry::{Endpoint, MASK, SystemConfig};
use crate::integrations::resilience::CircuitState;
use crate::state::AppState;
use wfm_store::model::FieldError;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, replace))
}

/// An endpoint with when it last answered successfully.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndpointView {
    #[serde(flatten)]
    pub endpoint: Endpoint,
    pub last_success: Option<DateTime<Utc>>,
}

/// A system as the map shows it: its configuration (password masked), endpoint states and,
/// for 1C ZUP, the circuit breaker. A PUT takes it back as GET gave it: the fields GET adds
/// ([`READ_ONLY`]) are ignored.
#[derive(Debug, Serialize, ToSchema)]
pub struct SystemView {
    #[serde(flatten)]
    pub config: SystemConfig,
    #[schema(read_only)]
    pub endpoint_states: Vec<EndpointView>,
    /// The 1C ZUP client's circuit breaker now.
    #[schema(read_only)]
    pub circuit_state: Option<CircuitState>,
    #[schema(read_only)]
    pub updated_at: DateTime<Utc>,
}

/// What GET adds to a system's configuration.
const READ_ONLY: [&str; 3] = ["endpoint_states", "circuit_state", "updated_at"];

/// The integration map: what GET answers and what PUT takes.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndpointMap {
    #[schema(min_items = 1)]
    pub systems: Vec<SystemView>,
}

/// A PUT's body: the map, each system read as its configuration once the read-only fields
/// are set aside (serde's flatten would neither refuse an unknown field nor name the path
/// of a wrong one).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MapChange {
    systems: Vec<Map<String, Value>>,
}

/// The registry of integration systems and their endpoints (manager).
#[utoipa::path(get, path = "/api/v1/integration/mapping/endpoints", operation_id = "list_endpoints", tag = "integration",
    responses((status = 200, body = EndpointMap), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn list(
    State(s): State<AppState>,
    _: Authorized<need::Manager>,
) -> ApiResult<Json<EndpointMap>> {
    Ok(Json(map(&s).await?))
}

/// The map as stored now, passwords masked.
async fn map(s: &AppState) -> ApiResult<EndpointMap> {
    let successes = s.store.last_successes().await?;
    let mut systems = Vec::new();
    for stored in s.store.integration_systems().await? {
        let config: SystemConfig = serde_json::from_value(stored.config).map_err(|e| {
            tracing::error!(system = %stored.system, error = %e, "registry entry unreadable");
            ApiError::Internal
        })?;
        let endpoint_states = config
            .endpoints
            .iter()
            .map(|e| EndpointView {
                endpoint: e.clone(),
                last_success: successes
                    .iter()
                    .find(|l| l.system == config.system && l.operation == e.name)
                    .map(|l| l.at),
            })
            .collect();
        let circuit_state = (config.system == "zup").then(|| s.jobs.zup.circuit().0);
        systems.push(SystemView {
            config: config.masked(),
            endpoint_states,
            circuit_state,
            updated_at: stored.updated_at,
        });
    }
    Ok(EndpointMap { systems })
}

/// Replaces the configuration of each system listed (admin); systems not listed keep
/// theirs. The body is the map as GET answers it, or part of it. A password given as the
/// mask, or left out, keeps the stored one. Every system is checked before any is written;
/// the 1C ZUP client uses the new settings from its next call. Answers the map as it is now.
#[utoipa::path(put, path = "/api/v1/integration/mapping/endpoints", operation_id = "replace_endpoints", tag = "integration",
    request_body = EndpointMap,
    responses((status = 200, body = EndpointMap), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn replace(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Admin>,
    CorrelationId(c): CorrelationId,
    JsonBody(change): JsonBody<MapChange>,
) -> ApiResult<Json<EndpointMap>> {
    let configs = read(change)?;
    check(&configs)?;
    let stored = s.store.integration_systems().await?;
    for mut config in configs {
        if config.password.is_none() || config.password.as_deref() == Some(MASK) {
            config.password = stored
                .iter()
                .find(|x| x.system == config.system)
                .and_then(|x| x.config.get("password").and_then(|p| p.as_str()))
                .map(str::to_string);
        }
        let value = serde_json::to_value(&config).map_err(|_| ApiError::Internal)?;
        let masked = serde_json::to_value(config.masked()).map_err(|_| ApiError::Internal)?;
        s.store
            .put_integration_system(&config.system, &value, &masked, &p.actor(&c))
            .await?;
        if config.system == "zup" {
            s.jobs.zup.reconfigure(config);
        }
    }
    Ok(Json(map(&s).await?))
}

/// Each system's configuration, or every field that does not read, named where the body has
/// it (`systems[1].retry.max_attempts`).
fn read(change: MapChange) -> ApiResult<Vec<SystemConfig>> {
    let mut configs = Vec::new();
    let mut errors = Vec::new();
    for (i, mut fields) in change.systems.into_iter().enumerate() {
        for k in READ_ONLY {
            fields.remove(k);
        }
        let text = serde_json::to_vec(&fields).map_err(|_| ApiError::Internal)?;
        match parse_json::<SystemConfig>(&text) {
            Ok(config) => configs.push(config),
            Err(ApiError::BadRequest(e)) => errors.extend(e.into_iter().map(|e| FieldError {
                field: format!("systems[{i}].{}", e.field),
                ..e
            })),
            Err(e) => return Err(e),
        }
    }
    if errors.is_empty() {
        Ok(configs)
    } else {
        Err(ApiError::BadRequest(errors))
    }
}

/// Every problem of the systems given, named where the body has it (`systems[1].base_url`).
fn check(configs: &[SystemConfig]) -> ApiResult<()> {
    let mut errors = Vec::new();
    if configs.is_empty() {
        errors.push(FieldError::new("systems", "must list at least one system"));
    }
    for (i, config) in configs.iter().enumerate() {
        if configs[..i].iter().any(|c| c.system == config.system) {
            errors.push(FieldError::new(
                format!("systems[{i}].system"),
                "is listed twice",
            ));
        }
        for e in config.validate().err().into_iter().flatten() {
            errors.push(FieldError {
                field: format!("systems[{i}].{}", e.field),
                ..e
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::BadRequest(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integrations::registry;
    use serde_json::json;

    #[test]
    fn a_system_goes_back_as_get_showed_it_and_nothing_else() {
        let mut view = serde_json::to_value(registry::default_zup().masked()).unwrap();
        view["endpoint_states"] = json!([]);
        view["circuit_state"] = json!("closed");
        view["updated_at"] = json!("2026-03-02T10:00:00Z");
        let body = |view: &Value| serde_json::from_value(json!({ "systems": [view] })).unwrap();
        let fields = |view: &Value| match read(body(view)) {
            Ok(configs) => {
                assert_eq!(configs, [registry::default_zup().masked()]);
                vec![]
            }
            Err(ApiError::BadRequest(e)) => e.into_iter().map(|e| e.field).collect(),
            Err(e) => panic!("{e:?}"),
        };
        assert_eq!(fields(&view), Vec::<String>::new());
        view["colour"] = json!("blue");
        assert_eq!(fields(&view), ["systems[0].colour"]);
        view.as_object_mut().unwrap().remove("colour");
        view["retry"]["max_attempts"] = json!("three");
        assert_eq!(fields(&view), ["systems[0].retry.max_attempts"]);
    }

    #[test]
    fn every_system_is_checked_and_named_where_it_is() {
        let zup = registry::default_zup();
        let mut bad = zup.clone();
        bad.base_url = "not a url".into();
        let fields = |configs: &[SystemConfig]| match check(configs) {
            Ok(()) => vec![],
            Err(ApiError::BadRequest(e)) => e.into_iter().map(|e| e.field).collect(),
            Err(e) => panic!("{e:?}"),
        };
        assert_eq!(fields(std::slice::from_ref(&zup)), Vec::<String>::new());
        assert_eq!(fields(&[]), ["systems"]);
        assert_eq!(fields(&[bad]), ["systems[0].base_url"]);
        assert_eq!(fields(&[zup.clone(), zup]), ["systems[1].system"]);
    }
}

//! The map of integration endpoints: each system's endpoints (method, path, direction,
//! frequency, enabled, last success), field mappings and workflow stages; changed by admins,
//! validated and audited, and taken up by the 1C ZUP client at once.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{Authorized, need};
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::JsonBody;
use crate::http::middleware::CorrelationId;
use crate::integrations::registry::{Endpoint, MASK, SystemConfig};
use crate::integrations::resilience::CircuitState;
use crate::state::AppState;

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
/// for 1C ZUP, the circuit breaker.
#[derive(Debug, Serialize, ToSchema)]
pub struct SystemView {
    #[serde(flatten)]
    pub config: SystemConfig,
    pub endpoint_states: Vec<EndpointView>,
    /// The 1C ZUP client's circuit breaker now.
    pub circuit_state: Option<CircuitState>,
    pub updated_at: DateTime<Utc>,
}

/// The integration map.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndpointMap {
    pub systems: Vec<SystemView>,
}

/// The registry of integration systems and their endpoints (manager).
#[utoipa::path(get, path = "/api/v1/integration/mapping/endpoints", operation_id = "list_endpoints", tag = "integration",
    responses((status = 200, body = EndpointMap), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn list(
    State(s): State<AppState>,
    _: Authorized<need::Manager>,
) -> ApiResult<Json<EndpointMap>> {
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
    Ok(Json(EndpointMap { systems }))
}

/// Replaces one system's configuration (admin). A password given as the mask, or left out,
/// keeps the stored one. The 1C ZUP client uses the new settings from its next call.
#[utoipa::path(put, path = "/api/v1/integration/mapping/endpoints", operation_id = "replace_endpoints", tag = "integration",
    request_body = SystemConfig,
    responses((status = 200, body = SystemConfig), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn replace(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Admin>,
    CorrelationId(c): CorrelationId,
    JsonBody(mut config): JsonBody<SystemConfig>,
) -> ApiResult<Json<SystemConfig>> {
    config.validate()?;
    if config.password.is_none() || config.password.as_deref() == Some(MASK) {
        let stored = s.store.integration_systems().await?;
        config.password = stored
            .iter()
            .find(|x| x.system == config.system)
            .and_then(|x| {
                x.config
                    .get("password")
                    .and_then(|p| p.as_str())
                    .map(str::to_string)
            });
    }
    let value = serde_json::to_value(&config).map_err(|_| ApiError::Internal)?;
    let masked = serde_json::to_value(config.masked()).map_err(|_| ApiError::Internal)?;
    s.store
        .put_integration_system(&config.system, &value, &masked, &p.actor(&c))
        .await?;
    if config.system == "zup" {
        s.jobs.zup.reconfigure(config.clone());
    }
    Ok(Json(config.masked()))
}

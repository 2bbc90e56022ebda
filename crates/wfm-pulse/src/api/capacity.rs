//! The capacity analysis over HTTP: this instance's resources, store, ingest and request
//! figures against the monitoring system's thresholds, with recommendations and headroom.

use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{Authorized, need};
use crate::capacity::report::CapacityAnalysis;
use crate::http::error::ErrorBody;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(analysis))
}

/// CPU, memory, disk, network, store latency, ingest lag, sync-job queue and request
/// figures over the last 1, 5 and 15 minutes, each graded ok / warning / critical against
/// its threshold, with the scaling recommendations (each naming its rule) and the headroom
/// left at the measured cost per event.
#[utoipa::path(get, path = "/api/v1/performance/capacity/analysis", operation_id = "get_capacity_analysis", tag = "performance",
    responses((status = 200, body = CapacityAnalysis), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn analysis(
    _: Authorized<need::Viewer>,
    State(state): State<AppState>,
) -> Json<CapacityAnalysis> {
    Json(state.capacity.analysis().await)
}

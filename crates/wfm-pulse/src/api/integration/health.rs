//! Integration health and data quality: each component's status with its problems and
//! their cause, rates and freshness; rejected input per source and reason with samples, and
//! derived values flagged; the personnel consistency check on demand; and the admin's
//! approval that lifts a halt of automatic synchronization.

use axum::Json;
use axum::extract::State;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wfm_store::health::SyncHalt;

use crate::auth::{Authorized, need};
use crate::health::HealthReport;
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::JsonBody;
use crate::http::middleware::CorrelationId;
use crate::ingest::RejectedInput;
use crate::jobs::guard::{ConsistencyReport, SYSTEM};
use crate::live::view::ScopedFlag;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(status))
        .routes(routes!(quality))
        .routes(routes!(check))
        .routes(routes!(resume))
        .routes(routes!(halts))
}

/// The health of every integration component (manager): healthy, degraded or down, with
/// the newest data and its freshness, expected against actual rates, success rates of the
/// last hour and day, the circuit breaker, and each open problem with its cause. The
/// overall status is the worst component's.
#[utoipa::path(get, path = "/api/v1/integration/health/status", operation_id = "get_integration_health", tag = "integration",
    responses((status = 200, body = HealthReport), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn status(
    State(s): State<AppState>,
    _: Authorized<need::Manager>,
) -> ApiResult<Json<HealthReport>> {
    Ok(Json(s.health.report(Utc::now()).await?))
}

/// Data quality now.
#[derive(Debug, Serialize, ToSchema)]
pub struct DataQuality {
    /// Rejected input per source and reason since start.
    pub rejections: Vec<RejectedInput>,
    /// Derived values of the current snapshot that failed their check and are shown as
    /// undefined.
    pub derived: Vec<ScopedFlag>,
    /// The last personnel consistency check since start (after a sync or on demand).
    pub consistency: Option<ConsistencyReport>,
    /// The halt of automatic synchronization in force, if any.
    pub sync_halt: Option<SyncHalt>,
}

/// Rejected input per source and reason, with samples (incomplete, unreasonable, out of
/// order, unknown reference); derived values flagged; the last consistency check and the
/// halt in force (manager).
#[utoipa::path(get, path = "/api/v1/integration/quality", operation_id = "get_quality", tag = "integration",
    responses((status = 200, body = DataQuality), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn quality(
    State(s): State<AppState>,
    _: Authorized<need::Manager>,
) -> ApiResult<Json<DataQuality>> {
    Ok(Json(DataQuality {
        rejections: s.live.rejected_input(),
        derived: s.live.snapshot().realtime.data_quality.clone(),
        consistency: s.jobs.last_consistency(),
        sync_halt: s.jobs.halt_in_force().await?,
    }))
}

/// Compares WFM's personnel with 1C ZUP's now, as a personnel sync would, applying nothing
/// (manager): the discrepancy list and the verdict. Corruption beyond the policy halts
/// automatic synchronization. 503 when 1C ZUP is unavailable.
#[utoipa::path(post, path = "/api/v1/integration/consistency/check", operation_id = "check_consistency", tag = "integration",
    responses((status = 200, body = ConsistencyReport), (status = 403, body = ErrorBody),
        (status = 503, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn check(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Manager>,
    CorrelationId(c): CorrelationId,
) -> ApiResult<Json<ConsistencyReport>> {
    s.jobs
        .check_consistency(&p.actor(&c))
        .await
        .map(Json)
        .map_err(|f| ApiError::Unavailable(format!("integration unavailable: {}", f.message)))
}

/// The admin's approval to resume.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResumeRequest {
    /// What was verified or corrected (kept with the halt and in the audit log).
    #[schema(min_length = 1, max_length = 1000, pattern = r"\S")]
    pub note: String,
    /// Let the next personnel sync apply once even beyond the threshold (when 1C ZUP's
    /// data was found right, e.g. after a reorganization).
    #[serde(default)]
    pub accept_next_sync: bool,
}

/// Lifts the halt of automatic synchronization (admin; audited). 409 when not halted.
#[utoipa::path(post, path = "/api/v1/integration/sync/resume", operation_id = "resume_sync", tag = "integration",
    request_body = ResumeRequest,
    responses((status = 200, body = SyncHalt), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn resume(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Admin>,
    CorrelationId(c): CorrelationId,
    JsonBody(req): JsonBody<ResumeRequest>,
) -> ApiResult<Json<SyncHalt>> {
    let note = req.note.trim();
    if note.is_empty() || note.chars().count() > 1000 {
        return Err(ApiError::bad(
            "note",
            "must be 1-1000 characters, not blank",
        ));
    }
    let halt = s
        .store
        .resume_sync(SYSTEM, note, req.accept_next_sync, &p.actor(&c))
        .await?;
    s.jobs.wake();
    Ok(Json(halt))
}

/// The halts of automatic synchronization with 1C ZUP and their resumptions, newest first
/// (manager).
#[utoipa::path(get, path = "/api/v1/integration/sync/halts", operation_id = "list_sync_halts", tag = "integration",
    responses((status = 200, body = Vec<SyncHalt>), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn halts(
    State(s): State<AppState>,
    _: Authorized<need::Manager>,
) -> ApiResult<Json<Vec<SyncHalt>>> {
    Ok(Json(s.store.sync_halts(SYSTEM, 100).await?))
}

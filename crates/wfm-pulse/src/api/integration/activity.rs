//! The integration activity log: every call to a partner and every job step, with time,
//! correlation id, outcome, HTTP status, latency, record counts and error (no personal data).

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wfm_store::integration::{LogEntry, LogFilter};

use crate::auth::{Authorized, need};
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::QueryParams;
use crate::http::page::{next_cursor, page_size};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(activity))
}

/// Filters of the log; `from`/`to` bound the time, `cursor` is the previous page's
/// `next_cursor`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ActivityQuery {
    pub system: Option<String>,
    pub operation: Option<String>,
    pub outcome: Option<String>,
    pub correlation_id: Option<String>,
    pub job_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub cursor: Option<i64>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// A page of log rows, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityPage {
    pub items: Vec<LogEntry>,
    pub next_cursor: Option<i64>,
}

/// Integration calls and job steps, newest first (manager).
#[utoipa::path(get, path = "/api/v1/integration/logs/activity", operation_id = "list_activity", tag = "integration",
    params(ActivityQuery),
    responses((status = 200, body = ActivityPage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn activity(
    State(s): State<AppState>,
    _: Authorized<need::Manager>,
    QueryParams(q): QueryParams<ActivityQuery>,
) -> ApiResult<Json<ActivityPage>> {
    let limit = page_size(q.limit)?;
    if let (Some(f), Some(t)) = (q.from, q.to) {
        if t <= f {
            return Err(ApiError::bad("to", "must be after from"));
        }
    }
    let items = s
        .store
        .integration_log(&LogFilter {
            system: q.system,
            operation: q.operation,
            outcome: q.outcome,
            correlation_id: q.correlation_id,
            job_id: q.job_id,
            from: q.from,
            to: q.to,
            before_id: q.cursor,
            limit,
        })
        .await?;
    let next_cursor = next_cursor(&items, limit, |x| x.id);
    Ok(Json(ActivityPage { items, next_cursor }))
}

//! Sync jobs: trigger one (202 with the job at once), follow its state, progress and result,
//! and requeue a dead one (admin).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wfm_store::integration::{Job, JobFilter, JobKind, JobState};

use crate::auth::{Authorized, need};
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{Id, JsonBody, QueryParams};
use crate::http::middleware::CorrelationId;
use crate::http::page::{next_cursor, page_size};
use crate::jobs::scope::Scope;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(trigger))
        .routes(routes!(list_jobs))
        .routes(routes!(get_job))
        .routes(routes!(requeue))
}

/// A sync to run.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TriggerRequest {
    pub kind: JobKind,
    /// What it covers; omitted fields take the kind's defaults (shown in the answer).
    #[serde(default, deserialize_with = "crate::http::extract::object")]
    pub scope: Scope,
    /// A repeated trigger with the same key returns the first job (also read from the
    /// `Idempotency-Key` header).
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// The job, and whether this request created it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Triggered {
    pub created: bool,
    pub job: Job,
}

/// Enqueues a sync with 1C ZUP and answers at once (manager). 202 with the new job and a
/// `Location`; 200 with the existing job for a repeated idempotency key.
#[utoipa::path(post, path = "/api/v1/integration/sync/trigger", operation_id = "trigger_sync", tag = "integration",
    request_body = TriggerRequest,
    responses((status = 202, body = Triggered), (status = 200, body = Triggered),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn trigger(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Manager>,
    CorrelationId(c): CorrelationId,
    headers: HeaderMap,
    JsonBody(req): JsonBody<TriggerRequest>,
) -> ApiResult<Response> {
    let header_key = headers
        .get("idempotency-key")
        .map(|v| {
            v.to_str()
                .map(str::to_string)
                .map_err(|_| ApiError::bad("Idempotency-Key", "must be plain text"))
        })
        .transpose()?;
    let key = match (req.idempotency_key, header_key) {
        (Some(b), Some(h)) if b != h => {
            return Err(ApiError::bad(
                "idempotency_key",
                "differs from the Idempotency-Key header",
            ));
        }
        (b, h) => b.or(h),
    };
    if key
        .as_ref()
        .is_some_and(|k| k.trim().is_empty() || k.len() > 200)
    {
        return Err(ApiError::bad("idempotency_key", "must be 1-200 characters"));
    }
    let today = Utc::now().with_timezone(&s.jobs.time_zone()).date_naive();
    let scope = req.scope.complete(req.kind, today, &p.name)?;
    let (job, created) = s.jobs.enqueue(req.kind, &scope, key, &p.actor(&c)).await?;
    let status = if created {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    let location = format!("/api/v1/integration/sync/jobs/{}", job.id);
    let mut response = (status, Json(Triggered { created, job })).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

/// Filters of the job list; `cursor` is the `next_cursor` of the previous page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct JobQuery {
    pub state: Option<JobState>,
    pub kind: Option<JobKind>,
    pub correlation_id: Option<String>,
    pub cursor: Option<i64>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// A page of jobs, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobPage {
    pub items: Vec<Job>,
    pub next_cursor: Option<i64>,
}

/// Sync jobs, newest first: state, attempts, progress, result and errors (manager).
#[utoipa::path(get, path = "/api/v1/integration/sync/jobs", tag = "integration", params(JobQuery),
    responses((status = 200, body = JobPage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn list_jobs(
    State(s): State<AppState>,
    _: Authorized<need::Manager>,
    QueryParams(q): QueryParams<JobQuery>,
) -> ApiResult<Json<JobPage>> {
    let limit = page_size(q.limit)?;
    let items = s
        .store
        .list_jobs(&JobFilter {
            state: q.state,
            kind: q.kind,
            correlation_id: q.correlation_id,
            before_id: q.cursor,
            limit,
        })
        .await?;
    let next_cursor = next_cursor(&items, limit, |x| x.id);
    Ok(Json(JobPage { items, next_cursor }))
}

/// One sync job (manager).
#[utoipa::path(get, path = "/api/v1/integration/sync/jobs/{id}", tag = "integration",
    params(("id" = i64, Path)),
    responses((status = 200, body = Job), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn get_job(
    State(s): State<AppState>,
    _: Authorized<need::Manager>,
    Id(id): Id,
) -> ApiResult<Json<Job>> {
    Ok(Json(s.store.get_job(id).await?))
}

/// Puts a dead job back in the queue with fresh attempts (admin); 409 unless it is dead.
#[utoipa::path(post, path = "/api/v1/integration/sync/jobs/{id}/requeue", operation_id = "requeue_job", tag = "integration",
    params(("id" = i64, Path)),
    responses((status = 200, body = Job), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn requeue(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Admin>,
    CorrelationId(c): CorrelationId,
    Id(id): Id,
) -> ApiResult<Json<Job>> {
    let job = s.store.requeue_job(id, &p.actor(&c)).await?;
    s.jobs.wake();
    Ok(Json(job))
}

//! The plan over HTTP: forecast and timetable, uploaded all or nothing (manager) and read
//! back for a time range (viewer).

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wfm_core::freshness::DataSource;
use wfm_core::plan::{ForecastInterval, Segment};

use crate::auth::{Authorized, need};
use crate::health::freshness as fresh;
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{JsonBody, QueryParams};
use crate::http::middleware::CorrelationId;
use crate::plan::{ForecastUpload, Structure, TimetableUpload, check_forecast, check_timetable};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_forecast, put_forecast))
        .routes(routes!(get_timetable, put_timetable))
}

/// A time range, [from, to).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Range {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Range {
    fn check(&self) -> ApiResult<()> {
        if self.to <= self.from {
            return Err(ApiError::bad("to", "must be after from"));
        }
        if self.to - self.from > chrono::Duration::days(62) {
            return Err(ApiError::bad("to", "a range spans at most 62 days"));
        }
        Ok(())
    }
}

/// How much of a plan was stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct Stored {
    pub stored: usize,
}

async fn structure(s: &AppState) -> ApiResult<Structure> {
    let (sites, services, groups, agents) = (
        s.store.list_sites().await?,
        s.store.list_services().await?,
        s.store.list_groups().await?,
        s.store.list_agents().await?,
    );
    Ok(Structure::new(&sites, &services, &groups, &agents))
}

/// Forecast intervals overlapping the range.
#[utoipa::path(get, path = "/api/v1/plan/forecast", tag = "plan", params(Range),
    responses((status = 200, body = Vec<Object>), (status = 400, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn get_forecast(
    State(s): State<AppState>,
    _: Authorized<need::Viewer>,
    QueryParams(r): QueryParams<Range>,
) -> ApiResult<Json<Vec<ForecastInterval>>> {
    r.check()?;
    Ok(Json(s.store.forecast(r.from, r.to).await?))
}

/// Stores forecast intervals, all or nothing; each group's intervals in the span covered
/// are replaced.
#[utoipa::path(put, path = "/api/v1/plan/forecast", tag = "plan", request_body = ForecastUpload,
    responses((status = 200, body = Stored), (status = 400, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn put_forecast(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Manager>,
    CorrelationId(c): CorrelationId,
    JsonBody(up): JsonBody<ForecastUpload>,
) -> ApiResult<Json<Stored>> {
    let rows = check_forecast(&structure(&s).await?, &up)?;
    s.store.replace_forecast(&rows, &p.actor(&c)).await?;
    s.live.replanned().await;
    Ok(Json(Stored { stored: rows.len() }))
}

/// Timetable segments overlapping the range. Its operators come from 1C ZUP's personnel and
/// its shifts go to 1C ZUP: `X-Data-Freshness` tells how fresh the personnel is and how the
/// schedule uploads stand, `X-Data-Warning` warns ("Employee data may be outdated",
/// "Schedule status pending").
#[utoipa::path(get, path = "/api/v1/plan/timetable", tag = "plan", params(Range),
    responses((status = 200, body = Vec<Object>,
        headers(("X-Data-Freshness" = String, description = "per source: as_of, age, expected cycle, stale"),
                ("X-Data-Warning" = String, description = "each warning that applies"))),
        (status = 400, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn get_timetable(
    State(s): State<AppState>,
    _: Authorized<need::Viewer>,
    QueryParams(r): QueryParams<Range>,
) -> ApiResult<(HeaderMap, Json<Vec<Segment>>)> {
    r.check()?;
    let segments = s.store.timetable(r.from, r.to).await?;
    let mut headers = HeaderMap::new();
    fresh::add_headers(
        &mut headers,
        &[
            s.health.freshness(DataSource::Personnel).await?,
            s.health.freshness(DataSource::ScheduleUpload).await?,
        ],
    );
    Ok((headers, Json(segments)))
}

/// Stores timetable segments, all or nothing; each agent's segments in the span covered
/// are replaced.
#[utoipa::path(put, path = "/api/v1/plan/timetable", tag = "plan", request_body = TimetableUpload,
    responses((status = 200, body = Stored), (status = 400, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn put_timetable(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Manager>,
    CorrelationId(c): CorrelationId,
    JsonBody(up): JsonBody<TimetableUpload>,
) -> ApiResult<Json<Stored>> {
    let rows = check_timetable(&structure(&s).await?, &up)?;
    s.store.replace_timetable(&rows, &p.actor(&c)).await?;
    s.live.replanned().await;
    Ok(Json(Stored { stored: rows.len() }))
}

//! Data of 1C ZUP as WFM holds it: production calendars (loaded and replaced by admins in the
//! xmlcalendar format), and the personnel, norm hours and timesheet that syncs bring in,
//! each served with how fresh it is, and a warning when 1C ZUP is down or the data is old.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wfm_core::freshness::{DataSource, Freshness};
use wfm_core::zup::calendar::ProductionCalendar;
use wfm_store::integration::{NormHoursRow, StoredEmployee, TimesheetDay};

use crate::auth::{Authorized, need};
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{Id, QueryParams, RawBody};
use crate::http::middleware::CorrelationId;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_calendars))
        .routes(routes!(get_calendar, put_calendar, delete_calendar))
        .routes(routes!(employees))
        .routes(routes!(norm_hours))
        .routes(routes!(timesheet))
}

/// A stored production calendar, summed up.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarSummary {
    pub year: i32,
    /// Working days, shortened pre-holiday days included.
    pub working_days: u32,
    pub shortened_days: u32,
    /// The year's norm of a 40-hour week: 8 h x working days - shortened days.
    pub norm_hours_40: f64,
    pub updated_at: DateTime<Utc>,
}

fn summary(calendar: &ProductionCalendar, updated_at: DateTime<Utc>) -> CalendarSummary {
    let year = calendar.year;
    let (first, last) = (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
    );
    let (working, shortened) = calendar.count(first, last);
    CalendarSummary {
        year,
        working_days: working,
        shortened_days: shortened,
        norm_hours_40: 8.0 * f64::from(working) - f64::from(shortened),
        updated_at,
    }
}

/// The stored production calendars (viewer).
#[utoipa::path(get, path = "/api/v1/integration/calendars", tag = "integration",
    responses((status = 200, body = Vec<CalendarSummary>)),
    security(("bearer" = []), ("api_key" = [])))]
async fn list_calendars(
    State(s): State<AppState>,
    _: Authorized<need::Viewer>,
) -> ApiResult<Json<Vec<CalendarSummary>>> {
    let mut out = Vec::new();
    for c in s.store.calendars().await? {
        match ProductionCalendar::parse_xml(&c.xml) {
            Ok(cal) => out.push(summary(&cal, c.updated_at)),
            Err(e) => tracing::error!(year = c.year, error = %e, "stored calendar unreadable"),
        }
    }
    Ok(Json(out))
}

/// One year's calendar as it was loaded (xmlcalendar XML; viewer).
#[utoipa::path(get, path = "/api/v1/integration/calendars/{year}", tag = "integration",
    params(("year" = i32, Path)),
    responses((status = 200, content_type = "application/xml", body = String), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn get_calendar(
    State(s): State<AppState>,
    _: Authorized<need::Viewer>,
    Id(year): Id,
) -> ApiResult<impl IntoResponse> {
    let c = s
        .store
        .calendars()
        .await?
        .into_iter()
        .find(|c| i64::from(c.year) == year)
        .ok_or_else(|| ApiError::NotFound(format!("no production calendar for {year}")))?;
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        c.xml,
    ))
}

/// Loads or replaces one year's calendar from xmlcalendar XML (admin); the file's year
/// must be the path's.
#[utoipa::path(put, path = "/api/v1/integration/calendars/{year}", tag = "integration",
    params(("year" = i32, Path)), request_body(content = String, content_type = "application/xml"),
    responses((status = 200, body = CalendarSummary), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn put_calendar(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Admin>,
    CorrelationId(c): CorrelationId,
    Id(year): Id,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<Json<CalendarSummary>> {
    let xml_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/xml") || v.starts_with("text/xml"));
    if !xml_type {
        return Err(ApiError::bad(
            "body",
            "must be XML (Content-Type: application/xml)",
        ));
    }
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::bad("body", "must be UTF-8"))?;
    crate::http::extract::no_nul("body", text)?;
    let calendar =
        ProductionCalendar::parse_xml(text).map_err(|e| ApiError::bad("body", e.to_string()))?;
    if i64::from(calendar.year) != year {
        return Err(ApiError::bad(
            "year",
            format!("is {year} in the path but {} in the file", calendar.year),
        ));
    }
    let stored = s
        .store
        .put_calendar(calendar.year, text, &p.actor(&c))
        .await?;
    Ok(Json(summary(&calendar, stored.updated_at)))
}

/// Removes one year's calendar (admin).
#[utoipa::path(delete, path = "/api/v1/integration/calendars/{year}", tag = "integration",
    params(("year" = i32, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn delete_calendar(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Admin>,
    CorrelationId(c): CorrelationId,
    Id(year): Id,
) -> ApiResult<StatusCode> {
    let year = i32::try_from(year).map_err(|_| ApiError::bad("year", "is not a year"))?;
    s.store.delete_calendar(year, &p.actor(&c)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 1C employees as last synced, with their WFM agents.
#[derive(Debug, Serialize, ToSchema)]
pub struct Employees {
    pub items: Vec<StoredEmployee>,
    /// The personnel's freshness ("Employee data may be outdated" when old or 1C ZUP is down).
    #[schema(value_type = Object)]
    pub freshness: Freshness,
    /// The vacation balances' ("Vacation balances not current").
    #[schema(value_type = Object)]
    pub vacation_freshness: Freshness,
}

/// The 1C ZUP personnel as last synced, with its freshness (manager).
#[utoipa::path(get, path = "/api/v1/integration/zup/employees", operation_id = "list_zup_employees", tag = "integration",
    responses((status = 200, body = Employees), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn employees(
    State(s): State<AppState>,
    _: Authorized<need::Manager>,
) -> ApiResult<Json<Employees>> {
    let freshness = s.health.freshness(DataSource::Personnel).await?;
    let vacation_freshness = s.health.freshness(DataSource::VacationBalances).await?;
    Ok(Json(Employees {
        items: s.store.zup_employees().await?,
        freshness,
        vacation_freshness,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EmployeeQuery {
    /// 1C's employee UID.
    pub employee_id: Option<String>,
}

/// Norm hours as 1C computed them, with their freshness.
#[derive(Debug, Serialize, ToSchema)]
pub struct NormHours {
    pub items: Vec<NormHoursRow>,
    #[schema(value_type = Object)]
    pub freshness: Freshness,
}

/// Norm hours by the production calendar, per employee and period (manager).
#[utoipa::path(get, path = "/api/v1/integration/zup/norm-hours", operation_id = "get_norm_hours", tag = "integration", params(EmployeeQuery),
    responses((status = 200, body = NormHours), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn norm_hours(
    State(s): State<AppState>,
    _: Authorized<need::Manager>,
    QueryParams(q): QueryParams<EmployeeQuery>,
) -> ApiResult<Json<NormHours>> {
    let freshness = s.health.freshness(DataSource::NormHours).await?;
    Ok(Json(NormHours {
        items: s.store.norm_hours(q.employee_id.as_deref()).await?,
        freshness,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TimesheetQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub employee_id: Option<String>,
}

/// Timesheet days from 1C, with their freshness.
#[derive(Debug, Serialize, ToSchema)]
pub struct Timesheet {
    pub items: Vec<TimesheetDay>,
    #[schema(value_type = Object)]
    pub freshness: Freshness,
}

/// Time types per day from 1C ZUP's timesheet (manager).
#[utoipa::path(get, path = "/api/v1/integration/zup/timesheet", operation_id = "get_timesheet", tag = "integration", params(TimesheetQuery),
    responses((status = 200, body = Timesheet), (status = 400, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn timesheet(
    State(s): State<AppState>,
    _: Authorized<need::Manager>,
    QueryParams(q): QueryParams<TimesheetQuery>,
) -> ApiResult<Json<Timesheet>> {
    if q.to < q.from {
        return Err(ApiError::bad("to", "must not be before from"));
    }
    let freshness = s.health.freshness(DataSource::Timesheet).await?;
    Ok(Json(Timesheet {
        items: s
            .store
            .timesheet(q.employee_id.as_deref(), q.from, q.to)
            .await?,
        freshness,
    }))
}

//! The realtime indicators: the six indicators of every group, service and site, from the
//! published snapshot, with ETag / If-None-Match and optional filters.

use std::str::FromStr;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wfm_core::live::Figures;
use wfm_core::threshold::Indicator;

use crate::auth::{Authorized, need};
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::QueryParams;
use crate::live::view::{Realtime, etag_of};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(realtime))
}

/// Filters: comma-separated group ids and indicator names.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RealtimeQuery {
    /// Only these groups, e.g. `3,7`.
    #[param(pattern = r"^ *(-?[0-9]{1,18} *)?(, *(-?[0-9]{1,18} *)?)*$")]
    pub groups: Option<String>,
    /// Only these indicators, e.g. `service_level,acd`.
    #[param(
        pattern = r"^ *((service_level|operators_online|load_deviation|operator_requirement|acd|aht_trend) *)?(, *((service_level|operators_online|load_deviation|operator_requirement|acd|aht_trend) *)?)*$"
    )]
    pub indicators: Option<String>,
}

/// The answer for a body and its ETag: 304 when the client has it already. The body is
/// shared, not copied: the published snapshot's bytes are handed out as they are.
pub fn cached_json(headers: &HeaderMap, body: Bytes, etag: &str) -> Response {
    let tag = HeaderValue::from_str(etag).unwrap_or(HeaderValue::from_static("\"\""));
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    // Kept by the caller only, and asked again every time: what the ETag is for.
    let cache = (
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    if matches {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, tag), cache]).into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::ETAG, tag),
            cache,
        ],
        body,
    )
        .into_response()
}

fn parse_list<T>(text: &str, field: &str, parse: impl Fn(&str) -> Option<T>) -> ApiResult<Vec<T>> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| parse(s).ok_or_else(|| ApiError::bad(field, format!("{s:?} is not known here"))))
        .collect()
}

fn keep_indicators(f: &mut Figures, wanted: &[Indicator]) {
    f.indicators.retain(|i| wanted.contains(&i.indicator));
}

/// The six operational-control indicators per group and aggregated (per service, per site,
/// and all groups), each with value, plan, deviation, color, trend, sparkline, update time
/// and data freshness. Republished as soon as the events behind it are applied.
#[utoipa::path(get, path = "/api/v1/performance/metrics/realtime", operation_id = "get_realtime", tag = "monitoring",
    params(RealtimeQuery),
    responses((status = 200, body = Realtime), (status = 304), (status = 400, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn realtime(
    State(s): State<AppState>,
    _: Authorized<need::Viewer>,
    headers: HeaderMap,
    QueryParams(q): QueryParams<RealtimeQuery>,
) -> ApiResult<Response> {
    let published = s.live.snapshot();
    if q.groups.is_none() && q.indicators.is_none() {
        let gzip_ok = headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
        if gzip_ok {
            let mut response = cached_json(&headers, published.body_gzip.clone(), &published.etag);
            if response.status() == StatusCode::OK {
                response
                    .headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            return Ok(response);
        }
        return Ok(cached_json(
            &headers,
            published.body.clone(),
            &published.etag,
        ));
    }
    let groups = q
        .groups
        .as_deref()
        .map(|g| parse_list(g, "groups", |s| s.parse::<i64>().ok()))
        .transpose()?;
    let indicators = q
        .indicators
        .as_deref()
        .map(|i| parse_list(i, "indicators", |s| Indicator::from_str(s).ok()))
        .transpose()?;
    let mut view = published.realtime.clone();
    if let Some(ids) = &groups {
        view.groups.retain(|g| ids.contains(&g.group_id));
    }
    if let Some(wanted) = &indicators {
        view.groups
            .iter_mut()
            .for_each(|g| keep_indicators(&mut g.figures, wanted));
        view.services
            .iter_mut()
            .for_each(|f| keep_indicators(f, wanted));
        view.sites
            .iter_mut()
            .for_each(|site| keep_indicators(&mut site.all, wanted));
        if let Some(all) = view.all.as_mut() {
            keep_indicators(all, wanted);
        }
    }
    let body = serde_json::to_vec(&view).map_err(|_| ApiError::Internal)?;
    let etag = etag_of(&body);
    Ok(cached_json(&headers, Bytes::from(body), &etag))
}

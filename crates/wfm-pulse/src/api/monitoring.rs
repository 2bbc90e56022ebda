//! What supervisors watch besides the six indicators: SLA compliance per group and
//! interval, operator statuses with adherence, and a live stream of changed groups.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wfm_core::event::AgentState;
use wfm_core::live::{Adherence, IntervalFigures, OperatorStatus};

use crate::auth::{Authorized, need};
use crate::http::AppState;
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::QueryParams;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sla_compliance))
        .routes(routes!(operators))
        .routes(routes!(stream))
}

/// A run of consecutive intervals below target.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BreachPeriod {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Still going: the last interval with calls is breached.
    pub ongoing: bool,
}

/// SLA compliance of one group today.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GroupCompliance {
    pub group_id: i64,
    pub name: String,
    pub target_percent: Option<f64>,
    pub sl_today_percent: Option<f64>,
    pub sl_window_percent: Option<f64>,
    pub asa_seconds: Option<f64>,
    pub abandonment_percent: Option<f64>,
    pub abandonment_excluding_short_percent: Option<f64>,
    pub queue_now: u32,
    pub longest_wait_seconds: f64,
    #[schema(value_type = Vec<Object>)]
    pub intervals: Vec<IntervalFigures>,
    pub breaches: Vec<BreachPeriod>,
    /// How long the current breach has lasted, if one is going on.
    pub current_breach_seconds: Option<f64>,
}

/// SLA compliance of every group.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Compliance {
    pub at: DateTime<Utc>,
    pub groups: Vec<GroupCompliance>,
}

/// Merges breached intervals that follow each other into periods.
pub fn breach_periods(intervals: &[IntervalFigures]) -> Vec<BreachPeriod> {
    let mut periods: Vec<BreachPeriod> = Vec::new();
    let mut last_end = None;
    for i in intervals.iter().filter(|i| i.breached) {
        match periods.last_mut() {
            Some(p) if last_end == Some(i.interval.start) => p.end = i.interval.end,
            _ => periods.push(BreachPeriod {
                start: i.interval.start,
                end: i.interval.end,
                ongoing: false,
            }),
        }
        last_end = Some(i.interval.end);
    }
    let last_with_calls = intervals.iter().rev().find(|i| i.offered > 0);
    if let (Some(p), Some(last)) = (periods.last_mut(), last_with_calls) {
        p.ongoing = last.breached && p.end == last.interval.end;
    }
    periods
}

/// Service level today per group and per interval (with target and breach flag), over the
/// rolling window, speed of answer, abandonment, the queue now, and today's breach periods.
#[utoipa::path(get, path = "/api/v1/performance/sla/compliance", tag = "monitoring",
    responses((status = 200, body = Compliance)),
    security(("bearer" = []), ("api_key" = [])))]
async fn sla_compliance(
    State(s): State<AppState>,
    _: Authorized<need::Viewer>,
) -> ApiResult<Json<Compliance>> {
    let p = s.live.snapshot();
    let at = p.realtime.at;
    let groups = p
        .realtime
        .groups
        .iter()
        .map(|g| {
            let f = &g.figures;
            let intervals = p.intervals.get(&g.group_id).cloned().unwrap_or_default();
            let breaches = breach_periods(&intervals);
            let current_breach_seconds = breaches
                .last()
                .filter(|b| b.ongoing)
                .map(|b| (at - b.start).num_milliseconds().max(0) as f64 / 1000.0);
            let sl = f
                .indicators
                .iter()
                .find(|i| i.indicator == wfm_core::threshold::Indicator::ServiceLevel);
            GroupCompliance {
                group_id: g.group_id,
                name: g.name.clone(),
                target_percent: sl.and_then(|i| i.plan),
                sl_today_percent: sl.and_then(|i| i.value),
                sl_window_percent: f.sl_window_percent,
                asa_seconds: f.asa_seconds,
                abandonment_percent: f.abandonment_percent,
                abandonment_excluding_short_percent: f.abandonment_excluding_short_percent,
                queue_now: f.queue_now,
                longest_wait_seconds: f.longest_wait_seconds,
                intervals,
                breaches,
                current_breach_seconds,
            }
        })
        .collect();
    Ok(Json(Compliance { at, groups }))
}

/// Filters of the operator list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OperatorQuery {
    /// Only operators counted for this group.
    pub group: Option<i64>,
    /// Only operators in this state (ready, on_contact, ...).
    pub state: Option<String>,
    /// Only operators with this adherence (on_schedule, late_login, absent, wrong_status,
    /// in_break, lunch, not_scheduled).
    pub adherence: Option<String>,
}

/// An operator's status with name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OperatorView {
    pub login: String,
    pub full_name: String,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub status: OperatorStatus,
}

/// Operator statuses with schedule adherence, how late or how long absent, and time left
/// on a break; ordered by operator.
#[utoipa::path(get, path = "/api/v1/monitoring/operators", tag = "monitoring", params(OperatorQuery),
    responses((status = 200, body = Vec<OperatorView>), (status = 400, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn operators(
    State(s): State<AppState>,
    _: Authorized<need::Supervisor>,
    QueryParams(q): QueryParams<OperatorQuery>,
) -> ApiResult<Json<Vec<OperatorView>>> {
    let state = q
        .state
        .as_deref()
        .map(|v| {
            AgentState::parse(v)
                .ok_or_else(|| ApiError::bad("state", format!("{v:?} is not a state")))
        })
        .transpose()?;
    let adherence = q
        .adherence
        .as_deref()
        .map(|v| {
            serde_json::from_value::<Adherence>(serde_json::Value::String(v.to_string()))
                .map_err(|_| ApiError::bad("adherence", format!("{v:?} is not an adherence state")))
        })
        .transpose()?;
    let p = s.live.snapshot();
    let names: BTreeMap<i64, (&str, &str)> = p
        .agents
        .iter()
        .map(|a| (a.id, (a.external_id.as_str(), a.full_name.as_str())))
        .collect();
    let list = p
        .operators
        .iter()
        .filter(|o| q.group.is_none_or(|g| o.group_id == Some(g)))
        .filter(|o| state.is_none_or(|st| o.state == st))
        .filter(|o| adherence.is_none_or(|a| o.adherence == a))
        .map(|o| {
            let (login, name) = names.get(&o.agent_id).copied().unwrap_or_default();
            OperatorView {
                login: login.to_string(),
                full_name: name.to_string(),
                status: o.clone(),
            }
        })
        .collect();
    Ok(Json(list))
}

/// Server-Sent Events: a `groups` event with the groups whose figures changed, as soon as a
/// snapshot is published (at most every 250 ms); the first event carries every group.
#[utoipa::path(get, path = "/api/v1/performance/metrics/stream", tag = "monitoring",
    responses((status = 200, description = "text/event-stream of changed groups")),
    security(("bearer" = []), ("api_key" = [])))]
async fn stream(
    State(s): State<AppState>,
    _: Authorized<need::Viewer>,
) -> Sse<impl futures_util::Stream<Item = Result<SseEvent, Infallible>>> {
    let live = s.live.clone();
    let mut version = live.subscribe();
    version.borrow_and_update();
    let closing = live.closing();
    let start = (true, version, closing, BTreeMap::<i64, String>::new());
    let stream =
        futures_util::stream::unfold(start, move |(first, mut version, mut closing, mut sent)| {
            let live = live.clone();
            async move {
                if *closing.borrow() {
                    return None;
                }
                if !first {
                    tokio::select! {
                        changed = version.changed() => changed.ok()?,
                        _ = closing.changed() => return None,
                    }
                }
                let p = live.snapshot();
                let mut changed = Vec::new();
                for g in &p.realtime.groups {
                    let text = serde_json::to_string(g).unwrap_or_default();
                    if sent.get(&g.group_id) != Some(&text) {
                        changed.push(g.clone());
                        sent.insert(g.group_id, text);
                    }
                }
                let body = serde_json::json!({"at": p.realtime.at, "groups": changed});
                let event = SseEvent::default().event("groups").data(body.to_string());
                Some((Ok(event), (false, version, closing, sent)))
            }
        });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

//! What supervisors watch besides the six indicators: SLA compliance per group and
//! interval, operator statuses with adherence, and a live stream of changed groups.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wfm_core::event::AgentState;
use wfm_core::freshness::Freshness;
use wfm_core::live::{Adherence, IntervalFigures, OperatorStatus};
use wfm_store::live::WorkplaceCall;

use crate::auth::{Authorized, need};
use crate::health::freshness as fresh;
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{Id, QueryParams};
use crate::http::middleware::CorrelationId;
use crate::live::engine::Engine;
use crate::live::view::Published;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sla_compliance))
        .routes(routes!(operators))
        .routes(routes!(stream))
        .routes(routes!(call_to_workplace))
        .routes(routes!(workplace_calls))
}

/// A call to the workplace with the operator's response time.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkplaceCallView {
    #[serde(flatten)]
    pub call: WorkplaceCall,
    /// Seconds from the call to the operator being on line.
    pub response_seconds: Option<f64>,
}

impl From<WorkplaceCall> for WorkplaceCallView {
    fn from(call: WorkplaceCall) -> Self {
        let response_seconds = call
            .on_line_at
            .map(|at| (at - call.requested_at).num_milliseconds().max(0) as f64 / 1000.0);
        WorkplaceCallView {
            call,
            response_seconds,
        }
    }
}

/// Calls a late or absent operator to the workplace: recorded with who asked and when,
/// announced on the live stream, and tracked until the operator is on line.
#[utoipa::path(post, path = "/api/v1/monitoring/operators/{id}/call-to-workplace", tag = "monitoring",
    params(("id" = i64, Path, description = "the operator's id")),
    responses((status = 201, body = WorkplaceCallView), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn call_to_workplace(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Supervisor>,
    CorrelationId(c): CorrelationId,
    Id(id): Id,
) -> ApiResult<(StatusCode, Json<WorkplaceCallView>)> {
    s.store.get_agent(id).await?;
    let call = s.live.call_to_workplace(id, &p.actor(&c)).await?;
    Ok((StatusCode::CREATED, Json(call.into())))
}

/// Calls to the workplace of the last 24 hours, with response times.
#[utoipa::path(get, path = "/api/v1/monitoring/workplace-calls", operation_id = "list_workplace_calls", tag = "monitoring",
    responses((status = 200, body = Vec<WorkplaceCallView>)),
    security(("bearer" = []), ("api_key" = [])))]
async fn workplace_calls(
    State(s): State<AppState>,
    _: Authorized<need::Supervisor>,
) -> ApiResult<Json<Vec<WorkplaceCallView>>> {
    let since = Utc::now() - chrono::Duration::hours(24);
    let calls = s.store.workplace_calls(since).await?;
    Ok(Json(calls.into_iter().map(Into::into).collect()))
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
    /// Today: how fresh the contact-center data is, with a warning when it is older than
    /// the feed's expected cycle. Absent for a past day.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub freshness: Option<Freshness>,
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

/// Which day to report.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ComplianceQuery {
    /// A past local day (YYYY-MM-DD), rebuilt from the event log; default today.
    pub date: Option<chrono::NaiveDate>,
}

/// Service level per group and per interval (with target and breach flag), over the
/// rolling window, speed of answer, abandonment, the queue now, and the breach periods:
/// today from the live snapshot, or a past day (`?date=`) rebuilt from the event log.
#[utoipa::path(get, path = "/api/v1/performance/sla/compliance", operation_id = "get_sla_compliance", tag = "monitoring",
    params(ComplianceQuery),
    responses((status = 200, body = Compliance), (status = 400, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn sla_compliance(
    State(s): State<AppState>,
    _: Authorized<need::Viewer>,
    QueryParams(q): QueryParams<ComplianceQuery>,
) -> ApiResult<Json<Compliance>> {
    let live = s.live.snapshot();
    let today = live.realtime.at.date_naive();
    let past = match q.date {
        Some(d) if d > today + chrono::Days::new(1) => {
            return Err(ApiError::bad("date", "is in the future"));
        }
        Some(d) if d < today - chrono::Days::new(1) || !live.days.contains(&d) => {
            let engine = Engine::load_date(&s.store, d).await?;
            let end = engine
                .sites
                .iter()
                .map(|site| site.grid.day_start(d.succ_opt().unwrap_or(d)))
                .max()
                .unwrap_or(live.realtime.at)
                - chrono::Duration::milliseconds(1);
            Some(Published::build(&engine, end, 0))
        }
        _ => None,
    };
    let p = past.as_ref().unwrap_or(&live);
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
    let freshness = past.is_none().then(|| live.realtime.freshness.clone());
    Ok(Json(Compliance {
        at,
        groups,
        freshness,
    }))
}

/// Filters of the operator list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OperatorQuery {
    /// Only operators counted for this group or planned on line work for it now (a
    /// multi-skill operator working another group shows in both lists, counted in one).
    pub group: Option<i64>,
    /// Only operators in this state (ready, on_contact, ...).
    #[param(pattern = "^(ready|on_contact|wrap_up|break|lunch|training|not_ready|logged_out)$")]
    pub state: Option<String>,
    /// Only operators with this adherence (on_schedule, late_login, absent, wrong_status,
    /// other_group, in_break, lunch, not_scheduled).
    #[param(
        pattern = "^(on_schedule|late_login|absent|wrong_status|other_group|in_break|lunch|not_scheduled)$"
    )]
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
/// on a break; ordered by operator. `X-Data-Freshness` tells how fresh the contact center's
/// statuses are, `X-Data-Warning` warns when they are older than the feed's expected cycle.
#[utoipa::path(get, path = "/api/v1/monitoring/operators", operation_id = "list_operators", tag = "monitoring", params(OperatorQuery),
    responses((status = 200, body = Vec<OperatorView>,
        headers(("X-Data-Freshness" = String, description = "contact_center: as_of, age, expected cycle, stale"),
                ("X-Data-Warning" = String, description = "when the statuses may be outdated"))),
        (status = 400, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn operators(
    State(s): State<AppState>,
    _: Authorized<need::Supervisor>,
    QueryParams(q): QueryParams<OperatorQuery>,
) -> ApiResult<(HeaderMap, Json<Vec<OperatorView>>)> {
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
    let mut headers = HeaderMap::new();
    fresh::add_headers(&mut headers, std::slice::from_ref(&p.realtime.freshness));
    let names: BTreeMap<i64, (&str, &str)> = p
        .agents
        .iter()
        .map(|a| (a.id, (a.external_id.as_str(), a.full_name.as_str())))
        .collect();
    let list = p
        .operators
        .iter()
        .filter(|o| {
            q.group.is_none_or(|g| {
                o.group_id == Some(g) || o.planned == Some(wfm_core::plan::Activity::Line(g))
            })
        })
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
    Ok((headers, Json(list)))
}

/// What one stream listener holds between events.
struct Listening {
    first: bool,
    version: tokio::sync::watch::Receiver<u64>,
    closing: tokio::sync::watch::Receiver<bool>,
    notices: tokio::sync::broadcast::Receiver<WorkplaceCall>,
    alerts: tokio::sync::broadcast::Receiver<wfm_store::alerts::Alert>,
    /// What each group's card showed when last sent (`Published::cards`), to send only
    /// what changed.
    sent: BTreeMap<i64, u64>,
}

/// Server-Sent Events: a `groups` event with the groups whose figures changed, as soon as a
/// snapshot is published (as soon as events are applied, coalesced under load), with every service and site aggregate and
/// the data freshness; the first event carries every group. A
/// `call_to_workplace` event announces each call of an operator to the workplace, an
/// `alert` event each alert as it fires, escalates, is acknowledged or resolves.
#[utoipa::path(get, path = "/api/v1/performance/metrics/stream", operation_id = "stream_metrics", tag = "monitoring",
    responses((status = 200, description = "text/event-stream of changed groups")),
    security(("bearer" = []), ("api_key" = [])))]
async fn stream(
    State(s): State<AppState>,
    _: Authorized<need::Viewer>,
) -> Sse<impl futures_util::Stream<Item = Result<SseEvent, Infallible>>> {
    let live = s.live.clone();
    let mut version = live.subscribe();
    version.borrow_and_update();
    let listening = Listening {
        first: true,
        version,
        closing: live.closing(),
        notices: live.notices(),
        alerts: s.alerts.notices(),
        sent: BTreeMap::new(),
    };
    let stream = futures_util::stream::unfold(listening, move |mut l| {
        let live = live.clone();
        async move {
            if *l.closing.borrow() {
                return None;
            }
            if !l.first {
                tokio::select! {
                    changed = l.version.changed() => changed.ok()?,
                    notice = l.notices.recv() => {
                        // A lagging listener skips missed notices rather than ending.
                        let Ok(call) = notice else { return Some((Ok(SseEvent::default().comment("lagged")), l)) };
                        let data = serde_json::to_string(&call).unwrap_or_default();
                        return Some((Ok(SseEvent::default().event("call_to_workplace").data(data)), l));
                    }
                    alert = l.alerts.recv() => {
                        let Ok(alert) = alert else { return Some((Ok(SseEvent::default().comment("lagged")), l)) };
                        let data = serde_json::to_string(&alert).unwrap_or_default();
                        return Some((Ok(SseEvent::default().event("alert").data(data)), l));
                    }
                    _ = l.closing.changed() => return None,
                }
            }
            l.first = false;
            let p = live.snapshot();
            let mut changed = Vec::new();
            for (g, card) in p.realtime.groups.iter().zip(&p.cards) {
                if l.sent.insert(g.group_id, *card) != Some(*card) {
                    changed.push(g.clone());
                }
            }
            // The aggregates and the freshness are small: sent whole with every event, so a
            // wallboard needs nothing but the stream.
            let r = &p.realtime;
            let body = serde_json::json!({
                "at": r.at, "groups": changed, "services": r.services, "sites": r.sites,
                "all": r.all, "freshness": r.freshness,
            });
            Some((
                Ok(SseEvent::default().event("groups").data(body.to_string())),
                l,
            ))
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

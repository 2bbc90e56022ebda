//! The executive dashboard: every group side by side, most important and most alarming
//! first, with aggregates per service and for the whole operation, the most pressing open
//! alerts, benchmarking ranks and cross-group reallocation suggestions; and the group
//! priorities (importance levels) that order it, set by managers.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wfm_core::event::{AgentId, GroupId};
use wfm_core::executive::{
    Aggregate, Benchmark, Importance, Reallocation, aggregate, attention_order, benchmarks,
    reallocations, worst_color,
};
use wfm_core::freshness::Freshness;
use wfm_core::live::{Figures, IndicatorValue};
use wfm_core::threshold::Color;
use wfm_store::StoreError;
use wfm_store::alerts::{Alert, AlertFilter};
use wfm_store::priorities::GroupPriority;

use crate::api::alerts::most_pressing_first;
use crate::auth::{Authorized, need};
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::JsonBody;
use crate::http::middleware::CorrelationId;
use crate::state::AppState;

/// Open alerts shown on the dashboard.
const ALERTS_SHOWN: usize = 10;
/// Open alerts read to count and order them.
const ALERTS_READ: u32 = 10_000;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(dashboard))
        .routes(routes!(list_priorities, set_priority))
}

/// One group on the dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExecutiveGroup {
    pub group_id: i64,
    pub name: String,
    pub service_id: i64,
    #[schema(value_type = String, pattern = "^(critical|high|normal|low)$")]
    pub importance: Importance,
    /// The worst color among the six indicators.
    #[schema(value_type = String)]
    pub worst_color: Color,
    /// The six indicators as the live snapshot has them (value, color, trend, ...).
    #[schema(value_type = Vec<Object>)]
    pub indicators: Vec<IndicatorValue>,
    pub online: u32,
    pub planned: u32,
    pub required: Option<f64>,
    pub queue_now: u32,
    pub offered_today: u32,
}

/// One service's aggregate.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceAggregate {
    pub service_id: i64,
    pub name: String,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub figures: Aggregate,
}

/// The most pressing open alerts.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertSummary {
    /// Open (firing or acknowledged) alerts in all.
    pub total: usize,
    /// The first ten of them: highest severity first, then the longest-standing.
    pub items: Vec<Alert>,
}

/// The executive dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExecutiveDashboard {
    pub at: DateTime<Utc>,
    /// Most important first, then the worst color, then by id.
    pub groups: Vec<ExecutiveGroup>,
    /// Per service, from the summed counts of its groups.
    pub services: Vec<ServiceAggregate>,
    /// Every group of every site, from the summed counts.
    #[schema(value_type = Object)]
    pub operation: Aggregate,
    pub alerts: AlertSummary,
    /// Per group, by id: ranks by SL attainment, adherence and forecast accuracy.
    #[schema(value_type = Vec<Object>)]
    pub benchmarks: Vec<Benchmark>,
    /// Operators to move from surplus to shortage groups: each group's SL before as its
    /// window shows it now (null: no calls in the window) and after by Erlang C on the
    /// window's load. A group with calls waiting, at its occupancy cap or under its
    /// target in the window gives nobody.
    #[schema(value_type = Vec<Object>)]
    pub reallocations: Vec<Reallocation>,
    /// How fresh the contact-center data behind the figures is.
    #[schema(value_type = Object)]
    pub freshness: Freshness,
}

/// Each group's importance, normal unless set.
async fn importance_of(s: &AppState) -> ApiResult<BTreeMap<GroupId, Importance>> {
    Ok(s.store
        .group_priorities()
        .await?
        .into_iter()
        .map(|p| (p.group_id, p.importance))
        .collect())
}

/// All groups side by side with their six indicators, aggregates per service and for the
/// whole operation (summed counts, weighted SL, ACD and AHT), the ten most pressing open
/// alerts, benchmarking ranks and reallocation suggestions (viewer).
#[utoipa::path(get, path = "/api/v1/performance/dashboard/executive", operation_id = "get_executive_dashboard", tag = "monitoring",
    responses((status = 200, body = ExecutiveDashboard)),
    security(("bearer" = []), ("api_key" = [])))]
async fn dashboard(
    State(s): State<AppState>,
    _: Authorized<need::Viewer>,
) -> ApiResult<Json<ExecutiveDashboard>> {
    let published = s.live.snapshot();
    let realtime = &published.realtime;
    let importance = importance_of(&s).await?;
    let level = |id: GroupId| importance.get(&id).copied().unwrap_or_default();
    let at = realtime.at;

    let mut views: Vec<_> = realtime.groups.iter().collect();
    views.sort_by(|a, b| {
        attention_order(
            (level(a.group_id), a.group_id, &a.figures),
            (level(b.group_id), b.group_id, &b.figures),
        )
    });
    let groups = views
        .iter()
        .map(|g| ExecutiveGroup {
            group_id: g.group_id,
            name: g.name.clone(),
            service_id: g.service_id,
            importance: level(g.group_id),
            worst_color: worst_color(&g.figures).0,
            indicators: g.figures.indicators.clone(),
            online: g.figures.online,
            planned: g.figures.planned,
            required: g.figures.required,
            queue_now: g.figures.queue_now,
            offered_today: g.figures.offered_today,
        })
        .collect();

    let every: Vec<&Figures> = realtime.groups.iter().map(|g| &g.figures).collect();
    let mut by_service: BTreeMap<i64, Vec<&Figures>> = BTreeMap::new();
    for g in &realtime.groups {
        by_service.entry(g.service_id).or_default().push(&g.figures);
    }
    let names: BTreeMap<i64, String> = s
        .store
        .list_services()
        .await?
        .into_iter()
        .map(|sv| (sv.id, sv.name))
        .collect();
    let services = by_service
        .into_iter()
        .map(|(id, members)| ServiceAggregate {
            service_id: id,
            name: names.get(&id).cloned().unwrap_or_default(),
            figures: aggregate(&members, at),
        })
        .collect();

    let mut open = s
        .store
        .list_alerts(&AlertFilter {
            open_only: true,
            limit: ALERTS_READ,
            ..Default::default()
        })
        .await?;
    most_pressing_first(&mut open);
    let total = open.len();
    open.truncate(ALERTS_SHOWN);

    let skills: BTreeMap<AgentId, Vec<GroupId>> = published
        .agents
        .iter()
        .filter(|a| a.active)
        .map(|a| (a.id, a.skills.iter().map(|k| k.group_id).collect()))
        .collect();
    // The donor rules hold a group's observed occupancy against its cap.
    let max_occupancy: BTreeMap<GroupId, f64> = s
        .store
        .list_groups()
        .await?
        .into_iter()
        .map(|g| (g.id, g.max_occupancy))
        .collect();
    let mut ranked = benchmarks(&every, &published.operators, &published.intervals, at);
    ranked.sort_by_key(|b| b.group_id);
    Ok(Json(ExecutiveDashboard {
        at,
        groups,
        services,
        operation: aggregate(&every, at),
        alerts: AlertSummary { total, items: open },
        benchmarks: ranked,
        reallocations: reallocations(
            &every,
            &importance,
            &max_occupancy,
            &published.operators,
            &skills,
        ),
        freshness: realtime.freshness.clone(),
    }))
}

/// A group's importance as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupImportance {
    pub group_id: i64,
    pub name: String,
    #[schema(value_type = String, pattern = "^(critical|high|normal|low)$")]
    pub importance: Importance,
    /// Who set it; `None` while it is the default.
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// Every group's importance on the executive dashboard, by group id; normal unless set
/// (viewer).
#[utoipa::path(get, path = "/api/v1/performance/dashboard/executive/priorities",
    tag = "monitoring", responses((status = 200, body = Vec<GroupImportance>)),
    security(("bearer" = []), ("api_key" = [])))]
async fn list_priorities(
    State(s): State<AppState>,
    _: Authorized<need::Viewer>,
) -> ApiResult<Json<Vec<GroupImportance>>> {
    let mut stored: BTreeMap<i64, GroupPriority> = s
        .store
        .group_priorities()
        .await?
        .into_iter()
        .map(|p| (p.group_id, p))
        .collect();
    let mut groups = s.store.list_groups().await?;
    groups.sort_by_key(|g| g.id);
    Ok(Json(
        groups
            .into_iter()
            .map(|g| {
                let set = stored.remove(&g.id);
                GroupImportance {
                    group_id: g.id,
                    name: g.name,
                    importance: set.as_ref().map(|p| p.importance).unwrap_or_default(),
                    updated_by: set.as_ref().map(|p| p.updated_by.clone()),
                    updated_at: set.map(|p| p.updated_at),
                }
            })
            .collect(),
    ))
}

/// A group's new importance.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorityInput {
    pub group_id: i64,
    /// `critical`, `high`, `normal` or `low`.
    #[schema(value_type = String, pattern = "^(critical|high|normal|low)$")]
    pub importance: Importance,
}

/// Sets a group's importance (manager), audited. 400 naming `group_id` for an unknown
/// group, `importance` for an unknown level.
#[utoipa::path(put, path = "/api/v1/performance/dashboard/executive/priorities",
    tag = "monitoring", request_body = PriorityInput,
    responses((status = 200, body = GroupPriority), (status = 400, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn set_priority(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Manager>,
    CorrelationId(c): CorrelationId,
    JsonBody(input): JsonBody<PriorityInput>,
) -> ApiResult<Json<GroupPriority>> {
    match s
        .store
        .set_group_priority(input.group_id, input.importance, &p.actor(&c))
        .await
    {
        Ok(set) => Ok(Json(set)),
        Err(StoreError::NotFound { .. }) => Err(ApiError::bad("group_id", "no such group")),
        Err(e) => Err(e.into()),
    }
}

//! Indicator history over a date range, from the interval records persisted as intervals
//! close: any indicator for any groups at 15-minute, hourly, daily or weekly granularity,
//! per group and for the groups combined, each bucket with the summed components its
//! value came from; and the patterns in it (recurring breaches, forecast accuracy,
//! adherence by operator).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wfm_core::history::{
    BreachPattern, Bucket, ForecastAccuracy, Granularity, IntervalRecord, adherence_by_operator,
    breach_patterns, buckets, forecast_accuracy,
};
use wfm_core::interval::IntervalGrid;
use wfm_core::threshold::Indicator;

use crate::auth::{Authorized, need};
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::QueryParams;
use crate::state::AppState;

/// Longest range of days one request may cover.
const MAX_DAYS: i64 = 366;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(history))
        .routes(routes!(insights))
}

/// What history to show.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// service_level (default), operators_online, load_deviation, operator_requirement,
    /// acd or aht_trend.
    #[param(
        pattern = "^(service_level|operators_online|load_deviation|operator_requirement|acd|aht_trend)$"
    )]
    pub indicator: Option<String>,
    /// Comma-separated group ids (default every group).
    #[param(pattern = r"^(-?[0-9]{1,18}(,-?[0-9]{1,18})*)?$")]
    pub group_ids: Option<String>,
    /// First local day, YYYY-MM-DD (default `to`, or today).
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub from: Option<String>,
    /// Last local day, YYYY-MM-DD (default `from`, or today); at most 366 days in all.
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub to: Option<String>,
    /// 15min (default), hour, day or week (ISO, Monday first).
    #[param(pattern = "^(15min|hour|day|week)$")]
    pub granularity: Option<String>,
}

/// Which groups and days the insights cover.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InsightsQuery {
    /// Comma-separated group ids (default every group).
    #[param(pattern = r"^(-?[0-9]{1,18}(,-?[0-9]{1,18})*)?$")]
    pub group_ids: Option<String>,
    /// First local day, YYYY-MM-DD (default `to`, or today).
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub from: Option<String>,
    /// Last local day, YYYY-MM-DD (default `from`, or today); at most 366 days in all.
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub to: Option<String>,
}

/// One bucket of an indicator's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryBucket {
    /// First instant of the bucket (local quarter hour, hour, midnight or Monday).
    pub start: DateTime<Utc>,
    /// The indicator from the summed components; `null` where undefined.
    pub value: Option<f64>,
    /// What it is held against (target, forecast, 100 % of planned...).
    pub plan: Option<f64>,
    /// The interval records' components, summed.
    #[schema(value_type = Object)]
    pub components: wfm_core::history::Components,
}

/// One group's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GroupHistory {
    pub group_id: i64,
    pub name: String,
    /// The site's time zone, in which days and weeks are cut.
    pub time_zone: String,
    pub buckets: Vec<HistoryBucket>,
}

/// The groups combined.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CombinedHistory {
    pub group_ids: Vec<i64>,
    /// The time zone buckets are cut in: the first group's site's.
    pub time_zone: String,
    pub buckets: Vec<HistoryBucket>,
}

/// An indicator's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct History {
    #[schema(value_type = String)]
    pub indicator: Indicator,
    /// `percent` or `people`.
    pub unit: &'static str,
    pub granularity: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub groups: Vec<GroupHistory>,
    pub combined: CombinedHistory,
}

/// An operator's adherence over the range.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdherenceView {
    pub agent_id: i64,
    pub name: String,
    pub scheduled_minutes: i64,
    pub adherent_minutes: i64,
    /// adherent / scheduled x 100.
    pub adherence_percent: f64,
}

/// Patterns in the history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Insights {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Weekday x interval-of-day cells where the SL missed target on at least half of the
    /// observed days and at least twice, worst first.
    #[schema(value_type = Vec<Object>)]
    pub recurring_breaches: Vec<BreachPattern>,
    /// Per group: MAPE of offered vs forecast calls over intervals with a forecast, and bias.
    #[schema(value_type = Vec<Object>)]
    pub forecast_accuracy: Vec<ForecastAccuracy>,
    /// Operators of the groups (primary group or skill), lowest adherence first.
    pub adherence: Vec<AdherenceView>,
}

/// A group with its site's grid.
struct Scoped {
    id: i64,
    name: String,
    time_zone: String,
    grid: IntervalGrid,
}

fn parse_date(field: &str, raw: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
    raw.map(|raw| {
        NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map_err(|_| ApiError::bad(field, "must be a date YYYY-MM-DD"))
    })
    .transpose()
}

/// The range [from, to], checked; a missing end is the other one, both missing today's
/// local date at the first group's site.
fn parse_range(
    from: Option<&str>,
    to: Option<&str>,
    groups: &[Scoped],
) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let today = groups.first().map_or_else(
        || Utc::now().date_naive(),
        |g| g.grid.local_date(Utc::now()),
    );
    let (from, to) = match (parse_date("from", from)?, parse_date("to", to)?) {
        (Some(from), Some(to)) => (from, to),
        (Some(day), None) | (None, Some(day)) => (day, day),
        (None, None) => (today, today),
    };
    if from > to {
        return Err(ApiError::bad("to", "must not be before from"));
    }
    if (to - from).num_days() + 1 > MAX_DAYS {
        return Err(ApiError::bad("to", "the range must not exceed 366 days"));
    }
    Ok((from, to))
}

/// The groups named (every group when none is), with their sites' grids; 400 for a
/// malformed list or an unknown group.
async fn scoped_groups(s: &AppState, raw: Option<&str>) -> Result<Vec<Scoped>, ApiError> {
    let groups = s.store.list_groups().await?;
    let mut ids = Vec::new();
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => ids.extend(groups.iter().map(|g| g.id)),
        Some(raw) => {
            for part in raw.split(',') {
                let id: i64 = part
                    .trim()
                    .parse()
                    .map_err(|_| ApiError::bad("group_ids", "must be comma-separated integers"))?;
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }
    let services = s.store.list_services().await?;
    let sites = s.store.list_sites().await?;
    ids.into_iter()
        .map(|id| {
            let unknown = || ApiError::bad("group_ids", format!("has unknown group {id}"));
            let group = groups.iter().find(|g| g.id == id).ok_or_else(unknown)?;
            let site = services
                .iter()
                .find(|v| v.id == group.service_id)
                .and_then(|v| sites.iter().find(|site| site.id == v.site_id))
                .ok_or_else(unknown)?;
            let grid = IntervalGrid::parse_tz(&site.time_zone)
                .and_then(|tz| IntervalGrid::new(tz, site.interval_minutes))
                .map_err(|e| ApiError::bad("group_ids", format!("group {id}: {e}")))?;
            Ok(Scoped {
                id,
                name: group.name.clone(),
                time_zone: site.time_zone.clone(),
                grid,
            })
        })
        .collect()
}

/// The records of `groups` over the local days [from, to] of each group's site.
async fn records_of(
    s: &AppState,
    groups: &[Scoped],
    from: NaiveDate,
    to: NaiveDate,
) -> ApiResult<Vec<IntervalRecord>> {
    // Groups of one time zone are read together.
    let mut by_zone: BTreeMap<(String, u32), (IntervalGrid, Vec<i64>)> = BTreeMap::new();
    for g in groups {
        by_zone
            .entry((g.time_zone.clone(), g.grid.minutes()))
            .or_insert_with(|| (g.grid, Vec::new()))
            .1
            .push(g.id);
    }
    let mut records = Vec::new();
    for (grid, ids) in by_zone.values() {
        let start = grid.day_start(from);
        let end = grid.day_start(to.succ_opt().unwrap_or(to));
        records.extend(s.store.interval_stats(ids, start, end).await?);
    }
    Ok(records)
}

fn view(indicator: Indicator, buckets: Vec<Bucket>) -> Vec<HistoryBucket> {
    buckets
        .into_iter()
        .map(|b| HistoryBucket {
            start: b.start,
            value: b.components.value(indicator),
            plan: b.components.plan(indicator),
            components: b.components,
        })
        .collect()
}

/// Any indicator's history for a set of groups over local days, in 15-minute, hourly,
/// daily or weekly buckets (the site's time zone; weeks from Monday), per group and for
/// the groups combined. Every value is computed from its bucket's summed components, which
/// come along; a bucket without data is absent.
#[utoipa::path(get, path = "/api/v1/performance/history", operation_id = "get_history", tag = "history",
    params(HistoryQuery),
    responses((status = 200, body = History), (status = 400, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn history(
    State(s): State<AppState>,
    _: Authorized<need::Viewer>,
    QueryParams(q): QueryParams<HistoryQuery>,
) -> ApiResult<Json<History>> {
    let raw = q.indicator.as_deref().unwrap_or("service_level");
    let indicator = Indicator::ALL
        .into_iter()
        .find(|i| i.as_str() == raw)
        .ok_or_else(|| {
            ApiError::bad(
                "indicator",
                "must be service_level, operators_online, load_deviation, \
                 operator_requirement, acd or aht_trend",
            )
        })?;
    let granularity = match q.granularity.as_deref() {
        None => Granularity::QuarterHour,
        Some(g) => Granularity::parse(g)
            .ok_or_else(|| ApiError::bad("granularity", "must be 15min, hour, day or week"))?,
    };
    let groups = scoped_groups(&s, q.group_ids.as_deref()).await?;
    let (from, to) = parse_range(q.from.as_deref(), q.to.as_deref(), &groups)?;
    let records = records_of(&s, &groups, from, to).await?;
    let per_group = groups
        .iter()
        .map(|g| GroupHistory {
            group_id: g.id,
            name: g.name.clone(),
            time_zone: g.time_zone.clone(),
            buckets: view(
                indicator,
                buckets(
                    records.iter().filter(|r| r.group_id == g.id),
                    granularity,
                    &g.grid,
                ),
            ),
        })
        .collect();
    let first = groups.first();
    let combined = CombinedHistory {
        group_ids: groups.iter().map(|g| g.id).collect(),
        time_zone: first.map(|g| g.time_zone.clone()).unwrap_or_default(),
        buckets: first
            .map(|g| view(indicator, buckets(&records, granularity, &g.grid)))
            .unwrap_or_default(),
    };
    Ok(Json(History {
        indicator,
        unit: if indicator == Indicator::OperatorRequirement {
            "people"
        } else {
            "percent"
        },
        granularity: granularity.as_str().to_string(),
        from,
        to,
        groups: per_group,
        combined,
    }))
}

/// Patterns over a range of local days for a set of groups: weekday and interval-of-day
/// cells where the service level keeps missing target (on at least half of the observed
/// days and at least twice, worst first), forecast accuracy per group (MAPE and bias over
/// the intervals with a forecast), and adherence by operator (lowest first).
#[utoipa::path(get, path = "/api/v1/performance/history/insights", operation_id = "get_history_insights", tag = "history",
    params(InsightsQuery),
    responses((status = 200, body = Insights), (status = 400, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn insights(
    State(s): State<AppState>,
    _: Authorized<need::Viewer>,
    QueryParams(q): QueryParams<InsightsQuery>,
) -> ApiResult<Json<Insights>> {
    let groups = scoped_groups(&s, q.group_ids.as_deref()).await?;
    let (from, to) = parse_range(q.from.as_deref(), q.to.as_deref(), &groups)?;
    let records = records_of(&s, &groups, from, to).await?;
    let mut recurring_breaches = Vec::new();
    for g in &groups {
        let mine: Vec<IntervalRecord> = records
            .iter()
            .filter(|r| r.group_id == g.id)
            .copied()
            .collect();
        recurring_breaches.extend(breach_patterns(&mine, &g.grid));
    }
    recurring_breaches.sort_by(|a, b| {
        let share = |p: &BreachPattern| f64::from(p.breached_days) / f64::from(p.observed_days);
        share(b)
            .total_cmp(&share(a))
            .then(b.breached_days.cmp(&a.breached_days))
            .then(b.mean_shortfall.total_cmp(&a.mean_shortfall))
    });
    let ids: Vec<i64> = groups.iter().map(|g| g.id).collect();
    let agents: Vec<_> = s
        .store
        .list_agents()
        .await?
        .into_iter()
        .filter(|a| {
            a.primary_group_id.is_some_and(|g| ids.contains(&g))
                || a.skills.iter().any(|k| ids.contains(&k.group_id))
        })
        .collect();
    let agent_ids: Vec<i64> = agents.iter().map(|a| a.id).collect();
    let mut adherence_records = Vec::new();
    if !agent_ids.is_empty() {
        let mut zones: Vec<&IntervalGrid> = Vec::new();
        for g in &groups {
            if !zones.iter().any(|z| z.tz() == g.grid.tz()) {
                zones.push(&g.grid);
            }
        }
        // The widest span the groups' local days cover.
        let start = zones.iter().map(|z| z.day_start(from)).min();
        let end = zones
            .iter()
            .map(|z| z.day_start(to.succ_opt().unwrap_or(to)))
            .max();
        if let (Some(start), Some(end)) = (start, end) {
            adherence_records = s.store.adherence_stats(&agent_ids, start, end).await?;
        }
    }
    let adherence = adherence_by_operator(&adherence_records)
        .into_iter()
        .map(|a| AdherenceView {
            agent_id: a.agent_id,
            name: agents
                .iter()
                .find(|x| x.id == a.agent_id)
                .map(|x| x.full_name.clone())
                .unwrap_or_default(),
            scheduled_minutes: a.scheduled_minutes,
            adherent_minutes: a.adherent_minutes,
            adherence_percent: a.adherence_percent,
        })
        .collect();
    Ok(Json(Insights {
        from,
        to,
        recurring_breaches,
        forecast_accuracy: forecast_accuracy(&records),
        adherence,
    }))
}

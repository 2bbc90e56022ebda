//! Staffing optimization over HTTP: suggested moves for a set of groups over a horizon,
//! checked against the site's labor rules and priced, and the labor rules themselves
//! (read by anyone, set by managers, audited).

mod input;

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wfm_core::labor::LaborRules;
use wfm_core::optimization::{self, Candidate, GroupFigures, Plan};
use wfm_store::model::FieldError;

use crate::auth::{Authorized, need};
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{Id, JsonBody};
use crate::http::middleware::CorrelationId;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(suggest))
        .routes(routes!(get_labor_rules, put_labor_rules))
}

/// Longest horizon a suggestion may cover, minutes.
pub const MAX_HORIZON_MINUTES: u32 = 12 * 60;
/// Horizon when the request names none, minutes.
pub const DEFAULT_HORIZON_MINUTES: u32 = 120;
/// Hourly rate of operators the request gives none for.
pub const DEFAULT_HOURLY_RATE: f64 = 400.0;
/// The currency of every rate and cost.
pub const CURRENCY: &str = "RUB";

const METHOD: &str = "Service level per group and interval by Erlang C on the forecast with the \
operators on line work; attainment is the forecast-calls-weighted service level over the horizon; \
moves that break a labor rule are blocked, as is lending an operator now out of a group with \
calls waiting, at its maximum occupancy or under its target in the window; the plan adds moves \
greedily, free ones first by attainment gained and paid ones by attainment gained per rouble \
(counting service level only up to the target), re-evaluating after each pick, never using an \
operator twice in an interval and never taking an operator from a group that would then fall \
short.";

/// What to optimize.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestRequest {
    /// Groups to staff, all of one site.
    pub group_ids: Vec<i64>,
    /// Length of the horizon, 1 to 720 minutes (default 120).
    #[serde(default)]
    pub horizon_minutes: Option<u32>,
    /// Start of the horizon (default now); the interval holding it is the first.
    #[serde(default)]
    pub from: Option<DateTime<Utc>>,
    /// Hourly rate of operators without their own (default 400 RUB).
    #[serde(default)]
    pub hourly_rate: Option<f64>,
    /// Hourly rate per agent id.
    #[serde(default)]
    pub hourly_rates: BTreeMap<i64, f64>,
    /// Most the chosen moves may cost together.
    #[serde(default)]
    pub budget: Option<f64>,
}

/// The suggestion.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestResponse {
    pub site_id: i64,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub interval_minutes: u32,
    /// Currency of rates and costs: RUB.
    pub currency: &'static str,
    /// Per group, per interval: forecast, scheduled, on line, required, gap and service
    /// levels before and after the plan.
    #[schema(value_type = Vec<Object>)]
    pub groups: Vec<GroupFigures>,
    /// Every move considered; blocked ones name the labor rules they would break, and a
    /// lending now out of a group the donor rules hold names those (`donor_...`).
    #[schema(value_type = Vec<Object>)]
    pub candidates: Vec<Candidate>,
    /// The moves chosen, in order, with attainment before and after and the total cost.
    #[schema(value_type = Object)]
    pub plan: Plan,
    /// The labor rules the moves were checked and priced with.
    #[schema(value_type = Object)]
    pub labor_rules: LaborRules,
    /// How the suggestion is made, in a sentence.
    pub method: &'static str,
}

fn check(req: &SuggestRequest) -> Result<(u32, f64), ApiError> {
    let mut errors = Vec::new();
    if req.group_ids.is_empty() {
        errors.push(FieldError::new("group_ids", "must name at least one group"));
    }
    let horizon = req.horizon_minutes.unwrap_or(DEFAULT_HORIZON_MINUTES);
    if horizon == 0 || horizon > MAX_HORIZON_MINUTES {
        errors.push(FieldError::new(
            "horizon_minutes",
            format!("must be between 1 and {MAX_HORIZON_MINUTES}"),
        ));
    }
    let rate = req.hourly_rate.unwrap_or(DEFAULT_HOURLY_RATE);
    // Roubles: an hour up to a million, a budget up to a trillion keep every sum exact
    // enough and finite.
    let rate_ok = |v: f64| (0.0..=1e6).contains(&v);
    if !rate_ok(rate) {
        errors.push(FieldError::new("hourly_rate", "must be from 0 to 1000000"));
    }
    for (agent, r) in &req.hourly_rates {
        if !rate_ok(*r) {
            errors.push(FieldError::new(
                format!("hourly_rates.{agent}"),
                "must be from 0 to 1000000",
            ));
        }
    }
    if req.budget.is_some_and(|b| !(0.0..=1e12).contains(&b)) {
        errors.push(FieldError::new("budget", "must be from 0 to 1000000000000"));
    }
    if errors.is_empty() {
        Ok((horizon, rate))
    } else {
        Err(ApiError::BadRequest(errors))
    }
}

/// Staffing moves for the groups over the horizon (supervisor): per interval the
/// forecast, the scheduled, required (Erlang C) and missing operators; every candidate
/// move (call a late or absent operator in, extend a shift, lend an operator to another
/// group, move a break, call someone in) with its service level before and after, its
/// cost and its labor check; and the plan gaining the most attainment per unit of cost.
#[utoipa::path(post, path = "/api/v1/performance/optimization/suggest", operation_id = "suggest_staffing", tag = "optimization",
    request_body = SuggestRequest,
    responses((status = 200, body = SuggestResponse), (status = 400, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn suggest(
    State(s): State<AppState>,
    _: Authorized<need::Supervisor>,
    JsonBody(req): JsonBody<SuggestRequest>,
) -> ApiResult<Json<SuggestResponse>> {
    let (horizon, rate) = check(&req)?;
    let from = req.from.unwrap_or_else(Utc::now);
    let built = input::build(&s, &req, from, horizon, rate).await?;
    let suggestion = optimization::suggest(&built.input);
    Ok(Json(SuggestResponse {
        site_id: built.site_id,
        from: built.input.intervals.first().map_or(from, |i| i.0),
        to: built.input.intervals.last().map_or(from, |i| i.1),
        interval_minutes: built.interval_minutes,
        currency: CURRENCY,
        groups: suggestion.groups,
        candidates: suggestion.candidates,
        plan: suggestion.plan,
        labor_rules: built.input.rules,
        method: METHOD,
    }))
}

/// A site's labor rules and whether they are the defaults.
#[derive(Debug, Serialize, ToSchema)]
pub struct LaborRulesView {
    pub site_id: i64,
    pub rules: LaborRules,
    /// True when the site has set none and uses the defaults.
    pub defaults: bool,
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A site's labor rules (viewer): the stored ones, or the defaults.
#[utoipa::path(get, path = "/api/v1/performance/labor-rules/{site_id}", tag = "optimization",
    params(("site_id" = i64, Path)),
    responses((status = 200, body = LaborRulesView), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn get_labor_rules(
    State(s): State<AppState>,
    _: Authorized<need::Viewer>,
    Id(site_id): Id,
) -> ApiResult<Json<LaborRulesView>> {
    s.store.get_site(site_id).await?;
    Ok(Json(match s.store.labor_rules(site_id).await? {
        Some(stored) => LaborRulesView {
            site_id,
            rules: stored.rules,
            defaults: false,
            updated_by: Some(stored.updated_by),
            updated_at: Some(stored.updated_at),
        },
        None => LaborRulesView {
            site_id,
            rules: LaborRules::default(),
            defaults: true,
            updated_by: None,
            updated_at: None,
        },
    }))
}

/// Sets a site's labor rules (manager); omitted fields take the defaults. Every field is
/// checked and the change is audited.
#[utoipa::path(put, path = "/api/v1/performance/labor-rules/{site_id}", tag = "optimization",
    params(("site_id" = i64, Path)), request_body = LaborRules,
    responses((status = 200, body = LaborRulesView), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn put_labor_rules(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Manager>,
    CorrelationId(c): CorrelationId,
    Id(site_id): Id,
    JsonBody(rules): JsonBody<LaborRules>,
) -> ApiResult<Json<LaborRulesView>> {
    let errors = rules.validate();
    if !errors.is_empty() {
        return Err(ApiError::BadRequest(
            errors
                .into_iter()
                .map(|(f, m)| FieldError::new(f, m))
                .collect(),
        ));
    }
    let stored = s
        .store
        .put_labor_rules(site_id, &rules, &p.actor(&c))
        .await?;
    Ok(Json(LaborRulesView {
        site_id,
        rules: stored.rules,
        defaults: false,
        updated_by: Some(stored.updated_by),
        updated_at: Some(stored.updated_at),
    }))
}

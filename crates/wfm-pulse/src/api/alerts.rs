//! Alerts: their rules (configured by managers, checked and audited), the alerts themselves
//! (open first, by severity then age), acknowledging and resolving them, the accuracy of the
//! predictive ones, each person's notification preferences and the delivery log.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wfm_core::alerting::accuracy::{Accuracy, accuracy};
use wfm_core::alerting::rule::{PredictionKind, RuleDefinition, Severity};
use wfm_store::alerts::{
    Alert, AlertEvent, AlertFilter, AlertState, Delivery, NotificationPrefs, StoredRule,
};
use wfm_store::model::FieldError;

use crate::auth::{Authorized, Principal, need};
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{Id, JsonBody, QueryParams};
use crate::http::middleware::CorrelationId;
use crate::http::page::{next_cursor, page_size};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_rules, configure))
        .routes(routes!(delete_rule))
        .routes(routes!(list_alerts))
        .routes(routes!(get_alert))
        .routes(routes!(acknowledge))
        .routes(routes!(resolve))
        .routes(routes!(prediction_accuracy))
        .routes(routes!(my_prefs, put_my_prefs))
        .routes(routes!(put_prefs))
        .routes(routes!(deliveries))
}

/// A rule to create (no `id`) or replace (with `id`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigureRequest {
    #[serde(default)]
    pub id: Option<i64>,
    pub rule: RuleDefinition,
}

/// The alert rules (viewer).
#[utoipa::path(get, path = "/api/v1/performance/alerts/configure", tag = "alerts",
    responses((status = 200, body = Vec<StoredRule>)), security(("bearer" = []), ("api_key" = [])))]
async fn list_rules(
    State(s): State<AppState>,
    _: Authorized<need::Viewer>,
) -> ApiResult<Json<Vec<StoredRule>>> {
    Ok(Json(s.store.list_rules().await?))
}

/// A rule's problems, named as the request nests them (`rule.trigger.value`).
fn invalid(errors: Vec<(String, String)>) -> ApiError {
    ApiError::BadRequest(
        errors
            .into_iter()
            .map(|(f, m)| FieldError::new(format!("rule.{f}"), m))
            .collect(),
    )
}

/// Creates or replaces an alert rule, threshold or predictive (manager). Every field is
/// checked (the metric exists, thresholds in range, durations and escalation levels in
/// order, channels and recipients valid); the change is audited and used at once.
#[utoipa::path(post, path = "/api/v1/performance/alerts/configure", operation_id = "create_rule", tag = "alerts",
    request_body = ConfigureRequest,
    responses((status = 201, body = StoredRule), (status = 200, body = StoredRule),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn configure(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Manager>,
    CorrelationId(c): CorrelationId,
    JsonBody(req): JsonBody<ConfigureRequest>,
) -> ApiResult<(StatusCode, Json<StoredRule>)> {
    req.rule.validate().map_err(invalid)?;
    let definition = serde_json::to_value(&req.rule).map_err(|_| ApiError::Internal)?;
    let actor = p.actor(&c);
    let (status, stored) = match req.id {
        None => (
            StatusCode::CREATED,
            s.store
                .create_rule(&req.rule.name, req.rule.enabled, &definition, &actor)
                .await?,
        ),
        Some(id) => (
            StatusCode::OK,
            s.store
                .update_rule(id, &req.rule.name, req.rule.enabled, &definition, &actor)
                .await?,
        ),
    };
    s.alerts.reload_rules().await?;
    Ok((status, Json(stored)))
}

/// Deletes an alert rule (manager); its open alerts resolve at the next evaluation.
#[utoipa::path(delete, path = "/api/v1/performance/alerts/configure/{id}", tag = "alerts",
    params(("id" = i64, Path)), responses((status = 204), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn delete_rule(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Manager>,
    CorrelationId(c): CorrelationId,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    s.store.delete_rule(id, &p.actor(&c)).await?;
    s.alerts.reload_rules().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AlertQuery {
    pub state: Option<AlertState>,
    /// Only firing and acknowledged alerts.
    pub open: Option<bool>,
    pub group_id: Option<i64>,
    pub rule_id: Option<i64>,
    /// `threshold` or `predictive`.
    pub kind: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub cursor: Option<i64>,
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AlertPage {
    pub items: Vec<Alert>,
    pub next_cursor: Option<i64>,
}

fn severity_rank(a: &Alert) -> Severity {
    Severity::parse(&a.severity).unwrap_or(Severity::Info)
}

/// Sorts alerts open ones first, then by severity (highest first), then the
/// longest-standing first: the order every alert list shows.
pub fn most_pressing_first(items: &mut [Alert]) {
    items.sort_by(|a, b| {
        let resolved = |x: &Alert| x.state == AlertState::Resolved;
        resolved(a)
            .cmp(&resolved(b))
            .then(severity_rank(b).cmp(&severity_rank(a)))
            .then(a.fired_at.cmp(&b.fired_at))
    });
}

/// Alerts: open ones first, then by severity (highest first), then the longest-standing
/// (viewer).
#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts", params(AlertQuery),
    responses((status = 200, body = AlertPage), (status = 400, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn list_alerts(
    State(s): State<AppState>,
    _: Authorized<need::Viewer>,
    QueryParams(q): QueryParams<AlertQuery>,
) -> ApiResult<Json<AlertPage>> {
    let limit = page_size(q.limit)?;
    if let Some(k) = &q.kind {
        if k != "threshold" && k != "predictive" {
            return Err(ApiError::bad("kind", "must be threshold or predictive"));
        }
    }
    let mut items = s
        .store
        .list_alerts(&AlertFilter {
            state: q.state,
            open_only: q.open.unwrap_or(false),
            group_id: q.group_id,
            rule_id: q.rule_id,
            kind: q.kind,
            from: q.from,
            to: q.to,
            before_id: q.cursor,
            limit,
        })
        .await?;
    let cursor = next_cursor(&items, limit, |a| a.id);
    most_pressing_first(&mut items);
    Ok(Json(AlertPage {
        items,
        next_cursor: cursor,
    }))
}

/// An alert with its timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertDetail {
    #[serde(flatten)]
    pub alert: Alert,
    pub timeline: Vec<AlertEvent>,
    pub deliveries: Vec<Delivery>,
}

/// One alert with its timeline (fired, notified, escalated, acknowledged, resolved) and
/// its notifications (viewer).
#[utoipa::path(get, path = "/api/v1/alerts/{id}", tag = "alerts", params(("id" = i64, Path)),
    responses((status = 200, body = AlertDetail), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn get_alert(
    State(s): State<AppState>,
    _: Authorized<need::Viewer>,
    Id(id): Id,
) -> ApiResult<Json<AlertDetail>> {
    let alert = s.store.get_alert(id).await?;
    Ok(Json(AlertDetail {
        timeline: s.store.alert_events(id).await?,
        deliveries: s.store.list_deliveries(Some(id), 1000).await?,
        alert,
    }))
}

/// Acknowledges a firing alert: escalation stops (supervisor). 409 unless firing.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/acknowledge", operation_id = "acknowledge_alert", tag = "alerts", params(("id" = i64, Path)),
    responses((status = 200, body = Alert), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn acknowledge(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Supervisor>,
    CorrelationId(c): CorrelationId,
    Id(id): Id,
) -> ApiResult<Json<Alert>> {
    Ok(Json(s.alerts.acknowledge(id, &p.actor(&c)).await?))
}

/// Resolves an open alert (supervisor); it fires again only once the figure has cleared
/// and breached anew. 409 when resolved already.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/resolve", operation_id = "resolve_alert", tag = "alerts", params(("id" = i64, Path)),
    responses((status = 200, body = Alert), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn resolve(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Supervisor>,
    CorrelationId(c): CorrelationId,
    Id(id): Id,
) -> ApiResult<Json<Alert>> {
    Ok(Json(s.alerts.resolve(id, &p.actor(&c)).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AccuracyQuery {
    /// Targets from (default: a day ago).
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// How the predictions fared.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccuracyReport {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Predictions made in the period whose target has not been scored yet.
    pub unscored: u64,
    #[schema(value_type = Vec<Object>)]
    pub kinds: Vec<Accuracy>,
}

/// Hit rate, false alarms and misses of the predictions per kind (viewer).
#[utoipa::path(get, path = "/api/v1/alerts/predictive/accuracy", operation_id = "get_prediction_accuracy", tag = "alerts", params(AccuracyQuery),
    responses((status = 200, body = AccuracyReport), (status = 400, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn prediction_accuracy(
    State(s): State<AppState>,
    _: Authorized<need::Viewer>,
    QueryParams(q): QueryParams<AccuracyQuery>,
) -> ApiResult<Json<AccuracyReport>> {
    let to = q.to.unwrap_or_else(Utc::now);
    let from = q.from.unwrap_or(to - Duration::days(1));
    if to <= from {
        return Err(ApiError::bad("to", "must be after from"));
    }
    let rows = s.store.predictions(from, to).await?;
    let scored: Vec<(PredictionKind, bool, bool)> = rows
        .iter()
        .filter_map(|p| Some((PredictionKind::parse(&p.kind)?, p.breach, p.actual_breach?)))
        .collect();
    Ok(Json(AccuracyReport {
        from,
        to,
        unscored: (rows.len() - scored.len()) as u64,
        kinds: accuracy(&scored),
    }))
}

fn check_prefs(p: &NotificationPrefs) -> ApiResult<()> {
    let mut e = Vec::new();
    for (i, c) in p.channels.iter().enumerate() {
        if !matches!(c.as_str(), "in_app" | "email" | "sms") {
            e.push(FieldError::new(
                format!("channels[{i}]"),
                "must be in_app, email or sms",
            ));
        }
    }
    if Severity::parse(&p.min_severity).is_none() {
        e.push(FieldError::new(
            "min_severity",
            "must be info, warning, critical or emergency",
        ));
    }
    if let Some(q) = &p.quiet_hours {
        for (field, v) in [("quiet_hours.from", &q.from), ("quiet_hours.to", &q.to)] {
            if chrono::NaiveTime::parse_from_str(v, "%H:%M").is_err() {
                e.push(FieldError::new(field, "must be HH:MM"));
            }
        }
    }
    if p.email
        .as_ref()
        .is_some_and(|m| !m.contains('@') || m.len() > 200)
    {
        e.push(FieldError::new("email", "must be an e-mail address"));
    }
    let phone_ok = |n: &str| {
        n.starts_with('+')
            && (7..=15).contains(&n[1..].len())
            && n[1..].bytes().all(|b| b.is_ascii_digit())
    };
    if p.phone.as_deref().is_some_and(|n| !phone_ok(n)) {
        e.push(FieldError::new("phone", "must be + and 7-15 digits"));
    }
    if p.channels.iter().any(|c| c == "email") && p.email.is_none() {
        e.push(FieldError::new("email", "is needed for the email channel"));
    }
    if p.channels.iter().any(|c| c == "sms") && p.phone.is_none() {
        e.push(FieldError::new("phone", "is needed for the sms channel"));
    }
    if p.time_zone.parse::<chrono_tz::Tz>().is_err() {
        e.push(FieldError::new("time_zone", "must be an IANA time zone"));
    }
    for (i, t) in p.teams.iter().enumerate() {
        if t.trim().is_empty() || t.len() > 100 {
            e.push(FieldError::new(
                format!("teams[{i}]"),
                "must be 1-100 characters",
            ));
        }
    }
    if e.is_empty() {
        Ok(())
    } else {
        Err(ApiError::BadRequest(e))
    }
}

fn subject(p: &Principal) -> &str {
    p.name.strip_prefix("user:").unwrap_or(&p.name)
}

/// The caller's notification preferences (404 until set).
#[utoipa::path(get, path = "/api/v1/notifications/preferences", operation_id = "get_my_prefs", tag = "alerts",
    responses((status = 200, body = NotificationPrefs), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn my_prefs(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Viewer>,
) -> ApiResult<Json<NotificationPrefs>> {
    s.store
        .notification_prefs(subject(&p))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound("no notification preferences set".into()))
}

/// Sets the caller's notification preferences: channels, minimum severity, quiet hours,
/// contacts, teams.
#[utoipa::path(put, path = "/api/v1/notifications/preferences", tag = "alerts", request_body = NotificationPrefs,
    responses((status = 200, body = NotificationPrefs), (status = 400, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn put_my_prefs(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Viewer>,
    CorrelationId(c): CorrelationId,
    JsonBody(prefs): JsonBody<NotificationPrefs>,
) -> ApiResult<Json<NotificationPrefs>> {
    check_prefs(&prefs)?;
    s.store
        .put_notification_prefs(subject(&p), &prefs, &p.actor(&c))
        .await?;
    Ok(Json(prefs))
}

/// Sets someone's notification preferences, e.g. the teams they answer for (admin).
#[utoipa::path(put, path = "/api/v1/notifications/preferences/{user}", tag = "alerts",
    params(("user" = String, Path)), request_body = NotificationPrefs,
    responses((status = 200, body = NotificationPrefs), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn put_prefs(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Admin>,
    CorrelationId(c): CorrelationId,
    axum::extract::Path(user): axum::extract::Path<String>,
    JsonBody(prefs): JsonBody<NotificationPrefs>,
) -> ApiResult<Json<NotificationPrefs>> {
    if user.trim().is_empty() || user.len() > 200 {
        return Err(ApiError::bad("user", "must be 1-200 characters"));
    }
    crate::http::extract::no_nul("user", &user)?;
    check_prefs(&prefs)?;
    s.store
        .put_notification_prefs(&user, &prefs, &p.actor(&c))
        .await?;
    Ok(Json(prefs))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveryQuery {
    pub alert_id: Option<i64>,
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// The notification delivery log, newest first (manager).
#[utoipa::path(get, path = "/api/v1/notifications/deliveries", operation_id = "list_deliveries", tag = "alerts", params(DeliveryQuery),
    responses((status = 200, body = Vec<Delivery>)), security(("bearer" = []), ("api_key" = [])))]
async fn deliveries(
    State(s): State<AppState>,
    _: Authorized<need::Manager>,
    QueryParams(q): QueryParams<DeliveryQuery>,
) -> ApiResult<Json<Vec<Delivery>>> {
    let limit = page_size(q.limit)?;
    Ok(Json(s.store.list_deliveries(q.alert_id, limit).await?))
}

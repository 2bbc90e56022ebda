//! The platform's HTTP face: the pull contract's routes with its query parameters and error
//! bodies (400 naming the field, 404 when nothing asked for exists, 500 with a message),
//! behind the drill behaviour; the drill controls and the request counts under `/sim`.

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde::Serialize;

use super::PlatformSim;
use crate::integrations::contact_center::contract::{
    AGENT_CALLS_DATA, AGENT_LOGIN_DATA, AGENT_STATUS, AGENT_STATUS_DATA, ErrorBody,
    GROUPS_ONLINE_LOAD, PERSONNEL, SERVICE_GROUP_DATA,
};

type Params = Query<HashMap<String, String>>;

pub(super) fn router(sim: PlatformSim) -> Router {
    let contract = Router::new()
        .route(PERSONNEL, get(personnel))
        .route(SERVICE_GROUP_DATA, get(service_group_data))
        .route(AGENT_STATUS_DATA, get(agent_status_data))
        .route(AGENT_LOGIN_DATA, get(agent_login_data))
        .route(AGENT_CALLS_DATA, get(agent_calls_data))
        .route(AGENT_STATUS, get(agent_status))
        .route(GROUPS_ONLINE_LOAD, get(groups_online_load))
        .route_layer(middleware::from_fn_with_state(sim.clone(), gate));
    let control = Router::new()
        .route("/sim/behaviour", get(get_behaviour).put(put_behaviour))
        .route("/sim/requests", get(requests));
    Router::new().merge(contract).merge(control).with_state(sim)
}

fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn invalid(field: &str, message: String) -> ErrorBody {
    ErrorBody {
        field: Some(field.into()),
        message,
        description: Some("the request's parameters do not follow the contract".into()),
    }
}

fn bad(field: &str, message: String) -> Response {
    json(StatusCode::BAD_REQUEST, &invalid(field, message))
}

/// The contract's 404: no data for what was asked.
fn no_data() -> Response {
    StatusCode::NOT_FOUND.into_response()
}

/// Counts the request and applies the drill behaviour before the method answers.
async fn gate(State(sim): State<PlatformSim>, request: Request, next: Next) -> Response {
    *sim.requests
        .lock()
        .entry(request.uri().path().to_string())
        .or_default() += 1;
    let b = sim.behaviour();
    if b.delay_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(b.delay_ms)).await;
    }
    if b.down {
        return (StatusCode::SERVICE_UNAVAILABLE, "platform unavailable").into_response();
    }
    if b.error_rate > 0.0 && rand::thread_rng().gen_bool(b.error_rate.clamp(0.0, 1.0)) {
        return json(
            StatusCode::INTERNAL_SERVER_ERROR,
            &ErrorBody {
                field: None,
                message: "Internal error".into(),
                description: Some("the platform failed to answer (drill)".into()),
            },
        );
    }
    next.run(request).await
}

fn instant(q: &HashMap<String, String>, field: &str) -> Result<DateTime<Utc>, ErrorBody> {
    let Some(text) = q.get(field) else {
        return Err(invalid(
            field,
            format!("Required parameter {field} missing"),
        ));
    };
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            invalid(
                field,
                format!(
                    "{field} must be a date-time with its time zone, e.g. 2020-01-01T00:00:00Z"
                ),
            )
        })
}

fn period(q: &HashMap<String, String>) -> Result<(DateTime<Utc>, DateTime<Utc>), ErrorBody> {
    let (from, to) = (instant(q, "startDate")?, instant(q, "endDate")?);
    if to <= from {
        return Err(invalid("endDate", "endDate must be after startDate".into()));
    }
    if to - from > Duration::days(31) {
        return Err(invalid("endDate", "a period is at most 31 days".into()));
    }
    Ok((from, to))
}

fn ids(q: &HashMap<String, String>, field: &str) -> Result<Vec<String>, ErrorBody> {
    let list: Vec<String> = q
        .get(field)
        .map(|t| {
            t.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if list.is_empty() {
        return Err(invalid(
            field,
            format!("Required parameter {field} missing"),
        ));
    }
    Ok(list)
}

macro_rules! ok_or_answer {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return json(StatusCode::BAD_REQUEST, &e),
        }
    };
}

async fn personnel(State(sim): State<PlatformSim>) -> Response {
    json(StatusCode::OK, &sim.ledger.lock().personnel(&sim.name))
}

async fn service_group_data(State(sim): State<PlatformSim>, Query(q): Params) -> Response {
    let (from, to) = ok_or_answer!(period(&q));
    let groups = ok_or_answer!(ids(&q, "groupId"));
    let step = match q.get("step").map(|s| s.parse::<i64>()) {
        None => return bad("step", "Required parameter step missing".into()),
        Some(Ok(ms)) if (60_000..=86_400_000).contains(&ms) => Duration::milliseconds(ms),
        Some(_) => {
            return bad(
                "step",
                "step must be milliseconds from 60000 to 86400000".into(),
            );
        }
    };
    let ledger = sim.ledger.lock();
    if !ledger.any_group(&groups) {
        return no_data();
    }
    let day_start = sim.day_start(from);
    json(
        StatusCode::OK,
        &ledger.service_group_data(from, to, step, day_start, &groups),
    )
}

/// The three per-agent history methods: a period and agents, 404 when none is known.
fn by_agent<T: Serialize>(
    sim: &PlatformSim,
    q: &HashMap<String, String>,
    answer: impl FnOnce(&super::Ledger, DateTime<Utc>, DateTime<Utc>, &[String]) -> T,
) -> Response {
    let (from, to) = ok_or_answer!(period(q));
    let agents = ok_or_answer!(ids(q, "agentId"));
    let ledger = sim.ledger.lock();
    if !ledger.any_agent(&agents) {
        return no_data();
    }
    json(StatusCode::OK, &answer(&ledger, from, to, &agents))
}

async fn agent_status_data(State(sim): State<PlatformSim>, Query(q): Params) -> Response {
    by_agent(&sim, &q, |l, from, to, agents| {
        l.agent_status_data(from, to, Utc::now(), agents)
    })
}

async fn agent_login_data(State(sim): State<PlatformSim>, Query(q): Params) -> Response {
    by_agent(&sim, &q, |l, from, to, agents| {
        l.agent_login_data(from, to, Utc::now(), agents)
    })
}

async fn agent_calls_data(State(sim): State<PlatformSim>, Query(q): Params) -> Response {
    by_agent(&sim, &q, |l, from, to, agents| {
        l.agent_calls_data(from, to, agents)
    })
}

async fn agent_status(State(sim): State<PlatformSim>) -> Response {
    json(StatusCode::OK, &sim.ledger.lock().agent_status())
}

async fn groups_online_load(State(sim): State<PlatformSim>, Query(q): Params) -> Response {
    let groups = ok_or_answer!(ids(&q, "groupId"));
    let now = Utc::now();
    let ledger = sim.ledger.lock();
    if !ledger.any_group(&groups) {
        return no_data();
    }
    json(
        StatusCode::OK,
        &ledger.groups_online_load(sim.day_start(now), now, &groups),
    )
}

async fn get_behaviour(State(sim): State<PlatformSim>) -> Response {
    json(StatusCode::OK, &sim.behaviour())
}

async fn put_behaviour(State(sim): State<PlatformSim>, body: Bytes) -> Response {
    let b: super::Behaviour = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return bad("body", format!("not a behaviour: {e}")),
    };
    if let Err(message) = b.check() {
        return bad("body", message);
    }
    sim.set_behaviour(b);
    json(StatusCode::OK, &sim.behaviour())
}

async fn requests(State(sim): State<PlatformSim>) -> Response {
    json(StatusCode::OK, &sim.requests())
}

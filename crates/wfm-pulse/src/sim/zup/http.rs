//! The simulator's HTTP face: the contract's routes under the base path behind HTTP Basic
//! auth and the drill behaviour (down, delay, error rate), every request logged with its
//! correlation id; and the unauthenticated drill controls under `/sim`.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use chrono::NaiveDate;
use rand::Rng;
use serde::{Deserialize, Serialize};
use wfm_core::zup::calendar::ProductionCalendar;

use super::methods::{Failure, parse};
use super::state::{EmployeePatch, Hire, PatchError, RecordedRequest};
use super::{Behaviour, ZupSim};
use crate::integrations::zup::contract::{
    ErrorBody, FactWorkTimeRequest, GET_NORM_HOURS, GET_TIMETYPE_INFO, NormHoursRequest,
    SEND_FACT_WORK_TIME, SEND_SCHEDULE, ScheduleRequest, TimetypeRequest,
};

/// Largest request body accepted (a year of schedules for thousands of agents).
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// What a web server in front of a stopped 1C answers.
const UNAVAILABLE_PAGE: &str = "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>503 Service Unavailable</title>\n</head><body>\n<h1>Service Unavailable</h1>\n<p>The server is temporarily unable to service your\nrequest due to maintenance downtime or capacity\nproblems. Please try again later.</p>\n</body></html>\n";

pub(super) fn router(sim: ZupSim) -> Router {
    let base = sim.base_path().to_string();
    let contract = Router::new()
        .route(
            &format!("{base}/agents/{{startDate}}/{{endDate}}"),
            get(agents),
        )
        .route(&format!("{base}/{GET_NORM_HOURS}"), post(norm_hours))
        .route(&format!("{base}/{SEND_SCHEDULE}"), post(send_schedule))
        .route(&format!("{base}/{GET_TIMETYPE_INFO}"), post(timetype_info))
        .route(
            &format!("{base}/{SEND_FACT_WORK_TIME}"),
            post(fact_work_time),
        )
        .route_layer(middleware::from_fn_with_state(sim.clone(), gate));
    let control = Router::new()
        .route("/sim/behaviour", get(get_behaviour).put(put_behaviour))
        .route("/sim/clock", get(get_clock).put(put_clock))
        .route("/sim/departments", get(departments))
        .route("/sim/employees", get(employees).post(hire))
        .route(
            "/sim/employees/{agentId}",
            axum::routing::patch(patch_employee),
        )
        .route(
            "/sim/employees/{agentId}/deletion-request",
            post(request_deletion),
        )
        .route("/sim/documents", get(documents))
        .route("/sim/schedules/{agentId}", get(schedules))
        .route("/sim/part-month-schedules", post(part_month))
        .route("/sim/calendars", get(calendars))
        .route(
            "/sim/calendars/{year}",
            delete(remove_calendar).put(put_calendar),
        )
        .route("/sim/requests", get(requests));
    Router::new()
        .merge(contract)
        .merge(control)
        .fallback(unknown)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(sim)
}

fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            bytes,
        )
            .into_response(),
        Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error"),
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

fn error(status: StatusCode, field: Option<&str>, message: impl Into<String>) -> Response {
    json(
        status,
        &ErrorBody {
            field: field.map(str::to_string),
            message: message.into(),
            description: None,
        },
    )
}

fn answer<T: Serialize>(result: Result<T, Failure>) -> Response {
    match result {
        Ok(body) => json(StatusCode::OK, &body),
        Err(Failure::Invalid(e)) => json(StatusCode::BAD_REQUEST, &e),
        Err(Failure::NoData) => StatusCode::NOT_FOUND.into_response(),
        Err(Failure::Error(e)) => json(StatusCode::INTERNAL_SERVER_ERROR, &e),
        Err(Failure::Refused(r)) => json(StatusCode::INTERNAL_SERVER_ERROR, &r),
    }
}

// ---- the contract ----

/// The method a contract path names: its first segment after the base path.
fn method_of(base: &str, path: &str) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Whether the request carries the integration user's HTTP Basic credentials.
fn authorized(sim: &ZupSim, headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some((scheme, encoded)) = value.trim().split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Some(decoded) = decode_base64(encoded.trim()).and_then(|b| String::from_utf8(b).ok())
    else {
        return false;
    };
    decoded.split_once(':').is_some_and(|(user, password)| {
        user == sim.config().user && password == sim.config().password
    })
}

/// Standard base64 (padding optional); None for anything else.
pub(super) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.trim_end_matches('=').bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The employee a contract body is about: its `agentId`, or the only one of its `AR_agents`.
fn agent_of(body: &[u8]) -> Option<String> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let id = |v: &serde_json::Value| {
        v.get("agentId")
            .or_else(|| v.get("agentID"))
            .and_then(|id| id.as_str())
            .map(str::to_string)
    };
    id(&value).or_else(|| match value.get("AR_agents")?.as_array()?.as_slice() {
        [only] => id(only),
        _ => None,
    })
}

/// Logs the request and applies the behaviour and the auth; the response, if any, is the
/// answer given instead of the method's. The request comes back rebuilt around its body.
async fn admit(sim: &ZupSim, request: Request) -> (u64, Result<Request, Response>) {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_string();
    let mut entry = RecordedRequest {
        seq: 0,
        method: method_of(sim.base_path(), &path),
        http_method: parts.method.to_string(),
        path,
        received_at: chrono::Utc::now(),
        correlation_id: parts
            .headers
            .get("x-correlation-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        agent_id: None,
        status: 0,
    };
    let signed_in = authorized(sim, &parts.headers);
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let seq = sim.with(|s| s.record(entry));
            return (
                seq,
                Err(plain(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "Request Entity Too Large",
                )),
            );
        }
    };
    entry.agent_id = agent_of(&bytes);
    let request = Request::from_parts(parts, axum::body::Body::from(bytes));
    let (seq, behaviour) = sim.with(|s| (s.record(entry), s.behaviour));
    if behaviour.delay_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(behaviour.delay_ms)).await;
    }
    if behaviour.down {
        let page = (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/html; charset=iso-8859-1")],
            UNAVAILABLE_PAGE,
        )
            .into_response();
        return (seq, Err(page));
    }
    let fail = behaviour.error_rate > 0.0
        && sim.with(|s| s.faults.gen_bool(behaviour.error_rate.clamp(0.0, 1.0)));
    if fail {
        return (
            seq,
            Err(plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal server error",
            )),
        );
    }
    if !signed_in {
        let mut response = error(
            StatusCode::UNAUTHORIZED,
            None,
            "Authentication failed: the 1C user name or password is wrong",
        );
        if let Ok(challenge) = "Basic realm=\"1C:Enterprise\"".parse() {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, challenge);
        }
        return (seq, Err(response));
    }
    (seq, Ok(request))
}

async fn gate(State(sim): State<ZupSim>, request: Request, next: Next) -> Response {
    let (seq, admitted) = admit(&sim, request).await;
    let response = match admitted {
        Ok(request) => next.run(request).await,
        Err(refused) => refused,
    };
    sim.with(|s| s.answered(seq, response.status().as_u16()));
    response
}

/// Paths outside the routes: under the base path an unknown method of the service (logged,
/// behaviour and auth applied, then 404), elsewhere a plain 404.
async fn unknown(State(sim): State<ZupSim>, request: Request) -> Response {
    let path = request.uri().path().to_string();
    let base = sim.base_path();
    let under_base = base.is_empty() || path == base || path.starts_with(&format!("{base}/"));
    if !under_base || path.starts_with("/sim/") {
        return StatusCode::NOT_FOUND.into_response();
    }
    let (seq, admitted) = admit(&sim, request).await;
    let response = match admitted {
        Ok(_) => StatusCode::NOT_FOUND.into_response(),
        Err(refused) => refused,
    };
    sim.with(|s| s.answered(seq, response.status().as_u16()));
    response
}

async fn agents(State(sim): State<ZupSim>, Path((start, end)): Path<(String, String)>) -> Response {
    answer(sim.with(|s| s.agents(&start, &end)))
}

async fn norm_hours(State(sim): State<ZupSim>, body: Bytes) -> Response {
    answer(parse::<NormHoursRequest>(&body).and_then(|r| sim.with(|s| s.norm_hours(&r))))
}

async fn send_schedule(State(sim): State<ZupSim>, body: Bytes) -> Response {
    answer(parse::<ScheduleRequest>(&body).and_then(|r| sim.with(|s| s.send_schedule(&r))))
}

async fn timetype_info(State(sim): State<ZupSim>, body: Bytes) -> Response {
    answer(parse::<TimetypeRequest>(&body).and_then(|r| sim.with(|s| s.timetype_info(&r))))
}

async fn fact_work_time(State(sim): State<ZupSim>, body: Bytes) -> Response {
    answer(parse::<FactWorkTimeRequest>(&body).and_then(|r| sim.with(|s| s.fact_work_time(&r))))
}

// ---- the drill controls ----

/// A control request body, or the 400 naming what is wrong.
macro_rules! control_body {
    ($body:expr) => {
        match parse(&$body) {
            Ok(value) => value,
            Err(failure) => return answer::<()>(Err(failure)),
        }
    };
}

async fn get_behaviour(State(sim): State<ZupSim>) -> Response {
    json(StatusCode::OK, &sim.behaviour())
}

async fn put_behaviour(State(sim): State<ZupSim>, body: Bytes) -> Response {
    let b: Behaviour = control_body!(body);
    if let Err(message) = b.check() {
        return error(StatusCode::BAD_REQUEST, None, message);
    }
    sim.set_behaviour(b);
    json(StatusCode::OK, &sim.behaviour())
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Clock {
    /// The pinned local date; null follows the clock.
    today: Option<NaiveDate>,
}

async fn get_clock(State(sim): State<ZupSim>) -> Response {
    let pinned = sim.with(|s| s.clock);
    json(
        StatusCode::OK,
        &serde_json::json!({"today": sim.today(), "pinned": pinned.is_some()}),
    )
}

async fn put_clock(State(sim): State<ZupSim>, body: Bytes) -> Response {
    let clock: Clock = control_body!(body);
    sim.set_today(clock.today);
    get_clock(State(sim)).await
}

async fn departments(State(sim): State<ZupSim>) -> Response {
    json(StatusCode::OK, &sim.departments())
}

async fn employees(State(sim): State<ZupSim>) -> Response {
    json(StatusCode::OK, &sim.employees())
}

async fn hire(State(sim): State<ZupSim>, body: Bytes) -> Response {
    let h: Hire = control_body!(body);
    match sim.hire(h) {
        Ok(e) => json(StatusCode::CREATED, &e),
        Err(message) => error(StatusCode::BAD_REQUEST, None, message),
    }
}

async fn patch_employee(
    State(sim): State<ZupSim>,
    Path(agent_id): Path<String>,
    body: Bytes,
) -> Response {
    let p: EmployeePatch = control_body!(body);
    match sim.with(|s| s.patch(&agent_id, p)) {
        Ok(e) => json(StatusCode::OK, &e),
        Err(PatchError::NotFound(id)) => error(
            StatusCode::NOT_FOUND,
            Some("agentId"),
            format!("no employee {id}"),
        ),
        Err(PatchError::Invalid(message)) => error(StatusCode::BAD_REQUEST, None, message),
    }
}

/// Marks the employee as having asked for erasure (`deletionRequested` in `agents`).
async fn request_deletion(State(sim): State<ZupSim>, Path(agent_id): Path<String>) -> Response {
    match sim.with(|s| s.request_deletion(&agent_id)) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => error(StatusCode::NOT_FOUND, Some("agentId"), e.to_string()),
    }
}

async fn documents(State(sim): State<ZupSim>) -> Response {
    json(StatusCode::OK, &sim.documents())
}

async fn schedules(State(sim): State<ZupSim>, Path(agent_id): Path<String>) -> Response {
    if sim.with(|s| s.staff(&agent_id).is_none()) {
        return error(
            StatusCode::NOT_FOUND,
            Some("agentId"),
            format!("no employee {agent_id}"),
        );
    }
    json(StatusCode::OK, &sim.schedules(&agent_id))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartMonth {
    #[serde(rename = "agentId")]
    agent_id: String,
    year: i32,
    month: u32,
}

async fn part_month(State(sim): State<ZupSim>, body: Bytes) -> Response {
    let p: PartMonth = control_body!(body);
    if !(1..=12).contains(&p.month) {
        return error(
            StatusCode::BAD_REQUEST,
            Some("month"),
            "month must be 1 to 12",
        );
    }
    if sim.with(|s| s.staff(&p.agent_id).is_none()) {
        return error(
            StatusCode::NOT_FOUND,
            Some("agentId"),
            format!("no employee {}", p.agent_id),
        );
    }
    sim.add_part_month_schedule(&p.agent_id, p.year, p.month);
    StatusCode::NO_CONTENT.into_response()
}

async fn calendars(State(sim): State<ZupSim>) -> Response {
    json(StatusCode::OK, &sim.calendar_years())
}

async fn remove_calendar(State(sim): State<ZupSim>, Path(year): Path<String>) -> Response {
    let Ok(year) = year.parse::<i32>() else {
        return error(
            StatusCode::BAD_REQUEST,
            Some("year"),
            "year must be a number",
        );
    };
    if !sim.calendar_years().contains(&year) {
        return error(
            StatusCode::NOT_FOUND,
            Some("year"),
            format!("no calendar for {year}"),
        );
    }
    sim.remove_calendar(year);
    StatusCode::NO_CONTENT.into_response()
}

/// Loads a calendar in the xmlcalendar format; its year must be the path's.
async fn put_calendar(
    State(sim): State<ZupSim>,
    Path(year): Path<String>,
    body: Bytes,
) -> Response {
    let Ok(year) = year.parse::<i32>() else {
        return error(
            StatusCode::BAD_REQUEST,
            Some("year"),
            "year must be a number",
        );
    };
    let calendar = match std::str::from_utf8(&body)
        .map_err(|_| "the calendar is not UTF-8 text".to_string())
        .and_then(|xml| ProductionCalendar::parse_xml(xml).map_err(|e| e.to_string()))
    {
        Ok(c) => c,
        Err(message) => return error(StatusCode::BAD_REQUEST, None, message),
    };
    if calendar.year != year {
        return error(
            StatusCode::BAD_REQUEST,
            Some("year"),
            format!("the calendar is for {}, not {year}", calendar.year),
        );
    }
    sim.add_calendar(calendar);
    StatusCode::NO_CONTENT.into_response()
}

async fn requests(State(sim): State<ZupSim>) -> Response {
    json(StatusCode::OK, &sim.requests())
}

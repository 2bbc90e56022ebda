//! The 1C ZUP client: calls the five methods at the addresses of the endpoint registry, with
//! a timeout, retries with backoff and jitter for transient failures only, a circuit breaker,
//! the request's correlation id, and a row in the integration activity log for every attempt.

use parking_lot::{Mutex, RwLock};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use rand::Rng;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wfm_core::zup::schedule::ScheduleRefusal;
use wfm_store::Store;
use wfm_store::integration::NewLogEntry;

use super::contract::{self, *};
use crate::integrations::registry::SystemConfig;
use crate::integrations::resilience::{Admission, Breaker, CircuitState, Transition, backoff};

/// Who a call is made for: written into every log row and sent as `X-Correlation-ID`.
#[derive(Debug, Clone, PartialEq)]
pub struct CallContext {
    pub correlation_id: String,
    pub initiator: String,
    pub job_id: Option<i64>,
}

/// Why a call did not give an answer to use.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ZupError {
    /// 1C refused with one of its documented messages; retrying will not help.
    #[error("1C ZUP: {message}")]
    Refused { message: String, action: String },
    /// 1C found the request invalid (400).
    #[error("1C ZUP rejected the request: {message}")]
    Invalid {
        field: Option<String>,
        message: String,
    },
    /// 1C has no data for the request (404).
    #[error("1C ZUP has no data for the request")]
    NoData,
    /// 1C refused the credentials (401/403).
    #[error("1C ZUP refused the credentials: {0}")]
    Unauthorized(String),
    /// No usable answer after the retries, or the circuit is open.
    #[error("1C ZUP is unavailable: {reason}")]
    Unavailable {
        reason: String,
        /// The open circuit refused the call before anything was sent (a call whose tries
        /// failed until the circuit opened under it did send).
        circuit_open: bool,
        /// When the circuit lets a probe through again.
        retry_in: Option<Duration>,
    },
    /// The answer does not follow the contract.
    #[error("1C ZUP answered outside the contract: {0}")]
    BadAnswer(String),
    /// The endpoint is switched off in the registry.
    #[error("the 1C ZUP endpoint {0} is disabled in the endpoint mapping")]
    Disabled(String),
}

impl ZupError {
    /// Whether trying again later may succeed (the job retries; others are final).
    pub fn is_transient(&self) -> bool {
        matches!(self, ZupError::Unavailable { .. })
    }

    /// What the user should do about it.
    pub fn action(&self) -> String {
        match self {
            ZupError::Refused { action, .. } => action.clone(),
            ZupError::Invalid { .. } => {
                "Correct the data named in the message and upload again".into()
            }
            ZupError::NoData => "Check the period and the employees of the request".into(),
            ZupError::Unauthorized(_) => {
                "Check the 1C ZUP user and password in the endpoint mapping".into()
            }
            ZupError::Unavailable { .. } => {
                "None: the job retries by itself when 1C ZUP answers again".into()
            }
            ZupError::BadAnswer(_) => "Report to the 1C ZUP administrators".into(),
            ZupError::Disabled(_) => "Enable the endpoint in the endpoint mapping".into(),
        }
    }
}

/// The action 1C's documented message asks for, if it is one of them.
pub fn documented_action(message: &str) -> Option<&'static str> {
    let refusal = if message.starts_with("It is forbidden to modify schedules for past periods") {
        ScheduleRefusal::PastPeriod
    } else if message.contains("the RF production calendar has not been filled in") {
        ScheduleRefusal::MissingCalendar { year: 0 }
    } else if message.contains("there is a part-month schedule for an employee") {
        ScheduleRefusal::PartMonth { year: 0, month: 1 }
    } else if message.starts_with("There is no data for the employee") {
        ScheduleRefusal::NoData
    } else {
        return None;
    };
    Some(refusal.action())
}

/// The client; one per process, so the circuit breaker sees every call.
pub struct ZupClient {
    http: reqwest::Client,
    settings: RwLock<SystemConfig>,
    breaker: Mutex<Breaker>,
    store: Arc<dyn Store>,
}

/// A successful exchange: the body, and what to log once the caller has read it.
struct Answer {
    body: axum::body::Bytes,
    status: u16,
    latency_ms: u64,
}

impl ZupClient {
    pub fn new(settings: SystemConfig, store: Arc<dyn Store>) -> Self {
        let breaker = Breaker::new(
            settings.circuit.failure_threshold,
            Duration::from_millis(settings.circuit.open_ms),
        );
        ZupClient {
            http: reqwest::Client::new(),
            settings: RwLock::new(settings),
            breaker: Mutex::new(breaker),
            store,
        }
    }

    /// Takes new settings (after a PUT of the endpoint mapping); a changed circuit policy
    /// starts a fresh breaker.
    pub fn reconfigure(&self, settings: SystemConfig) {
        let mut current = self.settings.write();
        if current.circuit != settings.circuit {
            *self.breaker() = Breaker::new(
                settings.circuit.failure_threshold,
                Duration::from_millis(settings.circuit.open_ms),
            );
        }
        *current = settings;
    }

    pub fn settings(&self) -> SystemConfig {
        self.settings.read().clone()
    }

    /// The breaker's state now, and the consecutive failures it counted.
    pub fn circuit(&self) -> (CircuitState, u32) {
        let b = self.breaker();
        (b.state(Instant::now()), b.failures())
    }

    /// The breaker; a panic elsewhere while holding it leaves a usable state behind.
    fn breaker(&self) -> parking_lot::MutexGuard<'_, Breaker> {
        self.breaker.lock()
    }

    /// Asks 1C ZUP whether it answers, outside the retries, the circuit and the activity
    /// log: a GET of the service's base address with the credentials. Any answer of the
    /// HTTP service (a 404 for the bare address included) is an answer; no answer, a
    /// timeout, a 5xx (the web server or the platform down) or refused credentials are not.
    pub async fn probe(&self) -> Result<(), String> {
        let settings = self.settings();
        let timeout = settings.timeout_ms.min(10_000);
        let mut req = self
            .http
            .get(settings.base_url.trim_end_matches('/'))
            .timeout(Duration::from_millis(timeout))
            .header("X-Correlation-ID", "health-probe");
        if let Some(user) = &settings.username {
            req = req.basic_auth(user, settings.password.as_deref());
        }
        match req.send().await {
            Ok(r) => match r.status().as_u16() {
                code @ (401 | 403) => Err(format!(
                    "1C ZUP refused the credentials (HTTP {code}): check the user and password"
                )),
                code @ 500..=599 => Err(format!(
                    "HTTP {code} {}",
                    r.status().canonical_reason().unwrap_or("")
                )
                .trim_end()
                .to_string()),
                _ => Ok(()),
            },
            Err(e) if e.is_timeout() => Err(format!("no answer within {timeout} ms")),
            Err(e) => Err(format!("cannot reach 1C ZUP: {}", root_cause(&e))),
        }
    }

    /// Departments, employees and vacation balances for [start, end].
    pub async fn agents(
        &self,
        ctx: &CallContext,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<AgentsResponse, ZupError> {
        let path = self
            .path(AGENTS)?
            .replace("{startDate}", &start.to_string())
            .replace("{endDate}", &end.to_string());
        let answer = self.exchange(ctx, AGENTS, Method::GET, &path, None).await?;
        let parsed = AgentsResponse::parse(&answer.body).map_err(|e| e.to_string());
        self.finish(ctx, AGENTS, answer, parsed, |r| r.agents.len())
            .await
    }

    pub async fn norm_hours(
        &self,
        ctx: &CallContext,
        request: &NormHoursRequest,
    ) -> Result<Vec<NormHoursJson>, ZupError> {
        self.post(ctx, GET_NORM_HOURS, request, Vec::len).await
    }

    pub async fn send_schedule(
        &self,
        ctx: &CallContext,
        request: &ScheduleRequest,
    ) -> Result<ScheduleResponse, ZupError> {
        let shifts = request.shift.len();
        let r: ScheduleResponse = self.post(ctx, SEND_SCHEDULE, request, |_| shifts).await?;
        if !r.result {
            // 1C may also refuse with a 200 and result "false".
            let action = documented_action(&r.message)
                .unwrap_or("Correct the schedule and upload it again")
                .to_string();
            return Err(ZupError::Refused {
                message: r.message,
                action,
            });
        }
        Ok(r)
    }

    pub async fn timetype_info(
        &self,
        ctx: &CallContext,
        request: &TimetypeRequest,
    ) -> Result<Vec<TimesheetJson>, ZupError> {
        self.post(ctx, GET_TIMETYPE_INFO, request, |r: &Vec<TimesheetJson>| {
            r.iter().map(|a| a.days.len()).sum()
        })
        .await
    }

    pub async fn send_fact_work_time(
        &self,
        ctx: &CallContext,
        request: &FactWorkTimeRequest,
    ) -> Result<FactWorkTimeResponse, ZupError> {
        let n = request.loginfo.len();
        self.post(ctx, SEND_FACT_WORK_TIME, request, |_| n).await
    }

    fn path(&self, endpoint: &str) -> Result<String, ZupError> {
        let s = self.settings.read();
        match s.endpoint(endpoint) {
            Some(e) if e.enabled => Ok(e.path.clone()),
            _ => Err(ZupError::Disabled(endpoint.into())),
        }
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        ctx: &CallContext,
        endpoint: &str,
        body: &B,
        records: impl Fn(&T) -> usize,
    ) -> Result<T, ZupError> {
        let path = self.path(endpoint)?;
        let bytes = serde_json::to_vec(body).map_err(|e| ZupError::BadAnswer(e.to_string()))?;
        let answer = self
            .exchange(ctx, endpoint, Method::POST, &path, Some(bytes))
            .await?;
        let parsed = serde_json::from_slice::<T>(&answer.body).map_err(|e| e.to_string());
        self.finish(ctx, endpoint, answer, parsed, records).await
    }

    /// Logs the outcome of reading a successful answer.
    async fn finish<T>(
        &self,
        ctx: &CallContext,
        endpoint: &str,
        answer: Answer,
        parsed: Result<T, String>,
        records: impl Fn(&T) -> usize,
    ) -> Result<T, ZupError> {
        let mut row = self.row(ctx, endpoint);
        row.http_status = Some(answer.status);
        row.latency_ms = Some(answer.latency_ms);
        match &parsed {
            Ok(v) => {
                row.outcome = "success".into();
                row.records = Some(records(v) as u64);
            }
            Err(e) => {
                row.outcome = "failure".into();
                row.error = Some(format!("answer outside the contract: {e}"));
            }
        }
        self.log(vec![row]).await;
        parsed.map_err(ZupError::BadAnswer)
    }

    fn row(&self, ctx: &CallContext, operation: &str) -> NewLogEntry {
        let direction = self
            .settings
            .read()
            .endpoint(operation)
            .map_or("internal", |e| {
                if e.direction == "outbound" {
                    "outbound"
                } else {
                    "inbound"
                }
            })
            .to_string();
        NewLogEntry {
            at: Utc::now(),
            correlation_id: ctx.correlation_id.clone(),
            system: "zup".into(),
            operation: operation.into(),
            direction,
            initiator: ctx.initiator.clone(),
            job_id: ctx.job_id,
            ..NewLogEntry::default()
        }
    }

    /// Writes log rows; a log that cannot be written must not fail the call itself.
    async fn log(&self, rows: Vec<NewLogEntry>) {
        if let Err(e) = self.store.append_integration_log(&rows).await {
            tracing::error!(error = %e, "integration log not written");
        }
    }

    async fn circuit_changed(&self, ctx: &CallContext, t: Option<Transition>, why: &str) {
        let Some(t) = t else { return };
        let outcome = match t {
            Transition::Opened => "opened",
            Transition::HalfOpened => "half_open",
            Transition::Closed => "closed",
        };
        tracing::warn!(circuit = outcome, reason = why, "1C ZUP circuit breaker");
        let mut row = self.row(ctx, "circuit");
        row.direction = "internal".into();
        row.outcome = outcome.into();
        row.error = (t == Transition::Opened).then(|| why.to_string());
        self.log(vec![row]).await;
    }

    /// One call with retries: returns a 200 answer, or the error that ends the call.
    async fn exchange(
        &self,
        ctx: &CallContext,
        endpoint: &str,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Answer, ZupError> {
        let settings = self.settings();
        let url = format!("{}{path}", settings.base_url.trim_end_matches('/'));
        let retry = settings.retry;
        let mut last_failure: Option<String> = None;
        for attempt in 1..=retry.max_attempts.max(1) {
            let (admission, t) = self.breaker().admit(Instant::now());
            self.circuit_changed(ctx, t, "").await;
            if let Admission::Refused(wait) = admission {
                let mut row = self.row(ctx, endpoint);
                row.outcome = "rejected".into();
                row.error = Some("circuit open: not sent".into());
                self.log(vec![row]).await;
                return Err(ZupError::Unavailable {
                    circuit_open: last_failure.is_none(),
                    reason: last_failure.unwrap_or_else(|| "the circuit breaker is open".into()),
                    retry_in: Some(wait),
                });
            }
            let started = Instant::now();
            let mut req = self
                .http
                .request(method.clone(), &url)
                .timeout(Duration::from_millis(settings.timeout_ms))
                .header("X-Correlation-ID", &ctx.correlation_id)
                .header(reqwest::header::ACCEPT, "application/json");
            if let Some(user) = &settings.username {
                req = req.basic_auth(user, settings.password.as_deref());
            }
            if let Some(b) = &body {
                req = req
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(b.clone());
            }
            let outcome = match req.send().await {
                Ok(r) => {
                    let status = r.status();
                    r.bytes()
                        .await
                        .map(|b| (status, b))
                        .map_err(|e| format!("reading the answer failed: {e}"))
                }
                Err(e) if e.is_timeout() => {
                    Err(format!("no answer within {} ms", settings.timeout_ms))
                }
                Err(e) => Err(format!(
                    "cannot reach {}: {}",
                    settings.base_url,
                    root_cause(&e)
                )),
            };
            let latency_ms = started.elapsed().as_millis() as u64;
            let failure = match outcome {
                Ok((status, bytes)) => match classify(status, &bytes) {
                    Verdict::Ok => {
                        let t = self.breaker().success();
                        self.circuit_changed(ctx, t, "").await;
                        return Ok(Answer {
                            body: bytes,
                            status: status.as_u16(),
                            latency_ms,
                        });
                    }
                    Verdict::Final(error) => {
                        let t = self.breaker().success();
                        self.circuit_changed(ctx, t, "").await;
                        let mut row = self.row(ctx, endpoint);
                        row.outcome = "failure".into();
                        row.http_status = Some(status.as_u16());
                        row.latency_ms = Some(latency_ms);
                        row.error = Some(error.to_string());
                        self.log(vec![row]).await;
                        return Err(error);
                    }
                    Verdict::Transient(why) => (Some(status.as_u16()), why),
                },
                Err(why) => (None, why),
            };
            let (status, why) = failure;
            let t = self.breaker().failure(Instant::now());
            let more = attempt < retry.max_attempts;
            let mut row = self.row(ctx, endpoint);
            row.outcome = if more { "retry" } else { "failure" }.into();
            row.http_status = status;
            row.latency_ms = Some(latency_ms);
            row.error = Some(why.clone());
            self.log(vec![row]).await;
            self.circuit_changed(ctx, t, &why).await;
            last_failure = Some(why);
            if more {
                let jitter = rand::thread_rng().r#gen::<f64>();
                tokio::time::sleep(backoff(
                    attempt,
                    Duration::from_millis(retry.base_delay_ms),
                    Duration::from_millis(retry.max_delay_ms),
                    jitter,
                ))
                .await;
            }
        }
        Err(ZupError::Unavailable {
            reason: last_failure.unwrap_or_default(),
            circuit_open: false,
            retry_in: None,
        })
    }
}

/// The innermost error of a failed request (the connection refusal, not "error sending").
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

enum Verdict {
    Ok,
    Final(ZupError),
    Transient(String),
}

/// What an answer means. 1C answers business errors with a 500 and a JSON message; a 500
/// without one comes from the web server or the platform, and is worth retrying.
fn classify(status: StatusCode, body: &[u8]) -> Verdict {
    let error = serde_json::from_slice::<contract::ErrorBody>(body).ok();
    match status.as_u16() {
        200..=299 => Verdict::Ok,
        400 | 422 => Verdict::Final(ZupError::Invalid {
            field: error.as_ref().and_then(|e| e.field.clone()),
            message: error.map_or_else(|| text_of(body), |e| e.message),
        }),
        401 | 403 => Verdict::Final(ZupError::Unauthorized(
            error.map_or_else(|| status.to_string(), |e| e.message),
        )),
        404 => Verdict::Final(ZupError::NoData),
        500..=599 => match error.and_then(|e| documented_action(&e.message).map(|a| (e, a))) {
            Some((e, action)) => Verdict::Final(ZupError::Refused {
                message: e.message,
                action: action.into(),
            }),
            None => Verdict::Transient(format!("HTTP {}: {}", status.as_u16(), text_of(body))),
        },
        _ => Verdict::Final(ZupError::BadAnswer(format!(
            "HTTP {}: {}",
            status.as_u16(),
            text_of(body)
        ))),
    }
}

/// The start of a body, for a log line.
fn text_of(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    match text.char_indices().nth(200) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_refusals_are_final_other_server_errors_transient() {
        let refusal = serde_json::json!({"result": "false",
            "message": "For 2021, the RF production calendar has not been filled in! Individual schedules have not been created."});
        match classify(
            StatusCode::INTERNAL_SERVER_ERROR,
            refusal.to_string().as_bytes(),
        ) {
            Verdict::Final(ZupError::Refused { action, .. }) => {
                assert_eq!(action, "Load production calendar")
            }
            _ => panic!("a documented refusal is final"),
        }
        assert!(matches!(
            classify(StatusCode::INTERNAL_SERVER_ERROR, b"Internal server error"),
            Verdict::Transient(_)
        ));
        assert!(matches!(
            classify(StatusCode::SERVICE_UNAVAILABLE, b"<html>503</html>"),
            Verdict::Transient(_)
        ));
        let invalid = serde_json::json!({"field": "startDate", "message": "Invalid date format for startDate"});
        match classify(StatusCode::BAD_REQUEST, invalid.to_string().as_bytes()) {
            Verdict::Final(ZupError::Invalid { field, message }) => {
                assert_eq!(field.as_deref(), Some("startDate"));
                assert_eq!(message, "Invalid date format for startDate");
            }
            _ => panic!("a 400 is final"),
        }
        assert!(matches!(
            classify(StatusCode::NOT_FOUND, b""),
            Verdict::Final(ZupError::NoData)
        ));
        assert!(matches!(classify(StatusCode::OK, b"{}"), Verdict::Ok));
    }

    #[test]
    fn each_documented_message_has_its_action() {
        let cases = [
            (
                "It is forbidden to modify schedules for past periods. Individual schedules have not been created.",
                "Use current month or later",
            ),
            (
                "For September 2019, there is a part-month schedule for an employee. Delete this schedule in 1C:ZUP and re-upload the schedules from WFM.",
                "Delete existing schedule",
            ),
            (
                "There is no data for the employee. Individual schedules have not been created.",
                "Provide shift data",
            ),
        ];
        for (message, action) in cases {
            assert_eq!(documented_action(message), Some(action), "{message}");
        }
        assert_eq!(documented_action("Employee ID x not found"), None);
    }
}

//! The contract's methods as the simulated 1C answers them: request bodies read and checked
//! field by field (the contract's validation texts), then agents, getNormHours, sendSchedule
//! and sendFactWorkTime computed from the state by the documented rules.

use chrono::{Datelike, Months, NaiveDate, TimeDelta};
use serde::de::DeserializeOwned;
use wfm_core::zup::deviation::{self, DeviationKind, Span};
use wfm_core::zup::norm::{self, Employment, NormChange, NormError, PeriodMode};
use wfm_core::zup::schedule::{self, ReceivedShift, ScheduleContext, ScheduleRefusal};

use super::org::Staff;
use super::state::{Document, FactKey, StoredMonth, ZupState, valid_norm_week};
use crate::integrations::zup::contract::{
    AgentJson, AgentsResponse, END_BEFORE_START, ErrorBody, FactWorkTimeRequest,
    FactWorkTimeResponse, Moment, NOT_ACTIVE, NormHoursJson, NormHoursRequest, SCHEDULES_CREATED,
    ScheduleRequest, ScheduleResponse, VacationJson, employee_not_found, invalid_date,
    required_missing,
};

/// Longest period in the system one `loginfo` entry may carry (15 minutes).
pub(super) const MAX_LOGINFO_MS: i64 = 900_000;
/// Longest shift sendSchedule accepts.
const MAX_SHIFT_MS: i64 = 86_400_000;

/// How a method fails, by the contract's status codes.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Failure {
    /// 400 with 1C's error body.
    Invalid(ErrorBody),
    /// 404 with an empty body.
    NoData,
    /// 500 with 1C's error body (a processing error).
    Error(ErrorBody),
    /// 500 with sendSchedule's own answer (schedules refused).
    Refused(ScheduleResponse),
}

pub(super) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Failure {
    Failure::Invalid(ErrorBody {
        field: Some(field.into()),
        message: message.into(),
        description: None,
    })
}

pub(super) fn invalid_value(field: &str, description: &str) -> Failure {
    Failure::Invalid(ErrorBody {
        field: Some(field.to_string()),
        message: format!("Invalid value for {field}"),
        description: Some(description.to_string()),
    })
}

/// The fields the contract types as dates or date-times.
const DATE_FIELDS: [&str; 8] = [
    "startDate",
    "endDate",
    "changeDate",
    "period1",
    "period2",
    "date_start",
    "date_end",
    "start",
];

/// Reads a JSON body (a UTF-8 byte order mark allowed, as 1C writes one) into `T`, naming
/// the failing field with the contract's texts.
pub(super) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, Failure> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| body_error(&e))?;
    de.end().map_err(|e| not_json(&e))?;
    Ok(value)
}

fn not_json(e: &serde_json::Error) -> Failure {
    Failure::Invalid(ErrorBody {
        field: None,
        message: "The request body is not valid JSON".into(),
        description: Some(e.to_string()),
    })
}

fn body_error(e: &serde_path_to_error::Error<serde_json::Error>) -> Failure {
    let inner = e.inner();
    if inner.is_syntax() || inner.is_eof() {
        return not_json(inner);
    }
    let path = e.path().to_string();
    let text = inner.to_string();
    let join = |name: &str| {
        if path == "." {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    let description = Some(text.clone());
    let (field, message) = if let Some(name) = text
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        let field = join(name);
        let message = required_missing(&field);
        (Some(field), message)
    } else if path == "." {
        (None, "Invalid value for the request body".to_string())
    } else if text.starts_with("invalid type: null") {
        (Some(path.clone()), required_missing(&path))
    } else if path
        .rsplit('.')
        .next()
        .is_some_and(|last| DATE_FIELDS.contains(&last))
    {
        (Some(path.clone()), invalid_date(&path))
    } else {
        (Some(path.clone()), format!("Invalid value for {path}"))
    };
    Failure::Invalid(ErrorBody {
        field,
        message,
        description,
    })
}

/// A date in a URL or a body: `2019-01-01`, or a date-time read as a local date.
fn date_param(value: &str, field: &str, tz: &chrono_tz::Tz) -> Result<NaiveDate, Failure> {
    Moment::parse(value.trim())
        .map(|m| m.local(tz).date())
        .ok_or_else(|| invalid(field, invalid_date(field)))
}

fn period_mode(value: &str) -> Result<PeriodMode, Failure> {
    match value.trim().to_ascii_lowercase().as_str() {
        "month" => Ok(PeriodMode::Month),
        "quarter" => Ok(PeriodMode::Quarter),
        "year" => Ok(PeriodMode::Year),
        _ => Err(invalid_value("calculationMode", "month, quarter or year")),
    }
}

fn missing_calendar(year: i32) -> Failure {
    Failure::Error(ErrorBody {
        field: None,
        message: format!("For {year}, the RF production calendar has not been filled in!"),
        description: Some(format!(
            "Load the RF production calendar for {year} into 1C:ZUP"
        )),
    })
}

fn agent_json(staff: &Staff, vacation: Vec<VacationJson>) -> AgentJson {
    let e = &staff.employee;
    AgentJson {
        agent_id: e.id.clone(),
        tab_n: e.tab_n.clone(),
        lastname: e.lastname.clone(),
        firstname: e.firstname.clone(),
        secondname: e.secondname.clone(),
        startwork: e.startwork,
        finishwork: e.finishwork,
        position_id: e.position_id.clone(),
        position: e.position.clone(),
        position_change_date: e.position_change_date,
        department_id: e.department_id.clone(),
        rate: e.rate,
        login: e.login.clone(),
        norm_week: e.norm_week,
        norm_week_change_date: e.norm_week_change_date,
        sn: e.sn.clone(),
        db_id: e.db_id.clone(),
        area: e.area.clone(),
        vacation,
        deletion_requested: staff.deletion_requested,
    }
}

impl ZupState {
    /// The employee `id` names, or the contract's 400 for `field`.
    fn known(&self, id: &str, field: &str) -> Result<&Staff, Failure> {
        let id = id.trim();
        if id.is_empty() {
            return Err(invalid(field, required_missing(field)));
        }
        self.staff(id)
            .ok_or_else(|| invalid(field, employee_not_found(id)))
    }

    /// GET /agents/{startDate}/{endDate}: departments and employees (terminated more than a
    /// month ago left out) as of today, with vacation balances over the period.
    pub fn agents(&self, start: &str, end: &str) -> Result<Vec<AgentsResponse>, Failure> {
        let start = date_param(start, "startDate", &self.tz)?;
        let end = date_param(end, "endDate", &self.tz)?;
        if end < start {
            return Err(invalid("endDate", END_BEFORE_START));
        }
        let today = self.today();
        let cutoff = today.checked_sub_months(Months::new(1)).unwrap_or(today);
        let agents: Vec<AgentJson> = self
            .staff
            .iter()
            .filter(|s| s.employee.finishwork.is_none_or(|f| f >= cutoff))
            .map(|s| {
                let vacation = self
                    .vacation(s, start, end)
                    .into_iter()
                    .map(|b| VacationJson {
                        date: b.date,
                        vacation: b.days,
                    })
                    .collect();
                agent_json(s, vacation)
            })
            .collect();
        if agents.is_empty() {
            return Err(Failure::NoData);
        }
        let departments = self
            .departments
            .iter()
            .map(|d| crate::integrations::zup::contract::DepartmentJson {
                department_id: d.id.clone(),
                department: d.name.clone(),
                parent_department_id: d.parent_id.clone(),
            })
            .collect();
        Ok(vec![AgentsResponse {
            departments,
            agents,
        }])
    }

    /// POST getNormHours: the norm of each agent for each period of the calculation mode,
    /// counted over the employment, with the weekly norms sent (the rate is in the norm).
    pub fn norm_hours(&self, request: &NormHoursRequest) -> Result<Vec<NormHoursJson>, Failure> {
        let mode = period_mode(&request.calculation_mode)?;
        if request.end_date < request.start_date {
            return Err(invalid("endDate", END_BEFORE_START));
        }
        if request.agents.is_empty() {
            return Err(invalid("AR_agents", required_missing("AR_agents")));
        }
        let mut employments = Vec::with_capacity(request.agents.len());
        for (i, agent) in request.agents.iter().enumerate() {
            let staff = self.known(&agent.agent_id, &format!("AR_agents[{i}].agentId"))?;
            if agent.norms.is_empty() {
                let field = format!("AR_agents[{i}].AR_norms");
                return Err(invalid(&field, required_missing(&field)));
            }
            let hired = staff.employee.startwork;
            let mut norms = Vec::with_capacity(agent.norms.len());
            for (j, n) in agent.norms.iter().enumerate() {
                if !valid_norm_week(n.norm_week) {
                    return Err(invalid_value(
                        &format!("AR_agents[{i}].AR_norms[{j}].normWeek"),
                        "hours a week, above 0 and at most 168",
                    ));
                }
                norms.push(NormChange {
                    from: n.change_date.unwrap_or(hired),
                    weekly_hours: n.norm_week,
                });
            }
            // The earliest norm sent is the one in force before it, back to the period start.
            norms.sort_by_key(|n| n.from);
            if let Some(first) = norms.first_mut() {
                first.from = first.from.min(hired).min(request.start_date);
            }
            let employment = Employment {
                hired: Some(hired),
                terminated: staff.employee.finishwork,
                rate: 1.0,
                norms,
            };
            employments.push((staff.employee.id.clone(), employment));
        }
        let mut out = Vec::new();
        for (agent_id, employment) in employments {
            let from = employment
                .hired
                .map_or(request.start_date, |h| h.max(request.start_date));
            let to = employment
                .terminated
                .map_or(request.end_date, |t| t.min(request.end_date));
            if to < from {
                continue;
            }
            // Every year counted needs its calendar; checking first also bounds the work.
            for year in from.year()..=to.year() {
                if !self.calendars.contains_key(&year) {
                    return Err(missing_calendar(year));
                }
            }
            for (p_from, p_to) in norm::periods(mode, from, to) {
                let n =
                    norm::norm_hours(&self.calendars, &employment, p_from, p_to).map_err(|e| {
                        match e {
                            NormError::MissingCalendar(year) => missing_calendar(year),
                            other => Failure::Error(ErrorBody {
                                field: None,
                                message: other.to_string(),
                                description: None,
                            }),
                        }
                    })?;
                out.push(NormHoursJson {
                    agent_id: agent_id.clone(),
                    norm_hours: n.hours,
                    start_date: n.from,
                    end_date: n.to,
                });
            }
        }
        if out.is_empty() {
            return Err(Failure::NoData);
        }
        Ok(out)
    }

    /// POST sendSchedule: full-month Individual schedules by the rules of 3.3.2; the months
    /// created replace earlier ones, and their shifts become the plan of sendFactWorkTime.
    pub fn send_schedule(
        &mut self,
        request: &ScheduleRequest,
    ) -> Result<ScheduleResponse, Failure> {
        let tz = self.tz;
        let staff = self.known(&request.agent_id, "agentId")?;
        let agent_id = staff.employee.id.clone();
        let (hired, terminated) = (staff.employee.startwork, staff.employee.finishwork);
        let period1 = request.period1.local(&tz).date();
        let period2 = request.period2.local(&tz).date();
        if period2 < period1 {
            return Err(invalid("period2", END_BEFORE_START));
        }
        let mut shifts = Vec::with_capacity(request.shift.len());
        for (i, s) in request.shift.iter().enumerate() {
            for (name, ms) in [
                ("daily_hours", s.daily_hours),
                ("night_hours", s.night_hours),
            ] {
                if !(0..=MAX_SHIFT_MS).contains(&ms) {
                    return Err(invalid_value(
                        &format!("shift[{i}].{name}"),
                        "milliseconds, 0 to 86400000",
                    ));
                }
            }
            if s.daily_hours + s.night_hours > MAX_SHIFT_MS {
                return Err(invalid_value(
                    &format!("shift[{i}].night_hours"),
                    "a shift lasts at most 24 hours",
                ));
            }
            shifts.push(ReceivedShift {
                start: s.date_start.local(&tz),
                day_ms: s.daily_hours,
                night_ms: s.night_hours,
            });
        }
        let has_calendar = |year: i32| self.calendars.contains_key(&year);
        let part_month =
            |year: i32, month: u32| self.part_month.contains(&(agent_id.clone(), year, month));
        let ctx = ScheduleContext {
            today: self.today(),
            hired,
            terminated,
            has_calendar: &has_calendar,
            part_month_schedule: &part_month,
        };
        let months = match schedule::plan_schedules(period1, period2, &shifts, &ctx) {
            Ok(months) => months,
            Err(refusal) => return Err(refused(&refusal)),
        };
        if months.is_empty() {
            return Err(invalid("period1", NOT_ACTIVE));
        }
        let uploaded_at = self.now_local();
        let stored = self.shifts.entry(agent_id.clone()).or_default();
        for m in &months {
            let in_month = |d: NaiveDate| d.year() == m.year && d.month() == m.month;
            stored.retain(|s| !in_month(s.start.date()));
            stored.extend(shifts.iter().copied().filter(|s| {
                let day = s.start.date();
                in_month(day)
                    && m.days
                        .iter()
                        .any(|d| d.date == day && d.time_type.is_some())
            }));
        }
        stored.sort_by_key(|s| s.start);
        let held = self.schedules.entry(agent_id).or_default();
        for m in months {
            held.insert(
                (m.year, m.month),
                StoredMonth {
                    uploaded_at,
                    days: m.days,
                },
            );
        }
        Ok(ScheduleResponse {
            result: true,
            message: SCHEDULES_CREATED.to_string(),
        })
    }

    /// POST sendFactWorkTime: the deviations of the periods in the system from the shifts
    /// planned on the shift date, one document each; a retried request gets its first answer.
    pub fn fact_work_time(
        &mut self,
        request: &FactWorkTimeRequest,
    ) -> Result<FactWorkTimeResponse, Failure> {
        let tz = self.tz;
        let staff = self.known(&request.agent_id, "agentId")?;
        let agent_id = staff.employee.id.clone();
        let shift_start = request.date_start.local(&tz);
        let shift_date = shift_start.date();
        let mut periods = Vec::with_capacity(request.loginfo.len());
        for (i, l) in request.loginfo.iter().enumerate() {
            let field = format!("loginfo[{i}].time");
            if !(1..=MAX_LOGINFO_MS).contains(&l.time) {
                return Err(Failure::Invalid(ErrorBody {
                    message: format!("Invalid time format for {field}"),
                    field: Some(field),
                    description: Some(
                        "a period in the system lasts more than 0 and at most 900000 ms".into(),
                    ),
                }));
            }
            periods.push((l.start.local(&tz), l.time));
        }
        if !staff.employee.active_on(shift_date) {
            return Err(invalid("date_start", NOT_ACTIVE));
        }
        let key: FactKey = (agent_id.clone(), shift_start, periods.clone());
        if let Some(first) = self.fact_answers.get(&key) {
            return Ok(first.clone());
        }
        let planned: Vec<Span> = self
            .shifts
            .get(&agent_id)
            .into_iter()
            .flatten()
            .filter(|s| s.start.date() == shift_date)
            .filter_map(|s| {
                let end = s
                    .start
                    .checked_add_signed(TimeDelta::milliseconds(s.day_ms + s.night_ms))?;
                Some(Span {
                    start: s.start,
                    end,
                })
            })
            .collect();
        let actual: Vec<Span> = periods
            .iter()
            .filter_map(|(start, ms)| {
                Some(Span {
                    start: *start,
                    end: start.checked_add_signed(TimeDelta::milliseconds(*ms))?,
                })
            })
            .collect();
        let found = deviation::deviations(&planned, &actual);
        let now = self.now_local();
        let comment = format!(
            "Upload from WFM {} {}",
            now.format("%d.%m.%Y %H:%M:%S"),
            request.initiator_name.trim()
        );
        let mut names: Vec<&'static str> = Vec::new();
        for d in &found {
            let name = d.kind.document();
            if !names.contains(&name) {
                names.push(name);
            }
            let number = self.documents.len() + 1;
            self.documents.push(Document {
                number: format!("WF00-{number:06}"),
                date: now.date(),
                name: name.to_string(),
                agent_id: agent_id.clone(),
                code: d.kind.code().to_string(),
                night: d.night,
                shift_date,
                start: d.span.start,
                end: d.span.end,
                hours: (d.span.millis() as f64 / 36_000.0).round() / 100.0,
                part_of_shift: d.kind == DeviationKind::Absence && !actual.is_empty(),
                comment: comment.clone(),
            });
        }
        let answer = FactWorkTimeResponse {
            result: !names.is_empty(),
            doc: (!names.is_empty()).then(|| names.join(", ")),
        };
        self.fact_answers.insert(key, answer.clone());
        Ok(answer)
    }
}

fn refused(refusal: &ScheduleRefusal) -> Failure {
    Failure::Refused(ScheduleResponse {
        result: false,
        message: refusal.to_string(),
    })
}

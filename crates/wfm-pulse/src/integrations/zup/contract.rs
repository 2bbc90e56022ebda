//! The 1C ZUP HTTP service contract (`wfm_Energosbyt_ExchangeWFM`): the five methods' request
//! and response bodies with 1C's exact field names, its error shape and its documented texts.
//! Both the client and the simulator use these types, so they cannot drift apart.
//!
//! Where the contract's own examples disagree with its field tables, we write the table's
//! form and read both: `parentDepartmentId` (example: `parent_departmentId`), `agentId`
//! (table: `agentID`), hours as numbers (example: strings), `rate` as a number (table: "0,5"),
//! `result` of sendSchedule as the string "true"/"false" (the table's type) or a boolean.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The methods, as the endpoint mapping names them.
pub const AGENTS: &str = "agents";
pub const GET_NORM_HOURS: &str = "getNormHours";
pub const SEND_SCHEDULE: &str = "sendSchedule";
pub const GET_TIMETYPE_INFO: &str = "getTimetypeInfo";
pub const SEND_FACT_WORK_TIME: &str = "sendFactWorkTime";
pub const METHODS: [&str; 5] = [
    AGENTS,
    GET_NORM_HOURS,
    SEND_SCHEDULE,
    GET_TIMETYPE_INFO,
    SEND_FACT_WORK_TIME,
];

/// 1C's error body (400 and 500 answers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Validation texts of the contract's scenarios ("Required parameter [field] missing", ...).
pub fn required_missing(field: &str) -> String {
    format!("Required parameter {field} missing")
}
pub fn invalid_date(field: &str) -> String {
    format!("Invalid date format for {field}")
}
pub const END_BEFORE_START: &str = "End date must be after start date";
pub fn employee_not_found(id: &str) -> String {
    format!("Employee ID {id} not found")
}
pub const NOT_ACTIVE: &str = "Employee not active in specified period";

// ---- agents: GET /agents/{startDate}/{endDate} ----

/// One department of `AR_departments`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DepartmentJson {
    #[serde(rename = "departmentId")]
    pub department_id: String,
    pub department: String,
    #[serde(
        rename = "parentDepartmentId",
        alias = "parent_departmentId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub parent_department_id: Option<String>,
}

/// One vacation balance of `AR_vacation`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VacationJson {
    pub date: NaiveDate,
    pub vacation: f64,
}

/// One employee of `AR_agents`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentJson {
    #[serde(rename = "agentId", alias = "agentID")]
    pub agent_id: String,
    #[serde(rename = "tabN")]
    pub tab_n: String,
    pub lastname: String,
    pub firstname: String,
    #[serde(default)]
    pub secondname: String,
    pub startwork: NaiveDate,
    /// Absent (or null) for a working employee.
    #[serde(default)]
    pub finishwork: Option<NaiveDate>,
    #[serde(rename = "positionId", alias = "positionID")]
    pub position_id: String,
    pub position: String,
    #[serde(rename = "positionChangeDate", default)]
    pub position_change_date: Option<NaiveDate>,
    #[serde(rename = "departmentId")]
    pub department_id: String,
    #[serde(
        default = "full_rate",
        deserialize_with = "decimal",
        serialize_with = "plain_number"
    )]
    pub rate: f64,
    #[serde(rename = "Login", default, skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
    #[serde(
        rename = "normWeek",
        deserialize_with = "decimal",
        serialize_with = "plain_number"
    )]
    pub norm_week: f64,
    #[serde(rename = "normWeekChangeDate")]
    pub norm_week_change_date: NaiveDate,
    #[serde(rename = "SN", default, skip_serializing_if = "Option::is_none")]
    pub sn: Option<String>,
    #[serde(rename = "Db_ID", default, skip_serializing_if = "Option::is_none")]
    pub db_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    #[serde(rename = "AR_vacation", default)]
    pub vacation: Vec<VacationJson>,
    /// WFM extension, not in 1C's contract: `true` when the employee asked for their
    /// personal data to be erased (GDPR). The personnel sync then erases them in WFM and
    /// never brings them back. Absent (false) in a plain 1C answer, and not sent when false.
    #[serde(
        rename = "deletionRequested",
        default,
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub deletion_requested: bool,
}

fn full_rate() -> f64 {
    1.0
}

/// The answer of `agents`: departments and employees. 1C wraps it in a one-element array;
/// both forms are read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AgentsResponse {
    #[serde(rename = "AR_departments", default)]
    pub departments: Vec<DepartmentJson>,
    #[serde(rename = "AR_agents", default)]
    pub agents: Vec<AgentJson>,
}

impl AgentsResponse {
    /// Reads the body: an object, or an array of objects whose parts are joined.
    pub fn parse(body: &[u8]) -> Result<Self, serde_json::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            One(AgentsResponse),
            Many(Vec<AgentsResponse>),
        }
        Ok(match serde_json::from_slice::<Shape>(body)? {
            Shape::One(r) => r,
            Shape::Many(parts) => {
                let mut all = AgentsResponse::default();
                for p in parts {
                    all.departments.extend(p.departments);
                    all.agents.extend(p.agents);
                }
                all
            }
        })
    }
}

// ---- getNormHours ----

/// One weekly norm of `AR_norms`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NormJson {
    #[serde(
        rename = "normWeek",
        deserialize_with = "decimal",
        serialize_with = "plain_number"
    )]
    pub norm_week: f64,
    #[serde(rename = "changeDate", default)]
    pub change_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NormAgentJson {
    #[serde(rename = "agentId", alias = "agentID")]
    pub agent_id: String,
    #[serde(rename = "AR_norms")]
    pub norms: Vec<NormJson>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NormHoursRequest {
    #[serde(rename = "startDate")]
    pub start_date: NaiveDate,
    #[serde(rename = "endDate")]
    pub end_date: NaiveDate,
    /// `month`, `quarter` or `year`.
    #[serde(rename = "calculationMode")]
    pub calculation_mode: String,
    #[serde(rename = "AR_agents")]
    pub agents: Vec<NormAgentJson>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NormHoursJson {
    #[serde(rename = "agentId", alias = "agentID")]
    pub agent_id: String,
    #[serde(
        rename = "normHours",
        deserialize_with = "decimal",
        serialize_with = "plain_number"
    )]
    pub norm_hours: f64,
    #[serde(rename = "startDate")]
    pub start_date: NaiveDate,
    #[serde(rename = "endDate")]
    pub end_date: NaiveDate,
}

// ---- sendSchedule ----

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShiftJson {
    pub date_start: Moment,
    /// Day and night work in milliseconds, unpaid breaks subtracted.
    #[serde(deserialize_with = "millis", serialize_with = "plain_int")]
    pub daily_hours: i64,
    #[serde(deserialize_with = "millis", serialize_with = "plain_int")]
    pub night_hours: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleRequest {
    #[serde(rename = "agentId", alias = "agentID")]
    pub agent_id: String,
    pub period1: Moment,
    pub period2: Moment,
    #[serde(default)]
    pub shift: Vec<ShiftJson>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleResponse {
    #[serde(deserialize_with = "flag", serialize_with = "flag_text")]
    pub result: bool,
    pub message: String,
}

/// 1C's answer when schedules are created.
pub const SCHEDULES_CREATED: &str = "Individual schedules have been created in the 1C:ZUP database";

// ---- getTimetypeInfo ----

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentRef {
    #[serde(rename = "agentId", alias = "agentID")]
    pub agent_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimetypeRequest {
    pub date_start: Moment,
    pub date_end: Moment,
    #[serde(rename = "AR_agents")]
    pub agents: Vec<AgentRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimetypeDayJson {
    /// The local day's start, in UTC (`2018-03-27T21:00:00Z` is 28 March in Moscow).
    pub date: Moment,
    pub timetype: String,
    #[serde(deserialize_with = "decimal", serialize_with = "plain_number")]
    pub hours: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AbsenceJson {
    #[serde(rename = "timetype_N")]
    pub timetype_n: String,
    /// Days, or days(hours): "14", "2(6)".
    #[serde(rename = "hours_N")]
    pub hours_n: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimesheetJson {
    #[serde(rename = "agentId", alias = "agentID")]
    pub agent_id: String,
    #[serde(rename = "AR_date", default)]
    pub days: Vec<TimetypeDayJson>,
    #[serde(rename = "AR_N", default)]
    pub absences: Vec<AbsenceJson>,
    pub half1_days: u32,
    #[serde(deserialize_with = "decimal", serialize_with = "plain_number")]
    pub half1_hours: f64,
    pub half2_days: u32,
    #[serde(deserialize_with = "decimal", serialize_with = "plain_number")]
    pub half2_hours: f64,
}

// ---- sendFactWorkTime ----

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogInfoJson {
    pub start: Moment,
    /// Milliseconds, at most a quarter hour.
    #[serde(deserialize_with = "millis", serialize_with = "plain_int")]
    pub time: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactWorkTimeRequest {
    #[serde(rename = "agentId", alias = "agentID")]
    pub agent_id: String,
    pub initiator_name: String,
    pub date_start: Moment,
    pub loginfo: Vec<LogInfoJson>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactWorkTimeResponse {
    #[serde(deserialize_with = "flag")]
    pub result: bool,
    /// "Weekend Work", "Working Overtime", "Failure to appear"; null when none was created.
    pub doc: Option<String>,
}

// ---- values ----

/// An ISO 8601 date-time as the contract allows it: UTC, with an offset, or local (no zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    Local(NaiveDateTime),
    Fixed(DateTime<FixedOffset>),
}

impl Moment {
    /// The wall-clock time in `tz`.
    pub fn local<Tz: TimeZone>(self, tz: &Tz) -> NaiveDateTime {
        match self {
            Moment::Local(t) => t,
            Moment::Fixed(t) => t.with_timezone(tz).naive_local(),
        }
    }

    pub fn parse(s: &str) -> Option<Moment> {
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Some(Moment::Fixed(t));
        }
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
            .ok()
            .or_else(|| {
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
            })
            .map(Moment::Local)
    }
}

impl std::fmt::Display for Moment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Moment::Local(t) => write!(f, "{}", t.format("%Y-%m-%dT%H:%M:%S")),
            Moment::Fixed(t) => write!(f, "{}", t.to_rfc3339()),
        }
    }
}

impl Serialize for Moment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Moment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Moment::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("{s:?} is not an ISO 8601 date-time")))
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrText {
    Number(f64),
    Text(String),
}

/// A number, or a string holding one with a dot or 1C's decimal comma ("0,5").
fn decimal<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    match NumberOrText::deserialize(d)? {
        NumberOrText::Number(n) => Ok(n),
        NumberOrText::Text(t) => t
            .trim()
            .replace(',', ".")
            .parse()
            .map_err(|_| serde::de::Error::custom(format!("{t:?} is not a number"))),
    }
    .and_then(|n: f64| {
        if n.is_finite() {
            Ok(n)
        } else {
            Err(serde::de::Error::custom("not a finite number"))
        }
    })
}

/// Whole milliseconds, as a number or a string ("12600000").
fn millis<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let n = decimal(d)?;
    if n.fract() != 0.0 || n.abs() > 1e15 {
        return Err(serde::de::Error::custom(format!(
            "{n} is not a whole number of milliseconds"
        )));
    }
    Ok(n as i64)
}

/// A boolean, or the strings "true" / "false".
fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Text(String),
    }
    match Flag::deserialize(d)? {
        Flag::Bool(b) => Ok(b),
        Flag::Text(t) if t.eq_ignore_ascii_case("true") => Ok(true),
        Flag::Text(t) if t.eq_ignore_ascii_case("false") => Ok(false),
        Flag::Text(t) => Err(serde::de::Error::custom(format!("{t:?} is not a boolean"))),
    }
}

fn flag_text<S: Serializer>(b: &bool, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(if *b { "true" } else { "false" })
}

/// Whole numbers without a trailing ".0" (1970, not 1970.0), as 1C writes them.
fn plain_number<S: Serializer>(n: &f64, s: S) -> Result<S::Ok, S::Error> {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        s.serialize_i64(*n as i64)
    } else {
        s.serialize_f64(*n)
    }
}

fn plain_int<S: Serializer>(n: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(*n)
}

#[cfg(test)]
mod tests;

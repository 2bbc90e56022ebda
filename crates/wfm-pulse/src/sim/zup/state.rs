//! What the simulated 1C holds: personnel, production calendars, Individual schedules and
//! the shifts behind them, deviation documents, the request log and the drill behaviour;
//! and the personnel changes a drill makes (hire, change, terminate).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveDateTime, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::{Deserialize, Deserializer, Serialize};
use wfm_core::zup::calendar::{BUNDLED, ProductionCalendar};
use wfm_core::zup::norm::Calendars;
use wfm_core::zup::personnel::{Department, Employee, VacationBalance};
use wfm_core::zup::schedule::{ReceivedShift, ScheduleDay};
use wfm_core::zup::vacation;

use super::org::{self, Position, Roster, Staff};
use super::{Behaviour, ZupSimConfig};
use crate::integrations::zup::contract::FactWorkTimeResponse;

/// Vacation days a year (basic annual paid vacation).
pub(super) const ANNUAL_VACATION_DAYS: f64 = 28.0;
/// Requests kept in the log.
const REQUEST_LOG: usize = 10_000;

/// A deviation document 1C created from sendFactWorkTime.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Assigned when recorded, like 1C's automatic numbering.
    pub number: String,
    /// The upload date (today).
    pub date: NaiveDate,
    /// "Working Overtime", "Failure to appear" or "Weekend Work".
    pub name: String,
    pub agent_id: String,
    /// The time type: C, NV, RV or RVN.
    pub code: String,
    /// Whether the deviation lies in 22:00-06:00.
    pub night: bool,
    /// The shift date the deviation belongs to.
    pub shift_date: NaiveDate,
    /// Local start and end of the deviation.
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub hours: f64,
    /// Absence documents: "Absence for part of shift" (something was worked that shift).
    pub part_of_shift: bool,
    /// "Upload from WFM <date, time> <initiator>".
    pub comment: String,
}

/// One day of an Individual schedule: `timetype` I, H or B; none for the blank days
/// before hire or after termination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleDayRecord {
    pub date: NaiveDate,
    pub timetype: Option<String>,
    pub hours: f64,
}

/// One employee's Individual schedule for one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleRecord {
    pub agent_id: String,
    pub year: i32,
    pub month: u32,
    /// Local time of the upload that created or last changed it.
    pub uploaded_at: NaiveDateTime,
    pub days: Vec<ScheduleDayRecord>,
}

/// A contract request as received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// Order of arrival, from 1.
    pub seq: u64,
    /// The contract method (`agents`, `getNormHours`, ...), or the unknown path segment.
    pub method: String,
    pub http_method: String,
    pub path: String,
    pub received_at: DateTime<Utc>,
    /// The `X-Correlation-ID` header, if sent.
    pub correlation_id: Option<String>,
    /// The employee the request is about: the body's `agentId`, or the only one of its
    /// `AR_agents`.
    pub agent_id: Option<String>,
    /// The status answered; 0 while the request is under way.
    pub status: u16,
}

/// Changes to an employee, in effect today. `finishwork: null` withdraws a termination.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmployeePatch {
    pub lastname: Option<String>,
    pub firstname: Option<String>,
    pub secondname: Option<String>,
    /// The position's name; an unknown name creates the position.
    pub position: Option<String>,
    pub department_id: Option<String>,
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub finishwork: Option<Option<NaiveDate>>,
    pub rate: Option<f64>,
    pub norm_week: Option<f64>,
}

/// A new employee; what is left out is generated (names) or defaulted (hired today, the
/// first group, an operator, rate 1, 40 h a week).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Hire {
    pub lastname: Option<String>,
    pub firstname: Option<String>,
    pub secondname: Option<String>,
    pub startwork: Option<NaiveDate>,
    pub finishwork: Option<NaiveDate>,
    pub position: Option<String>,
    pub department_id: Option<String>,
    pub rate: Option<f64>,
    pub norm_week: Option<f64>,
    pub login: Option<String>,
    pub area: Option<String>,
    /// The personnel number; by default the next free `10-NNNN`.
    pub tab_n: Option<String>,
    /// `SN` and `Db_ID`; by default none.
    pub sn: Option<String>,
    pub db_id: Option<String>,
}

/// A field given (possibly as null), told apart from a field left out.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<NaiveDate>>, D::Error> {
    Option::<NaiveDate>::deserialize(d).map(Some)
}

/// Why a personnel change was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(super) enum PatchError {
    #[error("no employee {0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
}

/// A month of an Individual schedule as held.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct StoredMonth {
    pub uploaded_at: NaiveDateTime,
    pub days: Vec<ScheduleDay>,
}

/// The identity of a sendFactWorkTime request: agent, shift start and the periods.
pub(super) type FactKey = (String, NaiveDateTime, Vec<(NaiveDateTime, i64)>);

pub(super) struct ZupState {
    pub tz: chrono_tz::Tz,
    pub departments: Vec<Department>,
    pub positions: Vec<Position>,
    pub staff: Vec<Staff>,
    pub calendars: Calendars,
    /// Carried-out part-month schedules: (agent, year, month).
    pub part_month: BTreeSet<(String, i32, u32)>,
    pub schedules: BTreeMap<String, BTreeMap<(i32, u32), StoredMonth>>,
    /// The received shifts of the created months, by agent: the plan of sendFactWorkTime.
    pub shifts: BTreeMap<String, Vec<ReceivedShift>>,
    pub documents: Vec<Document>,
    /// First answers of sendFactWorkTime, so that a retried request creates nothing new.
    pub fact_answers: HashMap<FactKey, FactWorkTimeResponse>,
    pub requests: VecDeque<RecordedRequest>,
    pub next_request: u64,
    pub behaviour: Behaviour,
    /// Drives the error rate.
    pub faults: StdRng,
    /// Drives generated names and UIDs of hires.
    pub ids: StdRng,
    /// "Today" pinned by a drill.
    pub clock: Option<NaiveDate>,
}

pub(super) fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

fn valid_rate(rate: f64) -> Result<f64, PatchError> {
    if rate.is_finite() && rate > 0.0 && rate <= 2.0 {
        Ok(rate)
    } else {
        Err(PatchError::Invalid(
            "rate must be above 0 and at most 2".into(),
        ))
    }
}

pub(super) fn valid_norm_week(hours: f64) -> bool {
    hours.is_finite() && hours > 0.0 && hours <= 168.0
}

fn valid_name(value: String, what: &str) -> Result<String, PatchError> {
    let value = value.trim().to_string();
    if value.is_empty() {
        Err(PatchError::Invalid(format!("{what} must not be empty")))
    } else {
        Ok(value)
    }
}

impl ZupState {
    /// The organization of the configuration's seed, or of the roster when given.
    pub fn generate(config: &ZupSimConfig, roster: Option<&Roster>) -> ZupState {
        let tz = config.time_zone;
        let today = Utc::now().with_timezone(&tz).date_naive();
        let mut rng = StdRng::seed_from_u64(config.seed);
        let organization = org::generate(
            &mut rng,
            config.employees,
            config.departments,
            roster,
            today,
        );
        let calendars = BUNDLED
            .iter()
            .filter_map(|(_, xml)| ProductionCalendar::parse_xml(xml).ok())
            .map(|c| (c.year, c))
            .collect();
        ZupState {
            tz,
            departments: organization.departments,
            positions: organization.positions,
            staff: organization.staff,
            calendars,
            part_month: BTreeSet::new(),
            schedules: BTreeMap::new(),
            shifts: BTreeMap::new(),
            documents: Vec::new(),
            fact_answers: HashMap::new(),
            requests: VecDeque::new(),
            next_request: 0,
            behaviour: Behaviour::default(),
            faults: StdRng::seed_from_u64(config.seed ^ 0x5eed_fa17),
            ids: StdRng::seed_from_u64(config.seed ^ 0x1d5_1d5),
            clock: None,
        }
    }

    /// 1C's local date.
    pub fn today(&self) -> NaiveDate {
        self.clock
            .unwrap_or_else(|| Utc::now().with_timezone(&self.tz).date_naive())
    }

    /// 1C's local date and time (today's date when pinned, with the clock's time).
    pub fn now_local(&self) -> NaiveDateTime {
        let now = Utc::now().with_timezone(&self.tz).naive_local();
        match self.clock {
            Some(day) => day.and_time(now.time()),
            None => now,
        }
    }

    pub fn staff(&self, agent_id: &str) -> Option<&Staff> {
        self.staff.iter().find(|s| s.employee.id == agent_id)
    }

    /// Balances on the accrual dates in [from, to], as 3.1.3 says: never before the current
    /// month's accrual date, none after the termination, and none beyond ten years ahead.
    pub fn vacation(&self, staff: &Staff, from: NaiveDate, to: NaiveDate) -> Vec<VacationBalance> {
        let today = self.today();
        let from = from.max(first_of_month(today));
        let horizon = today.checked_add_months(Months::new(120)).unwrap_or(today);
        let to = staff
            .employee
            .finishwork
            .map_or(to, |f| f.min(to))
            .min(horizon);
        if to < from {
            return Vec::new();
        }
        vacation::balances(
            staff.employee.startwork,
            ANNUAL_VACATION_DAYS,
            &staff.vacation_used,
            from,
            to,
        )
    }

    pub fn employees_today(&self) -> Vec<Employee> {
        let today = self.today();
        let month_end = first_of_month(today)
            .checked_add_months(Months::new(1))
            .and_then(|d| d.pred_opt())
            .unwrap_or(today);
        self.staff
            .iter()
            .map(|s| Employee {
                vacation: self.vacation(s, today, month_end),
                ..s.employee.clone()
            })
            .collect()
    }

    pub fn schedule_records(&self, agent_id: &str) -> Vec<ScheduleRecord> {
        let Some(months) = self.schedules.get(agent_id) else {
            return Vec::new();
        };
        months
            .iter()
            .map(|((year, month), stored)| ScheduleRecord {
                agent_id: agent_id.to_string(),
                year: *year,
                month: *month,
                uploaded_at: stored.uploaded_at,
                days: stored
                    .days
                    .iter()
                    .map(|d| ScheduleDayRecord {
                        date: d.date,
                        timetype: d.time_type.map(|t| t.code().to_string()),
                        hours: d.hours,
                    })
                    .collect(),
            })
            .collect()
    }

    /// The position called `name`, created if 1C has none yet.
    fn position(&mut self, name: &str) -> Result<Position, PatchError> {
        let name = valid_name(name.to_string(), "position")?;
        if let Some(p) = self.positions.iter().find(|p| p.name == name) {
            return Ok(p.clone());
        }
        let p = Position {
            id: org::uid(&mut self.ids),
            name,
        };
        self.positions.push(p.clone());
        Ok(p)
    }

    fn department(&self, id: &str) -> Result<String, PatchError> {
        self.departments
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.id.clone())
            .ok_or_else(|| PatchError::Invalid(format!("no department {id}")))
    }

    pub fn patch(&mut self, agent_id: &str, patch: EmployeePatch) -> Result<Employee, PatchError> {
        let today = self.today();
        let index = self
            .staff
            .iter()
            .position(|s| s.employee.id == agent_id)
            .ok_or_else(|| PatchError::NotFound(agent_id.to_string()))?;
        // Check everything before changing anything.
        let mut e = self.staff[index].employee.clone();
        if let Some(v) = patch.lastname {
            e.lastname = valid_name(v, "lastname")?;
        }
        if let Some(v) = patch.firstname {
            e.firstname = valid_name(v, "firstname")?;
        }
        if let Some(v) = patch.secondname {
            e.secondname = v.trim().to_string();
        }
        if let Some(id) = patch.department_id {
            e.department_id = self.department(&id)?;
        }
        if let Some(rate) = patch.rate {
            e.rate = valid_rate(rate)?;
        }
        if let Some(hours) = patch.norm_week {
            if !valid_norm_week(hours) {
                return Err(PatchError::Invalid(
                    "norm_week must be above 0 and at most 168".into(),
                ));
            }
            e.norm_week = hours;
            e.norm_week_change_date = today.max(e.startwork);
        }
        if let Some(finish) = patch.finishwork {
            if finish.is_some_and(|f| f < e.startwork) {
                return Err(PatchError::Invalid(
                    "finishwork must not be before startwork".into(),
                ));
            }
            e.finishwork = finish;
        }
        if let Some(name) = patch.position {
            let p = self.position(&name)?;
            if p.id != e.position_id {
                e.position_id = p.id;
                e.position = p.name;
                e.position_change_date = Some(today.max(e.startwork));
            }
        }
        self.staff[index].employee = e.clone();
        Ok(e)
    }

    pub fn hire(&mut self, hire: Hire) -> Result<Employee, String> {
        let today = self.today();
        let startwork = hire.startwork.unwrap_or(today);
        if hire.finishwork.is_some_and(|f| f < startwork) {
            return Err("finishwork must not be before startwork".into());
        }
        let rate = valid_rate(hire.rate.unwrap_or(1.0)).map_err(|e| e.to_string())?;
        let norm_week = hire.norm_week.unwrap_or(40.0);
        if !valid_norm_week(norm_week) {
            return Err("norm_week must be above 0 and at most 168".into());
        }
        let department_id = match hire.department_id {
            Some(id) => self.department(&id).map_err(|e| e.to_string())?,
            None => self
                .departments
                .iter()
                .find(|d| d.parent_id.is_some())
                .or(self.departments.first())
                .map(|d| d.id.clone())
                .ok_or("1C has no department")?,
        };
        let position = self
            .position(hire.position.as_deref().unwrap_or("Оператор"))
            .map_err(|e| e.to_string())?;
        let (last, first, second) = org::name(&mut self.ids);
        let number = self
            .staff
            .iter()
            .filter_map(|s| s.employee.tab_n.strip_prefix("10-")?.parse::<u32>().ok())
            .max()
            .unwrap_or(0)
            + 1;
        let employee = Employee {
            id: org::uid(&mut self.ids),
            tab_n: hire
                .tab_n
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| format!("10-{number:04}")),
            lastname: valid_name(hire.lastname.unwrap_or(last), "lastname")
                .map_err(|e| e.to_string())?,
            firstname: valid_name(hire.firstname.unwrap_or(first), "firstname")
                .map_err(|e| e.to_string())?,
            secondname: hire.secondname.unwrap_or(second).trim().to_string(),
            startwork,
            finishwork: hire.finishwork,
            position_id: position.id,
            position: position.name,
            position_change_date: Some(startwork),
            department_id,
            rate,
            login: hire.login.filter(|l| !l.trim().is_empty()),
            norm_week,
            norm_week_change_date: startwork,
            sn: hire.sn.filter(|v| !v.trim().is_empty()),
            db_id: hire.db_id.filter(|v| !v.trim().is_empty()),
            area: hire.area.filter(|a| !a.trim().is_empty()),
            vacation: Vec::new(),
        };
        self.staff.push(Staff {
            employee: employee.clone(),
            vacation_used: Vec::new(),
            deletion_requested: false,
        });
        Ok(employee)
    }

    /// Marks an employee as having asked for erasure (the `deletionRequested` extension).
    pub fn request_deletion(&mut self, agent_id: &str) -> Result<(), PatchError> {
        let staff = self
            .staff
            .iter_mut()
            .find(|s| s.employee.id == agent_id)
            .ok_or_else(|| PatchError::NotFound(agent_id.to_string()))?;
        staff.deletion_requested = true;
        Ok(())
    }

    /// Logs a request on arrival (`seq` and `received_at` set here); returns its number.
    pub fn record(&mut self, request: RecordedRequest) -> u64 {
        self.next_request += 1;
        if self.requests.len() >= REQUEST_LOG {
            self.requests.pop_front();
        }
        self.requests.push_back(RecordedRequest {
            seq: self.next_request,
            received_at: Utc::now(),
            status: 0,
            ..request
        });
        self.next_request
    }

    pub fn answered(&mut self, seq: u64, status: u16) {
        if let Some(r) = self.requests.iter_mut().rev().find(|r| r.seq == seq) {
            r.status = status;
        }
    }
}

//! Records of the integration side: durable sync jobs, the integration activity log, the
//! registry of integration systems, production calendars, and the 1C ZUP personnel, norm
//! hours and timesheet data that syncs bring in.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wfm_core::zup::personnel::{Department, Employee};

/// What a sync job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// 1C -> WFM: departments, positions, employees and vacation balances (`agents`).
    PersonnelSync,
    /// 1C -> WFM: norm hours by the production calendar (`getNormHours`).
    NormHours,
    /// WFM -> 1C: work schedules (`sendSchedule`).
    ScheduleUpload,
    /// WFM -> 1C: actual work time, creating deviation documents (`sendFactWorkTime`).
    FactWorktimeUpload,
    /// 1C -> WFM: time types of the timesheet (`getTimetypeInfo`).
    TimetypeFetch,
}

impl JobKind {
    pub const ALL: [JobKind; 5] = [
        JobKind::PersonnelSync,
        JobKind::NormHours,
        JobKind::ScheduleUpload,
        JobKind::FactWorktimeUpload,
        JobKind::TimetypeFetch,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::PersonnelSync => "personnel_sync",
            JobKind::NormHours => "norm_hours",
            JobKind::ScheduleUpload => "schedule_upload",
            JobKind::FactWorktimeUpload => "fact_worktime_upload",
            JobKind::TimetypeFetch => "timetype_fetch",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        JobKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    /// Failed transiently; runs again at `run_after`.
    Retrying,
    /// Out of attempts, or failed for a reason retrying cannot mend; an admin may requeue it.
    Dead,
}

impl JobState {
    pub const ALL: [JobState; 5] = [
        JobState::Queued,
        JobState::Running,
        JobState::Succeeded,
        JobState::Retrying,
        JobState::Dead,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Succeeded => "succeeded",
            JobState::Retrying => "retrying",
            JobState::Dead => "dead",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        JobState::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// Succeeded or dead: nothing more will happen unless an admin requeues.
    pub fn is_final(self) -> bool {
        matches!(self, JobState::Succeeded | JobState::Dead)
    }
}

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub kind: JobKind,
    /// What the job covers (kind-specific JSON: period, agents, ...).
    pub scope: serde_json::Value,
    /// Jobs with the same queue key run one at a time, oldest first (FIFO per entity).
    pub queue_key: String,
    /// A second enqueue with the same key returns the first job and creates nothing.
    pub idempotency_key: Option<String>,
    pub max_attempts: u32,
    /// Who asked: `user:<subject>`, `key:<name>` or `schedule`.
    pub initiator: String,
    pub correlation_id: String,
}

/// A durable sync job.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Job {
    pub id: i64,
    pub kind: JobKind,
    #[schema(value_type = Object)]
    pub scope: serde_json::Value,
    pub queue_key: String,
    pub idempotency_key: Option<String>,
    pub state: JobState,
    /// Attempts spent so far: those started, less those given back while waiting for the
    /// partner (the one under way included).
    pub attempts: u32,
    pub max_attempts: u32,
    pub progress_done: u64,
    pub progress_total: u64,
    /// What the last successful run produced (kind-specific counts and reports).
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
    pub last_error: Option<String>,
    /// Not run before this instant.
    pub run_after: DateTime<Utc>,
    /// The worker holding the job, and until when its lease runs.
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    pub initiator: String,
    pub correlation_id: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// How a worker ends its attempt at a job.
#[derive(Debug, Clone, PartialEq)]
pub enum JobOutcome {
    Succeeded {
        result: serde_json::Value,
    },
    /// Transient failure: run again at `run_after` (or dead when out of attempts).
    Retry {
        error: String,
        run_after: DateTime<Utc>,
        result: Option<serde_json::Value>,
    },
    /// The partner is unavailable: run again at `run_after`, the attempt given back. Waiting
    /// for the partner is not a try at the job, so it never makes the job dead.
    Wait {
        error: String,
        run_after: DateTime<Utc>,
        result: Option<serde_json::Value>,
    },
    /// Permanent failure.
    Dead {
        error: String,
        result: Option<serde_json::Value>,
    },
}

/// Jobs of one kind that ended in one final state at or after an instant, and at or after a
/// later one. A job counts once, as it ended last: one requeued after it died counts when it
/// ends again, and then only as that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishedJobs {
    pub kind: JobKind,
    /// `Succeeded` or `Dead`.
    pub state: JobState,
    /// Since the first instant (the day).
    pub day: u64,
    /// Since the second (the hour).
    pub hour: u64,
}

/// Which jobs to list, newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobFilter {
    pub state: Option<JobState>,
    pub kind: Option<JobKind>,
    pub correlation_id: Option<String>,
    /// Only jobs with an id below this (the cursor of the previous page).
    pub before_id: Option<i64>,
    pub limit: u32,
}

/// An integration call or job step to log. Never carries personal data.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewLogEntry {
    pub at: DateTime<Utc>,
    pub correlation_id: String,
    /// `zup` or `contact_center`.
    pub system: String,
    /// The method (`agents`, `getNormHours`, ...) or job step (`job.personnel_sync`, `circuit`).
    pub operation: String,
    /// Which way the data goes, seen from WFM: `inbound` (into WFM: agents, getNormHours,
    /// getTimetypeInfo, the contact center's pushes), `outbound` (sendSchedule,
    /// sendFactWorkTime) or `internal` (a job step, a circuit change).
    pub direction: String,
    /// `success`, `failure`, `retry`, `rejected` (circuit open), `opened`/`closed` (circuit).
    pub outcome: String,
    pub http_status: Option<u16>,
    pub latency_ms: Option<u64>,
    pub records: Option<u64>,
    pub error: Option<String>,
    pub initiator: String,
    pub job_id: Option<i64>,
}

/// One row of the integration activity log.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LogEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub correlation_id: String,
    pub system: String,
    pub operation: String,
    pub direction: String,
    pub outcome: String,
    pub http_status: Option<u16>,
    pub latency_ms: Option<u64>,
    pub records: Option<u64>,
    pub error: Option<String>,
    pub initiator: String,
    pub job_id: Option<i64>,
}

/// Which log rows to list, newest first; every filter is optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogFilter {
    pub system: Option<String>,
    pub operation: Option<String>,
    pub outcome: Option<String>,
    pub correlation_id: Option<String>,
    pub job_id: Option<i64>,
    /// [from, to) on `at`.
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub before_id: Option<i64>,
    pub limit: u32,
}

/// The last successful call of one operation of one system (derived from the log).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LastSuccess {
    pub system: String,
    pub operation: String,
    pub at: DateTime<Utc>,
}

/// An integration system's stored configuration (endpoints, field mappings, workflow);
/// its shape is checked by the service, the store keeps the JSON.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct IntegrationSystem {
    pub system: String,
    #[schema(value_type = Object)]
    pub config: serde_json::Value,
    pub updated_at: DateTime<Utc>,
}

/// One year's production calendar, kept as the xmlcalendar text it was loaded from.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StoredCalendar {
    pub year: i32,
    pub xml: String,
    pub updated_at: DateTime<Utc>,
}

/// A full 1C personnel answer to apply, with what WFM needs to place new records.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonnelImport {
    pub departments: Vec<Department>,
    pub employees: Vec<Employee>,
    /// The local day of the sync: who is terminated before it is deactivated.
    pub today: NaiveDate,
    /// Where new services, groups and agents go when no site matches an employee's `area`.
    pub site_id: i64,
}

/// What applying a personnel answer changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PersonnelResult {
    /// Agents created, updated, deactivated, and left as they were.
    pub created: u64,
    pub updated: u64,
    pub deactivated: u64,
    pub unchanged: u64,
    pub departments_created: u64,
    pub departments_updated: u64,
    pub services_created: u64,
    pub groups_created: u64,
    pub positions: u64,
    /// Employees of the answer whose personal data was erased: left out, never re-created.
    #[serde(default)]
    pub erased_skipped: u64,
}

/// A 1C employee as stored, with the WFM agent it is linked to.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StoredEmployee {
    #[schema(value_type = Object)]
    pub employee: Employee,
    pub agent_id: i64,
    pub active: bool,
    pub synced_at: DateTime<Utc>,
}

/// A 1C department as stored, with the WFM service or group it maps to.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StoredDepartment {
    #[schema(value_type = Object)]
    pub department: Department,
    /// Top-level departments map to services, their children to groups.
    pub service_id: Option<i64>,
    pub group_id: Option<i64>,
    pub synced_at: DateTime<Utc>,
}

/// Norm hours of one employee for one period, as 1C computed them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NormHoursRow {
    /// 1C's employee UID.
    pub employee_id: String,
    /// `month`, `quarter` or `year`.
    pub mode: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub hours: f64,
}

/// One day of one employee's 1C timesheet: the time type letter code and its hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TimesheetDay {
    pub employee_id: String,
    pub date: NaiveDate,
    pub timetype: String,
    pub hours: f64,
}

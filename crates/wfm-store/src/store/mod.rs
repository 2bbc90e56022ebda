//! The `Store` trait: everything the service persists, behind one interface for both backends,
//! made of one trait per area (`structure`: sites, services, groups, agents); the areas not
//! split out yet are declared here.

mod structure;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use wfm_core::event::Event;
use wfm_core::plan::{ForecastInterval, Segment};

use crate::alerts::*;
use crate::error::StoreResult;
use crate::integration::*;
use crate::live::{NewEvent, StateCode, WorkplaceCall};
use crate::model::*;
use crate::privacy::{Erasure, ErasureSource, ErasureSubject, PrivacyDeletion};
pub use structure::Structure;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Persistence of wfm-pulse. Every change takes the `Actor` and writes an audit entry in the
/// same transaction, so a change and its audit record land together or not at all.
#[async_trait]
pub trait Store: Structure + Send + Sync {
    fn backend(&self) -> Backend;
    /// Whether the database answers (a cheap round trip).
    async fn ping(&self) -> StoreResult<()>;
    /// Applies pending migrations; returns the names of those applied now.
    async fn migrate(&self) -> StoreResult<Vec<String>>;
    /// Closes the connections (waits for running queries).
    async fn close(&self);

    async fn create_api_key(&self, key: &NewApiKey, actor: &Actor) -> StoreResult<ApiKey>;
    async fn list_api_keys(&self) -> StoreResult<Vec<ApiKey>>;
    /// The live (not revoked) key with this hash, if any.
    async fn find_api_key(&self, key_hash: &str) -> StoreResult<Option<ApiKey>>;
    async fn revoke_api_key(&self, id: i64, actor: &Actor) -> StoreResult<ApiKey>;

    /// Audit entries, newest first; a person's personal fields decrypted, or `"[erased]"`
    /// once the person's data was erased.
    async fn list_audit(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>>;
    /// The retention purge: deletes the audit entries recorded before `before`, and only
    /// those; returns how many. Nothing else ever changes or removes an audit entry.
    async fn purge_audit(&self, before: DateTime<Utc>) -> StoreResult<u64>;

    /// Erases a person's personal data (GDPR) in one transaction: the agent keeps its id
    /// under a pseudonym (statistics stay), the 1C employee record, norm hours and
    /// timesheet go (a tombstone keeps later syncs from bringing the person back), the
    /// person's audit fields are crypto-shredded, free text naming them is scrubbed; the
    /// erasure is recorded and audited with its categories, never the data. NotFound for
    /// an unknown agent, Conflict when already erased. A failure writes nothing but a
    /// `failed` record. Returns the record, and whom it erased: the caller scrubs its memory
    /// of them.
    async fn erase_person(
        &self,
        subject: &ErasureSubject,
        source: ErasureSource,
        actor: &Actor,
    ) -> StoreResult<Erasure>;
    async fn get_privacy_deletion(&self, id: i64) -> StoreResult<PrivacyDeletion>;
    /// Which of these 1C employee UIDs belong to erased persons.
    async fn erased_zup_employees(&self, ids: &[String]) -> StoreResult<Vec<String>>;

    /// Appends events in one transaction: the sequence number of each, or None for a
    /// duplicate `event_id` (already stored; nothing written for it).
    async fn append_events(&self, events: &[NewEvent]) -> StoreResult<Vec<Option<i64>>>;
    /// Events that happened in [from, until) with `seq > after_seq`, in commit order.
    async fn events_between(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        after_seq: i64,
        limit: u32,
    ) -> StoreResult<Vec<Event>>;

    /// The contact center's status codes and what they mean.
    async fn state_codes(&self) -> StoreResult<Vec<StateCode>>;
    async fn replace_state_codes(&self, codes: &[StateCode], actor: &Actor) -> StoreResult<()>;

    /// Stores forecast intervals, replacing each group's intervals in the span they cover.
    async fn replace_forecast(&self, rows: &[ForecastInterval], actor: &Actor) -> StoreResult<()>;
    /// Forecast intervals overlapping [from, to).
    async fn forecast(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<ForecastInterval>>;
    /// Stores timetable segments, replacing each agent's segments in the span they cover.
    async fn replace_timetable(&self, rows: &[Segment], actor: &Actor) -> StoreResult<()>;
    /// Timetable segments overlapping [from, to).
    async fn timetable(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<Vec<Segment>>;

    /// Records a supervisor's call of an operator to the workplace.
    async fn call_to_workplace(&self, agent_id: i64, actor: &Actor) -> StoreResult<WorkplaceCall>;
    /// Calls to the workplace requested since `from`, oldest first.
    async fn workplace_calls(&self, from: DateTime<Utc>) -> StoreResult<Vec<WorkplaceCall>>;
    /// Notes when the called operator got on line; later notes change nothing.
    async fn workplace_call_answered(&self, id: i64, at: DateTime<Utc>) -> StoreResult<()>;

    /// Enqueues a sync job (audited); when `idempotency_key` was used before, returns that
    /// job and `false`, creating nothing.
    async fn enqueue_job(&self, job: &NewJob, actor: &Actor) -> StoreResult<(Job, bool)>;
    /// Claims the oldest runnable job for `worker` until `lease_until`: queued, or retrying
    /// with `run_after <= now`, or running with a lease expired before `now` (a crashed
    /// worker). Never a job whose queue key has an older job that is not final. The job
    /// becomes running, its attempts grow by one.
    async fn claim_job(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<Option<Job>>;
    /// Records progress and extends the lease; Conflict if `worker` no longer holds the job.
    async fn job_progress(
        &self,
        id: i64,
        worker: &str,
        done: u64,
        total: u64,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Ends `worker`'s attempt; a retry with no attempts left makes the job dead, a wait gives
    /// the attempt back and never does. Conflict if `worker` does not hold the job.
    async fn finish_job(&self, id: i64, worker: &str, outcome: &JobOutcome) -> StoreResult<Job>;
    async fn get_job(&self, id: i64) -> StoreResult<Job>;
    /// Jobs, newest first.
    async fn list_jobs(&self, filter: &JobFilter) -> StoreResult<Vec<Job>>;
    /// Puts a dead job back in the queue with its attempts reset (audited); Conflict unless
    /// the job is dead.
    async fn requeue_job(&self, id: i64, actor: &Actor) -> StoreResult<Job>;
    /// How many jobs are in each state (states with none are left out).
    async fn job_counts(&self) -> StoreResult<Vec<(JobState, u64)>>;
    /// Jobs that ended (succeeded or dead) at or after `day_since`, per kind and state, with
    /// those that ended at or after `hour_since` counted apart; each job once, as it ended
    /// last.
    async fn finished_jobs(
        &self,
        day_since: DateTime<Utc>,
        hour_since: DateTime<Utc>,
    ) -> StoreResult<Vec<FinishedJobs>>;

    /// Appends rows to the integration activity log in one transaction.
    async fn append_integration_log(&self, entries: &[NewLogEntry]) -> StoreResult<()>;
    /// Integration log rows, newest first.
    async fn integration_log(&self, filter: &LogFilter) -> StoreResult<Vec<LogEntry>>;
    /// The newest successful row per system and operation.
    async fn last_successes(&self) -> StoreResult<Vec<LastSuccess>>;

    /// The registry of integration systems, by name.
    async fn integration_systems(&self) -> StoreResult<Vec<IntegrationSystem>>;
    /// Creates or replaces a system's configuration; the audit entry shows `audit_view`
    /// (the configuration with secrets masked), never `config` itself.
    async fn put_integration_system(
        &self,
        system: &str,
        config: &serde_json::Value,
        audit_view: &serde_json::Value,
        actor: &Actor,
    ) -> StoreResult<IntegrationSystem>;

    /// Creates or replaces one year's production calendar (audited).
    async fn put_calendar(
        &self,
        year: i32,
        xml: &str,
        actor: &Actor,
    ) -> StoreResult<StoredCalendar>;
    /// Every stored production calendar, by year.
    async fn calendars(&self) -> StoreResult<Vec<StoredCalendar>>;
    async fn delete_calendar(&self, year: i32, actor: &Actor) -> StoreResult<()>;

    /// Applies a full 1C personnel answer in one transaction: departments become services
    /// (top level) and groups (below), employees become agents (created, updated, or
    /// deactivated the day after termination; never deleted). Every change to a service,
    /// group or agent is audited.
    async fn apply_personnel(
        &self,
        import: &PersonnelImport,
        actor: &Actor,
    ) -> StoreResult<PersonnelResult>;
    /// The 1C employees as last synced, with their agents.
    async fn zup_employees(&self) -> StoreResult<Vec<StoredEmployee>>;
    /// The 1C departments as last synced, with their services and groups.
    async fn zup_departments(&self) -> StoreResult<Vec<StoredDepartment>>;
    /// Stores norm hours, replacing rows with the same employee, mode and start.
    async fn put_norm_hours(&self, rows: &[NormHoursRow], actor: &Actor) -> StoreResult<()>;
    /// Norm hours of one employee (1C UID) or all, by employee and start.
    async fn norm_hours(&self, employee_id: Option<&str>) -> StoreResult<Vec<NormHoursRow>>;
    /// Stores timesheet days, replacing each employee's days in the span its rows cover.
    async fn put_timesheet(&self, rows: &[TimesheetDay], actor: &Actor) -> StoreResult<()>;
    /// Timesheet days in [from, to] (inclusive), of one employee or all.
    async fn timesheet(
        &self,
        employee_id: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<TimesheetDay>>;

    /// Creates an alert rule (audited); Conflict when the name is taken.
    async fn create_rule(
        &self,
        name: &str,
        enabled: bool,
        definition: &serde_json::Value,
        actor: &Actor,
    ) -> StoreResult<StoredRule>;
    /// Replaces an alert rule (audited).
    async fn update_rule(
        &self,
        id: i64,
        name: &str,
        enabled: bool,
        definition: &serde_json::Value,
        actor: &Actor,
    ) -> StoreResult<StoredRule>;
    /// Deletes an alert rule (audited); its alerts stay, for history.
    async fn delete_rule(&self, id: i64, actor: &Actor) -> StoreResult<()>;
    /// Every alert rule, by id.
    async fn list_rules(&self) -> StoreResult<Vec<StoredRule>>;

    /// Opens an alert with a `fired` timeline entry; Conflict while the rule has an open
    /// (firing or acknowledged) alert for the same scope.
    async fn open_alert(&self, alert: &NewAlert) -> StoreResult<Alert>;
    /// Opens several alerts in one transaction: `None` where the rule already has an open
    /// alert for the scope (as `open_alert` would refuse).
    async fn open_alerts(&self, alerts: &[NewAlert]) -> StoreResult<Vec<Option<Alert>>>;
    async fn get_alert(&self, id: i64) -> StoreResult<Alert>;
    /// Alerts, open ones first, then newest first.
    async fn list_alerts(&self, filter: &AlertFilter) -> StoreResult<Vec<Alert>>;
    /// Marks a firing alert acknowledged (audited, timeline); Conflict unless firing.
    async fn acknowledge_alert(
        &self,
        id: i64,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> StoreResult<Alert>;
    /// Resolves an open alert (audited when a person does it, timeline); Conflict when it
    /// is resolved already.
    async fn resolve_alert(&self, id: i64, actor: &Actor, at: DateTime<Utc>) -> StoreResult<Alert>;
    /// Raises an open alert's escalation level (never lowers it), with an `escalated`
    /// timeline entry carrying `details`; Conflict unless open.
    async fn escalate_alert(
        &self,
        id: i64,
        level: u32,
        at: DateTime<Utc>,
        details: &serde_json::Value,
    ) -> StoreResult<Alert>;
    /// Adds a timeline entry.
    async fn add_alert_event(&self, alert_id: i64, event: &AlertEvent) -> StoreResult<()>;
    /// Adds timeline entries of several alerts in one transaction.
    async fn add_alert_events(&self, events: &[(i64, AlertEvent)]) -> StoreResult<()>;
    /// An alert's timeline, oldest first.
    async fn alert_events(&self, alert_id: i64) -> StoreResult<Vec<AlertEvent>>;

    /// Stores predictions, replacing those with the same kind, group and target instant.
    async fn put_predictions(&self, rows: &[Prediction]) -> StoreResult<()>;
    /// Predictions whose target instant is in [from, to), by target, kind and group.
    async fn predictions(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<Prediction>>;

    /// Records a notification about to be sent (status `pending`).
    async fn create_delivery(
        &self,
        alert_id: Option<i64>,
        channel: &str,
        recipient: &str,
    ) -> StoreResult<Delivery>;
    /// Records an attempt's outcome.
    async fn update_delivery(
        &self,
        id: i64,
        status: &str,
        attempts: u32,
        last_error: Option<&str>,
    ) -> StoreResult<()>;
    /// Deliveries, newest first, of one alert or all.
    async fn list_deliveries(
        &self,
        alert_id: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<Delivery>>;

    /// A user's notification preferences (`user` is the token subject).
    async fn notification_prefs(&self, user: &str) -> StoreResult<Option<NotificationPrefs>>;
    /// Creates or replaces a user's preferences (audited).
    async fn put_notification_prefs(
        &self,
        user: &str,
        prefs: &NotificationPrefs,
        actor: &Actor,
    ) -> StoreResult<()>;
    /// Every user's preferences, by user.
    async fn all_notification_prefs(&self) -> StoreResult<Vec<(String, NotificationPrefs)>>;

    /// Accepted events received at or after `since`, per kind class (`status` for operator
    /// state changes, `call` for call events) and bucket of `bucket_ms` of receipt time.
    async fn event_activity(
        &self,
        since: DateTime<Utc>,
        bucket_ms: i64,
    ) -> StoreResult<Vec<crate::health::EventActivity>>;
    /// Integration log rows at or after `day_since` per system, operation and outcome, with
    /// those at or after `hour_since` counted apart.
    async fn integration_outcomes(
        &self,
        day_since: DateTime<Utc>,
        hour_since: DateTime<Utc>,
    ) -> StoreResult<Vec<crate::health::OperationOutcome>>;
    /// The halt of `system`'s automatic synchronization in force, if any.
    async fn sync_halt(&self, system: &str) -> StoreResult<Option<crate::health::SyncHalt>>;
    /// Halts `system`'s automatic synchronization (audited); when a halt is in force
    /// already, that one and `false`, nothing written.
    async fn halt_sync(
        &self,
        halt: &crate::health::NewSyncHalt,
        actor: &Actor,
    ) -> StoreResult<(crate::health::SyncHalt, bool)>;
    /// Lifts the halt in force (audited, with what the admin verified); `accept_next` lets
    /// the next sync apply once even beyond the threshold. Conflict when not halted.
    async fn resume_sync(
        &self,
        system: &str,
        note: &str,
        accept_next: bool,
        actor: &Actor,
    ) -> StoreResult<crate::health::SyncHalt>;
    /// Takes the one-time acceptance the latest resumption of `system` gave: true once.
    async fn take_sync_acceptance(&self, system: &str) -> StoreResult<bool>;
    /// `system`'s halts, newest first.
    async fn sync_halts(
        &self,
        system: &str,
        limit: u32,
    ) -> StoreResult<Vec<crate::health::SyncHalt>>;

    /// Inserts or replaces interval records (per group and interval start) and adherence
    /// records (per operator and interval start), all in one transaction. Writing the
    /// same records twice leaves the same rows.
    async fn upsert_interval_stats(
        &self,
        groups: &[crate::history::IntervalRecord],
        operators: &[crate::history::AdherenceRecord],
    ) -> StoreResult<()>;
    /// Interval records of `group_ids` starting in [from, to), by group and start.
    async fn interval_stats(
        &self,
        group_ids: &[i64],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<crate::history::IntervalRecord>>;
    /// Adherence records starting in [from, to) of `agent_ids` (everyone's when empty),
    /// by operator and start.
    async fn adherence_stats(
        &self,
        agent_ids: &[i64],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<crate::history::AdherenceRecord>>;

    /// Sets a group's importance on the executive dashboard, audited; `NotFound` when the
    /// group does not exist.
    async fn set_group_priority(
        &self,
        group_id: i64,
        importance: wfm_core::executive::Importance,
        actor: &Actor,
    ) -> StoreResult<crate::priorities::GroupPriority>;
    /// Every group's stored importance, by group id (a group without one is normal).
    async fn group_priorities(&self) -> StoreResult<Vec<crate::priorities::GroupPriority>>;

    /// A site's stored labor rules; `None` when the site uses the defaults.
    async fn labor_rules(&self, site_id: i64) -> StoreResult<Option<crate::labor::SiteLaborRules>>;
    /// Replaces a site's labor rules, audited; `NotFound` when the site does not exist.
    async fn put_labor_rules(
        &self,
        site_id: i64,
        rules: &wfm_core::labor::LaborRules,
        actor: &Actor,
    ) -> StoreResult<crate::labor::SiteLaborRules>;

    /// Creates a console account, audited; `Conflict` when the name is taken.
    async fn create_user(
        &self,
        user: &crate::people::NewUser,
        actor: &Actor,
    ) -> StoreResult<crate::people::User>;
    /// Every account, by name.
    async fn list_users(&self) -> StoreResult<Vec<crate::people::User>>;
    /// The account named `name`, if any.
    async fn find_user(&self, name: &str) -> StoreResult<Option<crate::people::User>>;
    /// Changes an account, audited; a new role or password ends the person's sessions.
    async fn change_user(
        &self,
        id: i64,
        change: &crate::people::UserChange,
        actor: &Actor,
    ) -> StoreResult<crate::people::User>;
    /// Counts a wrong password, audited; the `lock_after`th in a row locks the account
    /// until `lock_until` and ends its sessions.
    async fn fail_sign_in(
        &self,
        user_id: i64,
        lock_after: i64,
        lock_until: DateTime<Utc>,
        actor: &Actor,
    ) -> StoreResult<crate::people::Failure>;
    /// Opens a session (kept by the SHA-256 of its cookie) after a right password, audited;
    /// resets the count of wrong passwords; drops the person's sessions idle since before
    /// `idle_cutoff`.
    async fn open_session(
        &self,
        user_id: i64,
        token_hash: &str,
        csrf_token: &str,
        idle_cutoff: DateTime<Utc>,
        actor: &Actor,
    ) -> StoreResult<()>;
    /// The session with this hash, unless idle since before `idle_cutoff`; marks it used.
    async fn find_session(
        &self,
        token_hash: &str,
        idle_cutoff: DateTime<Utc>,
    ) -> StoreResult<Option<crate::people::Session>>;
    /// Ends a session (sign-out), audited; false when there was none.
    async fn close_session(
        &self,
        token_hash: &str,
        user_id: i64,
        actor: &Actor,
    ) -> StoreResult<bool>;
    /// A person's saved console settings (`{}` when none).
    async fn user_settings(&self, user_id: i64) -> StoreResult<serde_json::Value>;
    /// Replaces a person's console settings, audited.
    async fn put_user_settings(
        &self,
        user_id: i64,
        settings: &serde_json::Value,
        actor: &Actor,
    ) -> StoreResult<serde_json::Value>;
}

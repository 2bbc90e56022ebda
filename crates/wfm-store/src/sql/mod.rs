//! The SQL store: one implementation over sqlx's `Any` driver, for SQLite and PostgreSQL.
//!
//! Both backends take the same statements (`$n` placeholders, `RETURNING`, integer
//! milliseconds for instants); what differs (connection set-up, migrations, how a write
//! transaction begins) is chosen by `Backend`.

mod access;
mod alert_rules;
mod alerts;
mod append;
mod audit;
mod codec;
mod connect;
mod departments;
mod health;
mod integration;
mod interval_stats;
mod jobs;
mod labor_rules;
mod live;
mod migrate;
mod notifications;
mod people;
mod person_keys;
mod personnel;
mod predictions;
mod priorities;
mod privacy;
pub(crate) mod scrub;
mod table;
mod tables;
mod time;
mod zup;
mod zup_hours;

pub use connect::{SqlStore, sqlite_file};

use async_trait::async_trait;
use sqlx::Executor;

use crate::alerts::*;
use crate::error::{StoreError, StoreResult};
use crate::integration::*;
use crate::live::{NewEvent, StateCode, WorkplaceCall};
use crate::model::*;
use crate::privacy::{Erasure, ErasureSource, ErasureSubject, PrivacyDeletion};
use crate::store::{Backend, Store};
use chrono::{DateTime, NaiveDate, Utc};
use wfm_core::event::Event;
use wfm_core::plan::{ForecastInterval, Segment};

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> Backend {
        self.backend
    }

    async fn ping(&self) -> StoreResult<()> {
        let mut conn = self.acquire().await?;
        conn.execute("SELECT 1")
            .await
            .map(|_| ())
            .map_err(|e| StoreError::Other(e.to_string()))
    }

    async fn migrate(&self) -> StoreResult<Vec<String>> {
        migrate::run(self).await
    }

    async fn close(&self) {
        self.close_pools().await;
    }

    async fn create_api_key(&self, key: &NewApiKey, actor: &Actor) -> StoreResult<ApiKey> {
        self.insert_api_key(key, actor).await
    }
    async fn list_api_keys(&self) -> StoreResult<Vec<ApiKey>> {
        self.api_keys(None).await
    }
    async fn find_api_key(&self, key_hash: &str) -> StoreResult<Option<ApiKey>> {
        Ok(self.api_keys(Some(key_hash)).await?.into_iter().next())
    }
    async fn revoke_api_key(&self, id: i64, actor: &Actor) -> StoreResult<ApiKey> {
        self.revoke(id, actor).await
    }

    async fn list_audit(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        self.audit_entries(filter).await
    }
    async fn purge_audit(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        self.purge(before).await
    }

    async fn erase_person(
        &self,
        subject: &ErasureSubject,
        source: ErasureSource,
        actor: &Actor,
    ) -> StoreResult<Erasure> {
        self.erase(subject, source, actor).await
    }
    async fn get_privacy_deletion(&self, id: i64) -> StoreResult<PrivacyDeletion> {
        self.deletion(id).await
    }
    async fn erased_zup_employees(&self, ids: &[String]) -> StoreResult<Vec<String>> {
        self.erased_uids(ids).await
    }

    async fn append_events(&self, events: &[NewEvent]) -> StoreResult<Vec<Option<i64>>> {
        self.append(events).await
    }
    async fn events_between(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        after_seq: i64,
        limit: u32,
    ) -> StoreResult<Vec<Event>> {
        self.events_in(from, until, after_seq, limit).await
    }

    async fn state_codes(&self) -> StoreResult<Vec<StateCode>> {
        self.codes().await
    }
    async fn replace_state_codes(&self, codes: &[StateCode], actor: &Actor) -> StoreResult<()> {
        self.set_codes(codes, actor).await
    }

    async fn replace_forecast(&self, rows: &[ForecastInterval], actor: &Actor) -> StoreResult<()> {
        self.put_forecast(rows, actor).await
    }
    async fn forecast(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<ForecastInterval>> {
        self.get_forecast(from, to).await
    }
    async fn replace_timetable(&self, rows: &[Segment], actor: &Actor) -> StoreResult<()> {
        self.put_timetable(rows, actor).await
    }
    async fn timetable(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<Vec<Segment>> {
        self.get_timetable(from, to).await
    }

    async fn call_to_workplace(&self, agent_id: i64, actor: &Actor) -> StoreResult<WorkplaceCall> {
        SqlStore::call_to_workplace(self, agent_id, actor).await
    }
    async fn workplace_calls(&self, from: DateTime<Utc>) -> StoreResult<Vec<WorkplaceCall>> {
        self.workplace_calls_since(from).await
    }
    async fn workplace_call_answered(&self, id: i64, at: DateTime<Utc>) -> StoreResult<()> {
        SqlStore::workplace_call_answered(self, id, at).await
    }

    async fn enqueue_job(&self, job: &NewJob, actor: &Actor) -> StoreResult<(Job, bool)> {
        self.insert_job(job, actor).await
    }
    async fn claim_job(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<Option<Job>> {
        self.claim(worker, now, lease_until).await
    }
    async fn job_progress(
        &self,
        id: i64,
        worker: &str,
        done: u64,
        total: u64,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.progress(id, worker, done, total, lease_until).await
    }
    async fn finish_job(&self, id: i64, worker: &str, outcome: &JobOutcome) -> StoreResult<Job> {
        self.finish(id, worker, outcome).await
    }
    async fn get_job(&self, id: i64) -> StoreResult<Job> {
        self.job(id).await
    }
    async fn list_jobs(&self, filter: &JobFilter) -> StoreResult<Vec<Job>> {
        self.jobs(filter).await
    }
    async fn requeue_job(&self, id: i64, actor: &Actor) -> StoreResult<Job> {
        self.requeue(id, actor).await
    }
    async fn job_counts(&self) -> StoreResult<Vec<(JobState, u64)>> {
        self.counts_by_state().await
    }
    async fn finished_jobs(
        &self,
        day_since: DateTime<Utc>,
        hour_since: DateTime<Utc>,
    ) -> StoreResult<Vec<FinishedJobs>> {
        self.finished_counts(day_since, hour_since).await
    }

    async fn append_integration_log(&self, entries: &[NewLogEntry]) -> StoreResult<()> {
        self.append_log(entries).await
    }
    async fn integration_log(&self, filter: &LogFilter) -> StoreResult<Vec<LogEntry>> {
        self.log_entries(filter).await
    }
    async fn last_successes(&self) -> StoreResult<Vec<LastSuccess>> {
        self.successes().await
    }

    async fn integration_systems(&self) -> StoreResult<Vec<IntegrationSystem>> {
        self.systems().await
    }
    async fn put_integration_system(
        &self,
        system: &str,
        config: &serde_json::Value,
        audit_view: &serde_json::Value,
        actor: &Actor,
    ) -> StoreResult<IntegrationSystem> {
        self.put_system(system, config, audit_view, actor).await
    }

    async fn put_calendar(
        &self,
        year: i32,
        xml: &str,
        actor: &Actor,
    ) -> StoreResult<StoredCalendar> {
        self.store_calendar(year, xml, actor).await
    }
    async fn calendars(&self) -> StoreResult<Vec<StoredCalendar>> {
        self.stored_calendars().await
    }
    async fn delete_calendar(&self, year: i32, actor: &Actor) -> StoreResult<()> {
        self.remove_calendar(year, actor).await
    }

    async fn apply_personnel(
        &self,
        import: &PersonnelImport,
        actor: &Actor,
    ) -> StoreResult<PersonnelResult> {
        self.personnel(import, actor).await
    }
    async fn zup_employees(&self) -> StoreResult<Vec<StoredEmployee>> {
        self.employees().await
    }
    async fn zup_departments(&self) -> StoreResult<Vec<StoredDepartment>> {
        self.departments().await
    }
    async fn put_norm_hours(&self, rows: &[NormHoursRow], actor: &Actor) -> StoreResult<()> {
        self.store_norm_hours(rows, actor).await
    }
    async fn norm_hours(&self, employee_id: Option<&str>) -> StoreResult<Vec<NormHoursRow>> {
        self.stored_norm_hours(employee_id).await
    }
    async fn put_timesheet(&self, rows: &[TimesheetDay], actor: &Actor) -> StoreResult<()> {
        self.store_timesheet(rows, actor).await
    }
    async fn timesheet(
        &self,
        employee_id: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<TimesheetDay>> {
        self.stored_timesheet(employee_id, from, to).await
    }

    async fn create_rule(
        &self,
        name: &str,
        enabled: bool,
        definition: &serde_json::Value,
        actor: &Actor,
    ) -> StoreResult<StoredRule> {
        self.insert_rule(name, enabled, definition, actor).await
    }
    async fn update_rule(
        &self,
        id: i64,
        name: &str,
        enabled: bool,
        definition: &serde_json::Value,
        actor: &Actor,
    ) -> StoreResult<StoredRule> {
        self.replace_rule(id, name, enabled, definition, actor)
            .await
    }
    async fn delete_rule(&self, id: i64, actor: &Actor) -> StoreResult<()> {
        self.remove_rule(id, actor).await
    }
    async fn list_rules(&self) -> StoreResult<Vec<StoredRule>> {
        self.rules().await
    }
    async fn open_alert(&self, alert: &NewAlert) -> StoreResult<Alert> {
        self.insert_alert(alert).await
    }
    async fn open_alerts(&self, alerts: &[NewAlert]) -> StoreResult<Vec<Option<Alert>>> {
        self.insert_alerts(alerts).await
    }
    async fn add_alert_events(&self, events: &[(i64, AlertEvent)]) -> StoreResult<()> {
        self.insert_alert_events(events).await
    }
    async fn get_alert(&self, id: i64) -> StoreResult<Alert> {
        self.alert(id).await
    }
    async fn list_alerts(&self, filter: &AlertFilter) -> StoreResult<Vec<Alert>> {
        self.alerts(filter).await
    }
    async fn acknowledge_alert(
        &self,
        id: i64,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> StoreResult<Alert> {
        self.acknowledge(id, actor, at).await
    }
    async fn resolve_alert(&self, id: i64, actor: &Actor, at: DateTime<Utc>) -> StoreResult<Alert> {
        self.resolve(id, actor, at).await
    }
    async fn escalate_alert(
        &self,
        id: i64,
        level: u32,
        at: DateTime<Utc>,
        details: &serde_json::Value,
    ) -> StoreResult<Alert> {
        self.escalate(id, level, at, details).await
    }
    async fn add_alert_event(&self, alert_id: i64, event: &AlertEvent) -> StoreResult<()> {
        self.insert_alert_event(alert_id, event).await
    }
    async fn alert_events(&self, alert_id: i64) -> StoreResult<Vec<AlertEvent>> {
        self.timeline(alert_id).await
    }
    async fn put_predictions(&self, rows: &[Prediction]) -> StoreResult<()> {
        self.upsert_predictions(rows).await
    }
    async fn predictions(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<Prediction>> {
        self.predictions_between(from, to).await
    }
    async fn create_delivery(
        &self,
        alert_id: Option<i64>,
        channel: &str,
        recipient: &str,
    ) -> StoreResult<Delivery> {
        self.insert_delivery(alert_id, channel, recipient).await
    }
    async fn update_delivery(
        &self,
        id: i64,
        status: &str,
        attempts: u32,
        last_error: Option<&str>,
    ) -> StoreResult<()> {
        self.record_delivery(id, status, attempts, last_error).await
    }
    async fn list_deliveries(
        &self,
        alert_id: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<Delivery>> {
        self.deliveries(alert_id, limit).await
    }
    async fn notification_prefs(&self, user: &str) -> StoreResult<Option<NotificationPrefs>> {
        self.prefs(user).await
    }
    async fn put_notification_prefs(
        &self,
        user: &str,
        prefs: &NotificationPrefs,
        actor: &Actor,
    ) -> StoreResult<()> {
        self.store_prefs(user, prefs, actor).await
    }
    async fn all_notification_prefs(&self) -> StoreResult<Vec<(String, NotificationPrefs)>> {
        self.every_prefs().await
    }

    async fn event_activity(
        &self,
        since: DateTime<Utc>,
        bucket_ms: i64,
    ) -> StoreResult<Vec<crate::health::EventActivity>> {
        self.activity(since, bucket_ms).await
    }
    async fn integration_outcomes(
        &self,
        day_since: DateTime<Utc>,
        hour_since: DateTime<Utc>,
    ) -> StoreResult<Vec<crate::health::OperationOutcome>> {
        self.outcomes(day_since, hour_since).await
    }
    async fn sync_halt(&self, system: &str) -> StoreResult<Option<crate::health::SyncHalt>> {
        self.halt_in_force(system).await
    }
    async fn halt_sync(
        &self,
        halt: &crate::health::NewSyncHalt,
        actor: &Actor,
    ) -> StoreResult<(crate::health::SyncHalt, bool)> {
        self.halt(halt, actor).await
    }
    async fn resume_sync(
        &self,
        system: &str,
        note: &str,
        accept_next: bool,
        actor: &Actor,
    ) -> StoreResult<crate::health::SyncHalt> {
        self.resume(system, note, accept_next, actor).await
    }
    async fn take_sync_acceptance(&self, system: &str) -> StoreResult<bool> {
        self.take_acceptance(system).await
    }
    async fn sync_halts(
        &self,
        system: &str,
        limit: u32,
    ) -> StoreResult<Vec<crate::health::SyncHalt>> {
        self.halts(system, limit).await
    }

    async fn upsert_interval_stats(
        &self,
        groups: &[crate::history::IntervalRecord],
        operators: &[crate::history::AdherenceRecord],
    ) -> StoreResult<()> {
        self.upsert_stats(groups, operators).await
    }
    async fn interval_stats(
        &self,
        group_ids: &[i64],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<crate::history::IntervalRecord>> {
        self.stats_between(group_ids, from, to).await
    }
    async fn adherence_stats(
        &self,
        agent_ids: &[i64],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<crate::history::AdherenceRecord>> {
        self.adherence_between(agent_ids, from, to).await
    }

    async fn set_group_priority(
        &self,
        group_id: i64,
        importance: wfm_core::executive::Importance,
        actor: &Actor,
    ) -> StoreResult<crate::priorities::GroupPriority> {
        self.set_priority(group_id, importance, actor).await
    }
    async fn group_priorities(&self) -> StoreResult<Vec<crate::priorities::GroupPriority>> {
        self.priorities().await
    }

    async fn labor_rules(&self, site_id: i64) -> StoreResult<Option<crate::labor::SiteLaborRules>> {
        self.site_labor_rules(site_id).await
    }
    async fn put_labor_rules(
        &self,
        site_id: i64,
        rules: &wfm_core::labor::LaborRules,
        actor: &Actor,
    ) -> StoreResult<crate::labor::SiteLaborRules> {
        self.set_labor_rules(site_id, rules, actor).await
    }

    async fn create_user(
        &self,
        user: &crate::people::NewUser,
        actor: &Actor,
    ) -> StoreResult<crate::people::User> {
        self.insert_user(user, actor).await
    }
    async fn list_users(&self) -> StoreResult<Vec<crate::people::User>> {
        self.users(None).await
    }
    async fn find_user(&self, name: &str) -> StoreResult<Option<crate::people::User>> {
        Ok(self.users(Some(name)).await?.into_iter().next())
    }
    async fn change_user(
        &self,
        id: i64,
        change: &crate::people::UserChange,
        actor: &Actor,
    ) -> StoreResult<crate::people::User> {
        SqlStore::change_user(self, id, change, actor).await
    }
    async fn fail_sign_in(
        &self,
        user_id: i64,
        lock_after: i64,
        lock_until: DateTime<Utc>,
        actor: &Actor,
    ) -> StoreResult<crate::people::Failure> {
        SqlStore::fail_sign_in(self, user_id, lock_after, lock_until, actor).await
    }
    async fn open_session(
        &self,
        user_id: i64,
        token_hash: &str,
        csrf_token: &str,
        idle_cutoff: DateTime<Utc>,
        actor: &Actor,
    ) -> StoreResult<()> {
        SqlStore::open_session(self, user_id, token_hash, csrf_token, idle_cutoff, actor).await
    }
    async fn find_session(
        &self,
        token_hash: &str,
        idle_cutoff: DateTime<Utc>,
    ) -> StoreResult<Option<crate::people::Session>> {
        SqlStore::find_session(self, token_hash, idle_cutoff).await
    }
    async fn close_session(
        &self,
        token_hash: &str,
        user_id: i64,
        actor: &Actor,
    ) -> StoreResult<bool> {
        SqlStore::close_session(self, token_hash, user_id, actor).await
    }
    async fn user_settings(&self, user_id: i64) -> StoreResult<serde_json::Value> {
        self.settings_of(user_id).await
    }
    async fn put_user_settings(
        &self,
        user_id: i64,
        settings: &serde_json::Value,
        actor: &Actor,
    ) -> StoreResult<serde_json::Value> {
        self.set_settings(user_id, settings, actor).await
    }
}

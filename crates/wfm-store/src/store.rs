//! The `Store` trait: everything the service persists, behind one interface for both backends.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use wfm_core::event::Event;
use wfm_core::plan::{ForecastInterval, Segment};

use crate::error::StoreResult;
use crate::live::{NewEvent, StateCode, WorkplaceCall};
use crate::model::*;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Persistence of wfm-pulse. Every change takes the `Actor` and writes an audit entry in the
/// same transaction, so a change and its audit record land together or not at all.
#[async_trait]
pub trait Store: Send + Sync {
    fn backend(&self) -> Backend;
    /// Whether the database answers (a cheap round trip).
    async fn ping(&self) -> StoreResult<()>;
    /// Applies pending migrations; returns the names of those applied now.
    async fn migrate(&self) -> StoreResult<Vec<String>>;
    /// Closes the connections (waits for running queries).
    async fn close(&self);

    async fn create_site(&self, input: &SiteInput, actor: &Actor) -> StoreResult<Site>;
    async fn get_site(&self, id: i64) -> StoreResult<Site>;
    async fn list_sites(&self) -> StoreResult<Vec<Site>>;
    async fn update_site(&self, id: i64, input: &SiteInput, actor: &Actor) -> StoreResult<Site>;
    async fn delete_site(&self, id: i64, actor: &Actor) -> StoreResult<()>;

    async fn create_service(&self, input: &ServiceInput, actor: &Actor) -> StoreResult<Service>;
    async fn get_service(&self, id: i64) -> StoreResult<Service>;
    async fn list_services(&self) -> StoreResult<Vec<Service>>;
    async fn update_service(
        &self,
        id: i64,
        input: &ServiceInput,
        actor: &Actor,
    ) -> StoreResult<Service>;
    async fn delete_service(&self, id: i64, actor: &Actor) -> StoreResult<()>;

    async fn create_group(&self, input: &GroupInput, actor: &Actor) -> StoreResult<Group>;
    async fn get_group(&self, id: i64) -> StoreResult<Group>;
    async fn list_groups(&self) -> StoreResult<Vec<Group>>;
    async fn update_group(&self, id: i64, input: &GroupInput, actor: &Actor) -> StoreResult<Group>;
    async fn delete_group(&self, id: i64, actor: &Actor) -> StoreResult<()>;

    async fn create_agent(&self, input: &AgentInput, actor: &Actor) -> StoreResult<Agent>;
    async fn get_agent(&self, id: i64) -> StoreResult<Agent>;
    async fn list_agents(&self) -> StoreResult<Vec<Agent>>;
    async fn update_agent(&self, id: i64, input: &AgentInput, actor: &Actor) -> StoreResult<Agent>;
    async fn delete_agent(&self, id: i64, actor: &Actor) -> StoreResult<()>;

    async fn create_api_key(&self, key: &NewApiKey, actor: &Actor) -> StoreResult<ApiKey>;
    async fn list_api_keys(&self) -> StoreResult<Vec<ApiKey>>;
    /// The live (not revoked) key with this hash, if any.
    async fn find_api_key(&self, key_hash: &str) -> StoreResult<Option<ApiKey>>;
    async fn revoke_api_key(&self, id: i64, actor: &Actor) -> StoreResult<ApiKey>;

    /// Audit entries, newest first.
    async fn list_audit(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>>;

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
}

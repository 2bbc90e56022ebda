//! What the live engine is built from and what supervisors add to it: the event log read by
//! time, the contact center's state codes, the forecast and timetable, and calls to the
//! workplace.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use wfm_core::event::Event;
use wfm_core::plan::{ForecastInterval, Segment};

use crate::error::StoreResult;
use crate::live::*;
use crate::model::*;

#[async_trait]
pub trait LiveInputs: Send + Sync {
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

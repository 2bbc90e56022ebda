//! Norm hours and timesheet days from 1C ZUP, each replacing what it covers.

use async_trait::async_trait;
use chrono::NaiveDate;

use crate::error::StoreResult;
use crate::integration::*;
use crate::model::*;

#[async_trait]
pub trait ZupHours: Send + Sync {
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
}

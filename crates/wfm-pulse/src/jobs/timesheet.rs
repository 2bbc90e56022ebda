//! Timesheet (1C -> WFM): reads each employee's time types per day with `getTimetypeInfo`,
//! in batches, and stores them for the timesheet and the deviation report.

use serde_json::{Value, json};
use wfm_store::integration::TimesheetDay;

use super::schedule::midnight;
use super::scope::Scope;
use super::{Failure, Run};
use crate::integrations::zup::client::ZupError;
use crate::integrations::zup::contract::{AgentRef, Moment, TimetypeRequest};

/// Employees per request.
const BATCH: usize = 200;

pub async fn run(run: &Run<'_>, scope: &Scope) -> Result<Value, Failure> {
    let (from, to) = scope.period();
    let employees = run.employees(scope).await?;
    let total = employees.len() as u64;
    let mut days = 0usize;
    let mut without_data = 0usize;
    for (i, batch) in employees.chunks(BATCH).enumerate() {
        let request = TimetypeRequest {
            date_start: Moment::Fixed(midnight(run.tz, from)),
            date_end: Moment::Fixed(midnight(run.tz, to)),
            agents: batch
                .iter()
                .map(|e| AgentRef {
                    agent_id: e.employee.id.clone(),
                })
                .collect(),
        };
        let sheets = match run.zup().timetype_info(&run.ctx, &request).await {
            Ok(s) => s,
            Err(ZupError::NoData) => {
                without_data += batch.len();
                Vec::new()
            }
            Err(e) => {
                return Err(Failure::from(e).with_partial(json!({"days": days})));
            }
        };
        let rows: Vec<TimesheetDay> = sheets
            .iter()
            .flat_map(|s| {
                s.days.iter().map(|d| TimesheetDay {
                    employee_id: s.agent_id.clone(),
                    date: d.date.local(&run.tz).date(),
                    timetype: d.timetype.clone(),
                    hours: d.hours,
                })
            })
            .collect();
        run.store().put_timesheet(&rows, &run.actor()).await?;
        days += rows.len();
        run.progress(((i + 1) * BATCH).min(employees.len()) as u64, total)
            .await;
    }
    Ok(json!({
        "records": days,
        "employees": total,
        "days": days,
        "employees_without_data": without_data,
    }))
}

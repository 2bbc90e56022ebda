//! Norm hours (1C -> WFM): asks `getNormHours` for the employees' weekly norms over the
//! period, in batches, and stores 1C's figures per employee and reporting period.

use serde_json::{Value, json};
use wfm_store::integration::NormHoursRow;

use super::scope::Scope;
use super::{Failure, Run};
use crate::integrations::zup::contract::{NormAgentJson, NormHoursRequest, NormJson};

/// Employees per request.
const BATCH: usize = 500;

pub async fn run(run: &Run<'_>, scope: &Scope) -> Result<Value, Failure> {
    let (from, to) = scope.period();
    let mode = scope.mode.clone().unwrap_or_else(|| "month".into());
    let employees = run.employees(scope).await?;
    let total = employees.len() as u64;
    let mut rows = 0usize;
    for (i, batch) in employees.chunks(BATCH).enumerate() {
        let request = NormHoursRequest {
            start_date: from,
            end_date: to,
            calculation_mode: mode.clone(),
            agents: batch
                .iter()
                .map(|e| NormAgentJson {
                    agent_id: e.employee.id.clone(),
                    norms: vec![NormJson {
                        norm_week: e.employee.norm_week,
                        change_date: Some(e.employee.norm_week_change_date),
                    }],
                })
                .collect(),
        };
        let answer = run
            .zup()
            .norm_hours(&run.ctx, &request)
            .await
            .map_err(|e| {
                Failure::from(e).with_partial(json!({"employees_done": i * BATCH, "rows": rows}))
            })?;
        let stored: Vec<NormHoursRow> = answer
            .into_iter()
            .map(|n| NormHoursRow {
                employee_id: n.agent_id,
                mode: mode.clone(),
                from: n.start_date,
                to: n.end_date,
                hours: n.norm_hours,
            })
            .collect();
        run.store().put_norm_hours(&stored, &run.actor()).await?;
        rows += stored.len();
        run.progress(((i + 1) * BATCH).min(employees.len()) as u64, total)
            .await;
    }
    Ok(json!({"records": rows, "employees": total, "rows": rows, "mode": mode}))
}

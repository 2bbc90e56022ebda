//! Schedule upload (WFM -> 1C): each employee's shifts of the period, made from the
//! timetable (lunch unpaid), sent with `sendSchedule`; 1C's refusals are kept per employee
//! with their exact text and the action they ask for.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};
use wfm_core::plan::Segment;
use wfm_core::zup::worktime::shifts;

use super::scope::Scope;
use super::{Failure, Run, refusal};
use crate::integrations::zup::contract::{Moment, ScheduleRequest, ShiftJson};

pub async fn run(run: &Run<'_>, scope: &Scope) -> Result<Value, Failure> {
    let (from, to) = scope.period();
    let employees = run.employees(scope).await?;
    let zones = zones(run).await?;
    let (start, end) = (
        midnight(run.tz, from),
        midnight(run.tz, to.succ_opt().unwrap_or(to)),
    );
    // A night shift of the last day ends the next morning: read a day more.
    let mut by_agent: HashMap<i64, Vec<Segment>> = HashMap::new();
    for s in run
        .store()
        .timetable(
            start.with_timezone(&Utc),
            end.with_timezone(&Utc) + chrono::Duration::days(1),
        )
        .await?
    {
        by_agent.entry(s.agent_id).or_default().push(s);
    }
    // Employees a previous attempt already uploaded are not sent again.
    let done_before: Vec<String> = run
        .job
        .result
        .as_ref()
        .and_then(|r| serde_json::from_value(r["uploaded_ids"].clone()).ok())
        .unwrap_or_default();
    let (mut uploaded, mut refused, mut skipped) = (done_before.clone(), Vec::new(), 0u64);
    let mut shifts_sent = 0usize;
    let total = employees.len() as u64;
    for (i, e) in employees.iter().enumerate() {
        if done_before.contains(&e.employee.id) {
            continue;
        }
        let tz = zones.get(&e.agent_id).copied().unwrap_or(run.tz);
        let planned: Vec<ShiftJson> = shifts(by_agent.get(&e.agent_id).map_or(&[][..], |v| v), tz)
            .into_iter()
            .filter(|s| (from..=to).contains(&s.date()))
            .map(|s| {
                let (day, night) = s.millis();
                ShiftJson {
                    date_start: Moment::Fixed(s.start_utc.with_timezone(&tz).fixed_offset()),
                    daily_hours: day,
                    night_hours: night,
                }
            })
            .collect();
        // Without shifts 1C creates nothing; only an employee named in the scope is sent
        // anyway, so that 1C's answer reaches the user.
        if planned.is_empty() && scope.agent_ids.is_empty() {
            skipped += 1;
            continue;
        }
        shifts_sent += planned.len();
        let request = ScheduleRequest {
            agent_id: e.employee.id.clone(),
            period1: Moment::Fixed(midnight(tz, from)),
            period2: Moment::Fixed(midnight(tz, to)),
            shift: planned,
        };
        match run.zup().send_schedule(&run.ctx, &request).await {
            Ok(_) => uploaded.push(e.employee.id.clone()),
            Err(err) if err.is_transient() => {
                return Err(Failure::from(err).with_partial(json!({
                    "uploaded_ids": uploaded, "uploaded": uploaded.len(), "refused": refused,
                })));
            }
            Err(err) => refused.push(refusal(e.agent_id, &e.employee.id, &err)),
        }
        run.progress(i as u64 + 1, total).await;
    }
    run.progress(total, total).await;
    let result = json!({
        "records": uploaded.len(),
        "uploaded": uploaded.len(),
        "uploaded_ids": uploaded,
        "shifts": shifts_sent,
        "skipped_without_shifts": skipped,
        "refused": refused,
    });
    all_or_refused(result, refused.len())
}

/// A job whose items 1C refused ends dead, its result listing each refusal.
pub fn all_or_refused(result: Value, refused: usize) -> Result<Value, Failure> {
    if refused == 0 {
        return Ok(result);
    }
    let first = result["refused"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let action = result["refused"][0]["action"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    Err(Failure::fatal(format!(
        "1C ZUP refused {refused} of the items: {first} Action: {action}"
    ))
    .with_partial(result))
}

/// Local midnight starting `day` in `tz`, with its offset.
pub fn midnight(tz: Tz, day: NaiveDate) -> DateTime<FixedOffset> {
    let naive = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&naive)
        .earliest()
        .unwrap_or_else(|| tz.from_utc_datetime(&naive))
        .fixed_offset()
}

/// Each agent's time zone (its site's).
pub async fn zones(run: &Run<'_>) -> Result<HashMap<i64, Tz>, Failure> {
    let sites: HashMap<i64, Tz> = run
        .store()
        .list_sites()
        .await?
        .into_iter()
        .map(|s| (s.id, s.time_zone.parse().unwrap_or(run.tz)))
        .collect();
    Ok(run
        .store()
        .list_agents()
        .await?
        .into_iter()
        .map(|a| (a.id, sites.get(&a.site_id).copied().unwrap_or(run.tz)))
        .collect())
}

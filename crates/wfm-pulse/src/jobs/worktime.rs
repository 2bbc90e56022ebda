//! Actual work time upload (WFM -> 1C): for one shift date, each employee's time logged in
//! (from the event log) against the planned shifts (from the timetable); where they differ,
//! the presence goes to `sendFactWorkTime` in quarter-hour pieces and 1C creates documents.

use std::collections::HashMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{Value, json};
use wfm_core::event::{AgentState, EventKind};
use wfm_core::plan::Segment;
use wfm_core::zup::deviation::{Span, deviations, slices};
use wfm_core::zup::worktime::{presence, shifts};

use super::schedule::{all_or_refused, midnight, zones};
use super::scope::Scope;
use super::{Failure, Run, refusal};
use crate::integrations::zup::contract::{FactWorkTimeRequest, LogInfoJson, Moment};

/// Events read per page of the event log.
const PAGE: u32 = 10_000;

pub async fn run(run: &Run<'_>, scope: &Scope) -> Result<Value, Failure> {
    let (day, _) = scope.period();
    let initiator = scope
        .initiator_name
        .clone()
        .unwrap_or_else(|| run.job.initiator.clone());
    let employees = run.employees(scope).await?;
    let zones = zones(run).await?;
    // The day, widened to hold night shifts that cross midnight on either side.
    let window_start = midnight(run.tz, day).with_timezone(&Utc) - Duration::hours(12);
    let window_end =
        midnight(run.tz, day.succ_opt().unwrap_or(day)).with_timezone(&Utc) + Duration::hours(18);
    let mut plan: HashMap<i64, Vec<Segment>> = HashMap::new();
    for s in run.store().timetable(window_start, window_end).await? {
        plan.entry(s.agent_id).or_default().push(s);
    }
    let changes = state_changes(run, window_start, window_end).await?;
    let until = Utc::now().min(window_end);
    let (mut sent, mut documents, mut refused, mut unchanged) =
        (0u64, Vec::new(), Vec::new(), 0u64);
    let total = employees.len() as u64;
    for (i, e) in employees.iter().enumerate() {
        let tz = zones.get(&e.agent_id).copied().unwrap_or(run.tz);
        let planned: Vec<_> = shifts(plan.get(&e.agent_id).map_or(&[][..], |v| v), tz);
        let today: Vec<_> = planned.iter().filter(|s| s.date() == day).collect();
        // Presence counts for the day from the end of the previous day's shift to the start
        // of the next day's; without shifts, the local day itself.
        let lo = planned
            .iter()
            .filter(|s| s.date() < day)
            .map(|s| s.span.end)
            .max()
            .unwrap_or(day.and_hms_opt(0, 0, 0).unwrap_or_default())
            .max(day.and_hms_opt(0, 0, 0).unwrap_or_default() - Duration::hours(6));
        let next_day = day
            .succ_opt()
            .unwrap_or(day)
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default();
        let hi = planned
            .iter()
            .filter(|s| s.date() > day)
            .map(|s| s.span.start)
            .min()
            .unwrap_or(next_day)
            .max(today.iter().map(|s| s.span.end).max().unwrap_or(next_day));
        let actual: Vec<Span> =
            presence(changes.get(&e.agent_id).map_or(&[][..], |v| v), until, tz)
                .into_iter()
                .filter_map(|p| {
                    let (start, end) = (p.start.max(lo), p.end.min(hi));
                    (start < end).then_some(Span { start, end })
                })
                .collect();
        let worked: Vec<Span> = today.iter().flat_map(|s| s.worked()).collect();
        if deviations(&worked, &actual).is_empty() && scope.agent_ids.is_empty() {
            unchanged += 1;
            continue;
        }
        let stamp = |t: chrono::NaiveDateTime| {
            tz.from_local_datetime(&t)
                .earliest()
                .map_or(Moment::Local(t), |z| Moment::Fixed(z.fixed_offset()))
        };
        let date_start = today
            .first()
            .map(|s| s.span.start)
            .or_else(|| actual.first().map(|a| a.start))
            .unwrap_or(day.and_hms_opt(0, 0, 0).unwrap_or_default());
        let request = FactWorkTimeRequest {
            agent_id: e.employee.id.clone(),
            initiator_name: initiator.clone(),
            date_start: stamp(date_start),
            loginfo: slices(&actual)
                .into_iter()
                .map(|s| LogInfoJson {
                    start: stamp(s.start),
                    time: s.millis(),
                })
                .collect(),
        };
        match run.zup().send_fact_work_time(&run.ctx, &request).await {
            Ok(answer) => {
                sent += 1;
                if let Some(doc) = answer.doc.filter(|_| answer.result) {
                    documents.push(
                        json!({"agent_id": e.agent_id, "employee_id": e.employee.id, "doc": doc}),
                    );
                }
            }
            Err(err) if err.is_transient() => {
                return Err(
                    Failure::from(err).with_partial(json!({"sent": sent, "documents": documents}))
                );
            }
            Err(err) => refused.push(refusal(e.agent_id, &e.employee.id, &err)),
        }
        run.progress(i as u64 + 1, total).await;
    }
    run.progress(total, total).await;
    let result = json!({
        "records": sent,
        "date": day,
        "sent": sent,
        "documents_created": documents.len(),
        "documents": documents,
        "without_deviation": unchanged,
        "refused": refused,
    });
    all_or_refused(result, refused.len())
}

/// Each agent's state changes in [from, until), in time order, from the event log.
async fn state_changes(
    run: &Run<'_>,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<HashMap<i64, Vec<(DateTime<Utc>, AgentState)>>, Failure> {
    let mut out: HashMap<i64, Vec<(DateTime<Utc>, AgentState)>> = HashMap::new();
    let mut after = 0;
    loop {
        let page = run.store().events_between(from, until, after, PAGE).await?;
        for e in &page {
            if let EventKind::AgentStateChanged {
                agent_id, state, ..
            } = e.kind
            {
                out.entry(agent_id).or_default().push((e.at, state));
            }
        }
        match page.last() {
            Some(last) if page.len() as u32 == PAGE => after = last.seq,
            _ => break,
        }
    }
    for v in out.values_mut() {
        v.sort_by_key(|(at, _)| *at);
    }
    Ok(out)
}

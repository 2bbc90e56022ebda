//! The consistency guard of automatic synchronization with 1C ZUP. Every personnel sync, and
//! a check on demand, compares WFM's personnel with 1C ZUP's (the personnel job's own
//! comparison); when they differ beyond the registry's policy (more than 5 % of the
//! employees, or a personnel number held twice) it is corruption: the sync applies nothing,
//! automatic synchronization halts (durably: the daily sync and triggered personnel syncs
//! are refused) until an admin approves resumption, and the "Data corruption" alert rule
//! tells the admins.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Days, Utc};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use wfm_core::quality::{ConsistencyVerdict, duplicate_tab_ns, judge};
use wfm_core::zup::consistency::Discrepancy;
use wfm_core::zup::personnel::{Department, Employee};
use wfm_store::health::{NewSyncHalt, SyncHalt};
use wfm_store::model::Actor;
use wfm_store::privacy::{ERASED, ErasedPerson};
use wfm_store::{StoreError, StoreResult};

use super::{Failure, Jobs, Run, personnel};
use crate::integrations::zup::client::CallContext;

/// The system whose automatic synchronization the guard halts.
pub const SYSTEM: &str = "zup";
/// Discrepancies listed in a report (all are counted).
const LISTED: usize = 1000;

/// One consistency check of WFM's personnel against 1C ZUP's.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsistencyReport {
    pub checked_at: DateTime<Utc>,
    /// What ran it: `personnel_sync job 12`, or `on demand (user:ann)`.
    pub trigger: String,
    #[schema(value_type = Object)]
    pub verdict: ConsistencyVerdict,
    /// Discrepancies found, and how many per field.
    pub discrepancies: usize,
    pub by_field: BTreeMap<&'static str, u64>,
    /// The discrepancies (the first 1000): employee, field, WFM's and 1C's values.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<Discrepancy>,
    /// The sync went ahead beyond the threshold because an admin's resumption accepted it.
    pub accepted: bool,
    /// The halt in force after the check, if any.
    pub halt: Option<SyncHalt>,
}

impl ConsistencyReport {
    /// A consistency report with the person scrubbed out: their discrepancies keep their field
    /// and lose every value (so the counts stay true), their personnel number in the duplicates
    /// reads `[erased]`. None when it does not name them.
    pub fn scrubbed(&self, person: &ErasedPerson) -> Option<ConsistencyReport> {
        let mut out = self.clone();
        let scrub = |v: &mut String| {
            if let Some(new) = person.scrub_text(v) {
                *v = new;
            }
        };
        for d in &mut out.items {
            if person.uid.as_deref() == Some(d.employee_id.as_str()) {
                *d = Discrepancy {
                    employee_id: ERASED.into(),
                    field: d.field,
                    wfm: d.wfm.as_ref().map(|_| ERASED.into()),
                    zup: d.zup.as_ref().map(|_| ERASED.into()),
                };
            } else {
                d.wfm.iter_mut().chain(d.zup.iter_mut()).for_each(scrub);
            }
        }
        out.verdict.duplicate_tab_ns.iter_mut().for_each(scrub);
        out.verdict.reason.iter_mut().for_each(scrub);
        scrub(&mut out.trigger);
        let changed = serde_json::to_value(&out).ok() != serde_json::to_value(self).ok();
        changed.then_some(out)
    }
}

/// Why personnel syncs are refused while halted, and what to do.
pub fn halted_message(h: &SyncHalt) -> String {
    format!(
        "automatic synchronization with 1C ZUP is halted since {}: {}. Review the \
         discrepancies (POST /api/v1/integration/consistency/check), correct them, and have \
         an admin approve resumption (POST /api/v1/integration/sync/resume)",
        h.halted_at.to_rfc3339(),
        h.reason
    )
}

impl Jobs {
    /// The halt of automatic synchronization in force, if any.
    pub async fn halt_in_force(&self) -> StoreResult<Option<SyncHalt>> {
        self.store.sync_halt(SYSTEM).await
    }

    /// The last consistency check since start, if any.
    pub fn last_consistency(&self) -> Option<ConsistencyReport> {
        self.last_check.lock().clone()
    }

    /// Forgets an erased person: scrubs them out of the last consistency report.
    pub fn forget(&self, person: &wfm_store::privacy::ErasedPerson) {
        let mut last = self.last_check.lock();
        if let Some(scrubbed) = last.as_ref().and_then(|r| r.scrubbed(person)) {
            *last = Some(scrubbed);
        }
    }

    /// Judges a comparison and acts on it: corruption halts automatic synchronization,
    /// unless `may_accept` and an admin's resumption accepted the next sync.
    async fn guard(
        &self,
        employees: &[Employee],
        discrepancies: &[Discrepancy],
        trigger: String,
        may_accept: bool,
        actor: &Actor,
    ) -> StoreResult<ConsistencyReport> {
        let known: HashSet<String> = self
            .store
            .zup_employees()
            .await?
            .into_iter()
            .map(|s| s.employee.id)
            .collect();
        let compared = employees
            .iter()
            .filter(|e| known.contains(&e.id))
            .map(|e| e.id.as_str())
            .collect::<HashSet<_>>()
            .len();
        let policy = self.zup.settings().health.consistency();
        let verdict = judge(
            compared,
            discrepancies,
            duplicate_tab_ns(employees),
            &policy,
        );
        let mut by_field: BTreeMap<&'static str, u64> = BTreeMap::new();
        for d in discrepancies {
            *by_field.entry(d.field).or_default() += 1;
        }
        let mut accepted = false;
        let mut halt = self.store.sync_halt(SYSTEM).await?;
        if verdict.corrupted && halt.is_none() {
            if may_accept && self.store.take_sync_acceptance(SYSTEM).await? {
                accepted = true;
                tracing::warn!(
                    reason = ?verdict.reason,
                    "consistency beyond the threshold accepted by an admin"
                );
            } else {
                let new = NewSyncHalt {
                    system: SYSTEM.into(),
                    reason: verdict.reason.clone().unwrap_or_default(),
                    // Counts only: the halt is kept for good, and who differs is personal
                    // data (the check on demand lists them).
                    details: json!({
                        "trigger": trigger,
                        "employees_compared": verdict.employees_compared,
                        "employees_differing": verdict.employees_differing,
                        "differing_percent": verdict.differing_percent,
                        "duplicate_tab_ns": verdict.duplicate_tab_ns.len(),
                        "by_field": by_field,
                    }),
                };
                let (h, created) = self.store.halt_sync(&new, actor).await?;
                if created {
                    tracing::error!(
                        reason = %h.reason,
                        "data corruption: automatic synchronization with 1C ZUP halted"
                    );
                }
                halt = Some(h);
            }
        }
        let report = ConsistencyReport {
            checked_at: Utc::now(),
            trigger,
            verdict,
            discrepancies: discrepancies.len(),
            by_field,
            items: discrepancies.iter().take(LISTED).cloned().collect(),
            accepted,
            halt,
        };
        *self.last_check.lock() = Some(report.clone());
        Ok(report)
    }

    /// Checks WFM's personnel against 1C ZUP's now, as a personnel sync would, applying
    /// nothing; corruption halts automatic synchronization.
    pub async fn check_consistency(&self, actor: &Actor) -> Result<ConsistencyReport, Failure> {
        let today = Utc::now().with_timezone(&self.time_zone()).date_naive();
        let to = today.checked_add_days(Days::new(364)).unwrap_or(today);
        let ctx = CallContext {
            correlation_id: actor.correlation_id.clone(),
            initiator: actor.name.clone(),
            job_id: None,
        };
        let answer = self.zup.agents(&ctx, today, to).await?;
        let uids: Vec<String> = answer.agents.iter().map(|a| a.agent_id.clone()).collect();
        let erased: HashSet<String> = self
            .store
            .erased_zup_employees(&uids)
            .await?
            .into_iter()
            .collect();
        let departments: Vec<Department> = answer
            .departments
            .iter()
            .map(personnel::department)
            .collect();
        let employees: Vec<Employee> = answer
            .agents
            .iter()
            .filter(|a| !erased.contains(&a.agent_id))
            .filter_map(|a| personnel::employee(a).ok())
            .collect();
        let discrepancies = personnel::consistency(&*self.store, &departments, &employees).await?;
        Ok(self
            .guard(
                &employees,
                &discrepancies,
                format!("on demand ({})", actor.name),
                false,
                actor,
            )
            .await?)
    }

    /// The refusal of a personnel sync while halted.
    pub(super) async fn refuse_if_halted(&self) -> StoreResult<()> {
        match self.store.sync_halt(SYSTEM).await? {
            Some(h) => Err(StoreError::Conflict(halted_message(&h))),
            None => Ok(()),
        }
    }
}

/// The guard of a personnel sync, between the comparison and applying: corruption ends the
/// job (dead, nothing applied, the report in its result) and halts automatic sync.
pub(super) async fn after_sync(
    run: &Run<'_>,
    employees: &[Employee],
    discrepancies: &[Discrepancy],
) -> Result<(), Failure> {
    let report = run
        .jobs
        .guard(
            employees,
            discrepancies,
            format!("personnel_sync job {}", run.job.id),
            true,
            &run.actor(),
        )
        .await?;
    if report.verdict.corrupted && !report.accepted {
        let reason = report.verdict.reason.clone().unwrap_or_default();
        let partial = json!({"consistency": {
            "discrepancies": report.discrepancies,
            "by_field": report.by_field,
            "verdict": report.verdict,
            "samples": report.items.iter().take(100).collect::<Vec<_>>(),
        }});
        return Err(Failure::fatal(format!(
            "Data corruption: {reason}. Nothing was applied; automatic synchronization with \
             1C ZUP is halted until an admin approves resumption \
             (POST /api/v1/integration/sync/resume)"
        ))
        .with_partial(partial));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::tests::person;

    #[test]
    fn the_consistency_report_keeps_the_counts_and_loses_the_values() {
        let mine = |field, wfm: &str, zup: &str| Discrepancy {
            employee_id: "uid-Qzx-1".into(),
            field,
            wfm: Some(wfm.into()),
            zup: Some(zup.into()),
        };
        let theirs = Discrepancy {
            employee_id: "uid-other".into(),
            field: "position",
            wfm: Some("Operator".into()),
            zup: None,
        };
        let report = ConsistencyReport {
            checked_at: Utc::now(),
            trigger: "on demand (user:ann)".into(),
            verdict: ConsistencyVerdict {
                employees_compared: 2,
                employees_differing: 2,
                differing_percent: 100.0,
                duplicate_tab_ns: vec!["TN-Qz77".into(), "TN-9".into()],
                corrupted: true,
                reason: Some("2 of 2 employees differ".into()),
            },
            discrepancies: 3,
            by_field: BTreeMap::from([("full_name", 1), ("tabN", 1), ("position", 1)]),
            items: vec![
                mine("full_name", "Qzxjvkpw Ywmtrlqb", "Qzxjvkpw Y."),
                mine("tabN", "TN-Qz77", "TN-Qz78"),
                theirs.clone(),
            ],
            accepted: false,
            halt: None,
        };
        let out = report.scrubbed(&person()).unwrap();
        let erased = |field| Discrepancy {
            employee_id: ERASED.into(),
            field,
            wfm: Some(ERASED.into()),
            zup: Some(ERASED.into()),
        };
        assert_eq!(out.items, vec![erased("full_name"), erased("tabN"), theirs]);
        assert_eq!(out.verdict.duplicate_tab_ns, ["[erased]", "TN-9"]);
        assert_eq!(
            (out.discrepancies, &out.by_field, &out.verdict.reason),
            (3, &report.by_field, &report.verdict.reason)
        );
        assert!(out.scrubbed(&person()).is_none(), "nothing left");
    }
}

//! Erasure at run time (GDPR): the store erases the person in one transaction, then every
//! copy this process holds in memory goes too, so that no view names them until a restart:
//! the rejection samples, the last consistency report, the engine and its snapshot. Both
//! ways in (the privacy API and 1C's deletion notice in a personnel sync) erase through
//! `erase`. The scrubbing of each copy is a plain function here.

use std::sync::Arc;

use wfm_core::zup::consistency::Discrepancy;
use wfm_store::privacy::{ErasedPerson, Erasure, ErasureSource, ErasureSubject, PrivacyDeletion};
use wfm_store::{Store, StoreResult};

use crate::ingest::RejectionSample;
use crate::jobs::Jobs;
use crate::jobs::guard::ConsistencyReport;
use crate::live::Live;

/// What an erased value reads, as in the store.
const ERASED: &str = "[erased]";

/// Erases a person's personal data in the store, then from this process's memory. Returns
/// the erasure's record.
pub async fn erase(
    store: &Arc<dyn Store>,
    live: &Live,
    jobs: &Jobs,
    subject: &ErasureSubject,
    source: ErasureSource,
    actor: &wfm_store::model::Actor,
) -> StoreResult<PrivacyDeletion> {
    let Erasure { deletion, person } = store.erase_person(subject, source, actor).await?;
    live.forget(&person).await;
    jobs.forget(&person);
    Ok(deletion)
}

/// A rejection sample with the person scrubbed out: the login in its event id becomes the
/// pseudonym (as in the event log), any identifier in its message `[erased]`. None when it
/// does not name them.
pub fn sample(s: &RejectionSample, person: &ErasedPerson) -> Option<RejectionSample> {
    let event_id = s
        .event_id
        .as_deref()
        .and_then(|id| person.scrub_event_id(id));
    let field = s.field.as_deref().and_then(|f| person.scrub_text(f));
    let message = person.scrub_text(&s.message);
    if event_id.is_none() && field.is_none() && message.is_none() {
        return None;
    }
    Some(RejectionSample {
        event_id: event_id.or_else(|| s.event_id.clone()),
        field: field.or_else(|| s.field.clone()),
        message: message.unwrap_or_else(|| s.message.clone()),
        ..s.clone()
    })
}

/// A consistency report with the person scrubbed out: their discrepancies keep their field
/// and lose every value (so the counts stay true), their personnel number in the duplicates
/// reads `[erased]`. None when it does not name them.
pub fn consistency(r: &ConsistencyReport, person: &ErasedPerson) -> Option<ConsistencyReport> {
    let mut out = r.clone();
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
    let changed = serde_json::to_value(&out).ok() != serde_json::to_value(r).ok();
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use std::collections::BTreeMap;
    use wfm_core::quality::ConsistencyVerdict;

    fn person() -> ErasedPerson {
        ErasedPerson {
            agent_id: Some(7),
            uid: Some("uid-Qzx-1".into()),
            logins: vec!["qz.login".into(), "7".into()],
            identifiers: vec![
                "uid-Qzx-1".into(),
                "qz.login".into(),
                "7".into(),
                "TN-Qz77".into(),
                "Qzxjvkpw Ywmtrlqb".into(),
            ],
            pseudonym: Some("erased-00ff".into()),
        }
    }

    fn rejected(event_id: Option<&str>, message: &str) -> RejectionSample {
        RejectionSample {
            at: Utc::now(),
            event_id: event_id.map(String::from),
            index: 3,
            field: Some("workerId".into()),
            message: message.into(),
        }
    }

    #[test]
    fn samples_lose_the_login_in_event_ids_and_messages() {
        let s = rejected(
            Some("argus:CC:qz.login:Bogus:1700000000:1"),
            r#"state code "Bogus" is not in the state map"#,
        );
        let out = sample(&s, &person()).unwrap();
        assert_eq!(
            out.event_id.as_deref(),
            Some("argus:CC:erased-00ff:Bogus:1700000000:1")
        );
        assert_eq!((&out.message, out.index, out.at), (&s.message, 3, s.at));

        let s = rejected(Some("argus:CC:7:Ready:1:1"), r#"no agent with login "7""#);
        let out = sample(&s, &person()).unwrap();
        assert_eq!(
            out.event_id.as_deref(),
            Some("argus:CC:erased-00ff:Ready:1:1")
        );
        assert_eq!(out.message, r#"no agent with login "[erased]""#);

        let s = rejected(Some("e-qz.login-1"), "invalid type: qz.login");
        let out = sample(&s, &person()).unwrap();
        assert_eq!(
            (out.event_id.as_deref(), out.message.as_str()),
            (Some("e-[erased]-1"), "invalid type: [erased]")
        );

        let other = rejected(
            Some("argus:CC:someone:Ready:1:1"),
            "no agent with login \"someone\"",
        );
        assert_eq!(sample(&other, &person()), None);
    }

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
        let out = consistency(&report, &person()).unwrap();
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
        assert!(consistency(&out, &person()).is_none(), "nothing left");
    }
}

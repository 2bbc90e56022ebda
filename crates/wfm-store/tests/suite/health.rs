//! Conformance of the integration-health records: accepted events per kind and receipt
//! bucket, integration log outcomes over a day and its last hour, sync jobs by how they
//! ended, and the halts of automatic synchronization (one in force per system, audited, with
//! a one-time acceptance).

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;
use wfm_core::event::{AgentState, EventKind};
use wfm_store::health::{EventActivity, NewSyncHalt};
use wfm_store::integration::{FinishedJobs, JobKind, JobOutcome, JobState, NewJob, NewLogEntry};
use wfm_store::live::NewEvent;
use wfm_store::{Store, StoreError};

use super::{actor, audit_of};

pub async fn run(store: &Arc<dyn Store>) {
    event_activity(store).await;
    outcomes(store).await;
    finished_jobs(store).await;
    halts(store).await;
}

fn event(id: &str, source: &'static str, at: DateTime<Utc>, kind: EventKind) -> NewEvent {
    NewEvent {
        event_id: id.into(),
        source,
        at,
        kind,
    }
}

/// Sums a class's buckets: events, newest event time, longest delay.
fn class_total(rows: &[EventActivity], class: &str) -> (u64, Option<DateTime<Utc>>, Option<i64>) {
    let mine: Vec<&EventActivity> = rows.iter().filter(|r| r.class == class).collect();
    (
        mine.iter().map(|r| r.events).sum(),
        mine.iter().map(|r| r.newest_at).max(),
        mine.iter().map(|r| r.max_delay_ms).max(),
    )
}

async fn event_activity(store: &Arc<dyn Store>) {
    // Events stored by other parts were received before `since`.
    let since = fresh_instant().await;
    let now = Utc::now();
    let state = |agent_id| EventKind::AgentStateChanged {
        agent_id,
        state: AgentState::Ready,
        group_id: None,
    };
    let batch = vec![
        event(
            "health-s1",
            "argus_status",
            now - Duration::seconds(90),
            state(1),
        ),
        event("health-s2", "native", now - Duration::seconds(5), state(2)),
        event(
            "health-c1",
            "native",
            now - Duration::seconds(30),
            EventKind::CallOffered {
                call_id: "health-call".into(),
                group_id: 1,
                customer_id: None,
            },
        ),
    ];
    store.append_events(&batch).await.unwrap();
    let after = Utc::now();
    let rows = store.event_activity(since, 60_000).await.unwrap();
    for r in &rows {
        assert_eq!(r.bucket_start.timestamp_millis() % 60_000, 0, "{r:?}");
        let received = r.newest_received_at.timestamp_millis();
        assert!(
            received >= since.timestamp_millis() && received <= after.timestamp_millis(),
            "{r:?}"
        );
    }
    let (n, newest, delay) = class_total(&rows, "status");
    assert_eq!(n, 2);
    assert_eq!(
        newest.map(|t| t.timestamp_millis()),
        Some((now - Duration::seconds(5)).timestamp_millis())
    );
    let delay = delay.unwrap();
    assert!((90_000..95_000).contains(&delay), "{delay}");
    let (n, _, delay) = class_total(&rows, "call");
    assert_eq!(n, 1);
    assert!((30_000..35_000).contains(&delay.unwrap()));
    assert!(
        rows.iter()
            .all(|r| r.class == "status" || r.class == "call")
    );
    // Per-second buckets split nothing here but are aligned to the second.
    let fine = store.event_activity(since, 1_000).await.unwrap();
    assert_eq!(class_total(&fine, "status").0, 2);
    assert!(
        fine.iter()
            .all(|r| r.bucket_start.timestamp_millis() % 1_000 == 0)
    );
    // Nothing received after the batch.
    assert_eq!(
        store
            .event_activity(after + Duration::milliseconds(1), 60_000)
            .await
            .unwrap(),
        []
    );
}

/// system, operation, outcome, day, hour, newest.
type Outcome<'a> = (&'a str, &'a str, &'a str, u64, u64, DateTime<Utc>);

async fn outcomes(store: &Arc<dyn Store>) {
    let noon = Utc.with_ymd_and_hms(2030, 5, 5, 12, 0, 0).unwrap();
    let row = |minutes_before: i64, operation: &str, outcome: &str| NewLogEntry {
        at: noon - Duration::minutes(minutes_before),
        correlation_id: "c-health".into(),
        system: "zup".into(),
        operation: operation.into(),
        direction: "inbound".into(),
        outcome: outcome.into(),
        initiator: "schedule".into(),
        ..NewLogEntry::default()
    };
    store
        .append_integration_log(&[
            row(5, "agents", "success"),
            row(59, "agents", "success"),
            row(61, "agents", "success"),
            row(600, "agents", "failure"),
            row(1500, "agents", "failure"),
            row(30, "job.personnel_sync", "succeeded"),
        ])
        .await
        .unwrap();
    let got = store
        .integration_outcomes(noon - Duration::hours(24), noon - Duration::hours(1))
        .await
        .unwrap();
    let summary: Vec<Outcome> = got
        .iter()
        .map(|o| {
            (
                o.system.as_str(),
                o.operation.as_str(),
                o.outcome.as_str(),
                o.day,
                o.hour,
                o.newest_at,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "zup",
                "agents",
                "failure",
                1,
                0,
                noon - Duration::minutes(600)
            ),
            (
                "zup",
                "agents",
                "success",
                3,
                2,
                noon - Duration::minutes(5)
            ),
            (
                "zup",
                "job.personnel_sync",
                "succeeded",
                1,
                1,
                noon - Duration::minutes(30)
            ),
        ]
    );
}

/// The next millisecond, once the clock has reached it: whatever was stored before is earlier.
async fn fresh_instant() -> DateTime<Utc> {
    let at = Utc::now() + Duration::milliseconds(1);
    while Utc::now() < at {
        tokio::task::yield_now().await;
    }
    at
}

/// Enqueues a job of `kind` (its own queue), claims it and ends the attempt with `outcome`.
async fn ended(store: &Arc<dyn Store>, kind: JobKind, outcome: JobOutcome) -> i64 {
    let job = NewJob {
        kind,
        scope: json!({}),
        queue_key: format!("q-finished-{}", uuid::Uuid::new_v4()),
        idempotency_key: None,
        max_attempts: 3,
        initiator: "user:conformance".into(),
        correlation_id: "c-finished".into(),
    };
    let (job, _) = store.enqueue_job(&job, &actor("c-finished")).await.unwrap();
    again(store, job.id, Utc::now(), outcome).await;
    job.id
}

/// Claims job `id` at `now` (the only one runnable) and ends the attempt with `outcome`.
async fn again(store: &Arc<dyn Store>, id: i64, now: DateTime<Utc>, outcome: JobOutcome) {
    let claimed = store
        .claim_job("w-finished", now, now + Duration::hours(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, id);
    store.finish_job(id, "w-finished", &outcome).await.unwrap();
}

/// A job counts once, as it ended last: a dead job requeued then succeeded is a success,
/// one requeued and not yet run again is nothing, nor is a job retrying.
async fn finished_jobs(store: &Arc<dyn Store>) {
    let dead = || JobOutcome::Dead {
        error: "refused".into(),
        result: None,
    };
    let ok = || JobOutcome::Succeeded { result: json!({}) };
    let since = fresh_instant().await;
    ended(store, JobKind::ScheduleUpload, dead()).await;
    let revived = ended(store, JobKind::ScheduleUpload, dead()).await;
    ended(store, JobKind::PersonnelSync, ok()).await;
    let hour = fresh_instant().await;
    ended(store, JobKind::PersonnelSync, dead()).await;
    store
        .requeue_job(revived, &actor("c-finished"))
        .await
        .unwrap();
    again(store, revived, Utc::now(), ok()).await;
    let later = Utc::now() + Duration::hours(1);
    let retrying = ended(
        store,
        JobKind::ScheduleUpload,
        JobOutcome::Retry {
            error: "timed out".into(),
            run_after: later,
            result: None,
        },
    )
    .await;
    let requeued = ended(store, JobKind::PersonnelSync, dead()).await;
    store
        .requeue_job(requeued, &actor("c-finished"))
        .await
        .unwrap();

    let got = store.finished_jobs(since, hour).await.unwrap();
    let row = |kind, state, day, hour| FinishedJobs {
        kind,
        state,
        day,
        hour,
    };
    assert_eq!(
        got,
        [
            row(JobKind::PersonnelSync, JobState::Dead, 1, 1),
            row(JobKind::PersonnelSync, JobState::Succeeded, 1, 0),
            row(JobKind::ScheduleUpload, JobState::Dead, 1, 0),
            row(JobKind::ScheduleUpload, JobState::Succeeded, 1, 1),
        ]
    );
    assert_eq!(
        store
            .finished_jobs(fresh_instant().await, later)
            .await
            .unwrap(),
        []
    );
    // Leave nothing runnable for the parts after.
    again(store, requeued, Utc::now(), ok()).await;
    again(store, retrying, later, ok()).await;
}

async fn halts(store: &Arc<dyn Store>) {
    assert_eq!(store.sync_halt("zup").await.unwrap(), None);
    assert!(!store.take_sync_acceptance("zup").await.unwrap());
    let check = actor("c-halt");
    let new = NewSyncHalt {
        system: "zup".into(),
        reason: "12 of 100 employees (12.0 %) differ".into(),
        details: json!({"employees_differing": 12}),
    };
    let (halt, created) = store.halt_sync(&new, &check).await.unwrap();
    assert!(created);
    assert_eq!(
        (
            halt.system.as_str(),
            halt.reason.as_str(),
            &halt.details,
            halt.halted_by.as_str()
        ),
        ("zup", new.reason.as_str(), &new.details, "user:conformance")
    );
    assert_eq!((halt.resumed_at, halt.accept_next), (None, false));
    assert_eq!(store.sync_halt("zup").await.unwrap(), Some(halt.clone()));
    // A second halt while one is in force writes nothing.
    let again = NewSyncHalt {
        reason: "another".into(),
        ..new.clone()
    };
    assert_eq!(
        store.halt_sync(&again, &check).await.unwrap(),
        (halt.clone(), false)
    );
    // Other systems are not halted.
    assert_eq!(store.sync_halt("contact_center").await.unwrap(), None);

    let admin = actor("c-resume");
    let resumed = store
        .resume_sync("zup", "verified: the department was renamed", false, &admin)
        .await
        .unwrap();
    assert_eq!(resumed.id, halt.id);
    assert!(resumed.resumed_at.is_some());
    assert_eq!(resumed.resumed_by.as_deref(), Some("user:conformance"));
    assert_eq!(
        resumed.resume_note.as_deref(),
        Some("verified: the department was renamed")
    );
    assert_eq!(store.sync_halt("zup").await.unwrap(), None);
    assert!(matches!(
        store.resume_sync("zup", "again", false, &admin).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(!store.take_sync_acceptance("zup").await.unwrap());
    let halted: Vec<(String, String)> = audit_of(store, "c-halt")
        .await
        .into_iter()
        .map(|e| (e.action, e.entity))
        .collect();
    assert_eq!(halted, [("halt".to_string(), "sync_halt".to_string())]);
    let audit = audit_of(store, "c-resume").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(
        (audit[0].action.as_str(), audit[0].entity_id.clone()),
        ("resume", halt.id.to_string())
    );
    assert_eq!(
        audit[0].after.as_ref().unwrap()["resume_note"],
        "verified: the department was renamed"
    );
    assert_eq!(audit[0].before.as_ref().unwrap()["resumed_at"], json!(null));

    // Halted again, resumed with the next sync accepted: taken once.
    let (second, created) = store.halt_sync(&new, &check).await.unwrap();
    assert!(created && second.id > halt.id);
    let resumed = store
        .resume_sync("zup", "1C is right: take it", true, &admin)
        .await
        .unwrap();
    assert!(resumed.accept_next && resumed.accept_used_at.is_none());
    assert!(store.take_sync_acceptance("zup").await.unwrap());
    assert!(!store.take_sync_acceptance("zup").await.unwrap());
    let history = store.sync_halts("zup", 10).await.unwrap();
    assert_eq!(
        history.iter().map(|h| h.id).collect::<Vec<_>>(),
        [second.id, halt.id]
    );
    assert!(history[0].accept_used_at.is_some());
    assert_eq!(store.sync_halts("zup", 1).await.unwrap().len(), 1);
}

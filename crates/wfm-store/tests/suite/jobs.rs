//! Conformance of the durable sync-job queue: idempotent enqueue, leases, FIFO per queue
//! key, retries, waits that give their attempt back, requeue, listing, and several workers
//! claiming concurrently.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use wfm_store::integration::*;
use wfm_store::{Store, StoreError};

use super::{actor, audit_of};

pub async fn run(store: &Arc<dyn Store>) {
    jobs(store).await;
    leases(store).await;
    waits(store).await;
    job_lists(store).await;
    concurrent_claims(store).await;
}

fn new_job(key: &str, idempotency: Option<&str>, max_attempts: u32, correlation: &str) -> NewJob {
    NewJob {
        kind: JobKind::PersonnelSync,
        scope: json!({"key": key}),
        queue_key: key.into(),
        idempotency_key: idempotency.map(str::to_string),
        max_attempts,
        initiator: "user:conformance".into(),
        correlation_id: correlation.into(),
    }
}

async fn enqueue(store: &Arc<dyn Store>, job: NewJob) -> Job {
    let (job, created) = store
        .enqueue_job(&job, &actor(&job.correlation_id))
        .await
        .unwrap();
    assert!(created);
    job
}

fn conflict<T: std::fmt::Debug>(r: Result<T, StoreError>) {
    assert!(matches!(r, Err(StoreError::Conflict(_))), "{r:?}");
}

async fn jobs(store: &Arc<dyn Store>) {
    let before = Utc::now() - Duration::seconds(1);
    let j1 = enqueue(store, new_job("q-a", Some("idem-1"), 2, "c-job-1")).await;
    assert_eq!(j1.state, JobState::Queued);
    assert_eq!((j1.attempts, j1.max_attempts), (0, 2));
    assert_eq!(j1.scope, json!({"key": "q-a"}));
    assert_eq!(j1.idempotency_key.as_deref(), Some("idem-1"));
    assert!(j1.run_after >= before && j1.run_after <= Utc::now());
    assert_eq!((j1.lease_owner.clone(), j1.started_at), (None, None));
    assert_eq!(store.get_job(j1.id).await.unwrap(), j1);
    let logged = audit_of(store, "c-job-1").await;
    assert_eq!(logged.len(), 1);
    assert_eq!(
        (logged[0].action.as_str(), logged[0].entity.as_str()),
        ("create", "sync_job")
    );
    assert_eq!(logged[0].entity_id, j1.id.to_string());

    // The same idempotency key again: the first job, nothing new.
    let mut repeat = new_job("q-other", Some("idem-1"), 5, "c-job-2");
    repeat.scope = json!({"different": true});
    let (again, created) = store.enqueue_job(&repeat, &actor("c-job-2")).await.unwrap();
    assert!(!created);
    assert_eq!(again, j1);
    assert!(audit_of(store, "c-job-2").await.is_empty());

    // Racing enqueues of one key make one job.
    // Spawned all at once (collected): a lazy map would run them one after another.
    let racers = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let job = new_job("q-race", Some("idem-race"), 3, "c-job-race");
                store.enqueue_job(&job, &actor("c-job-race")).await.unwrap()
            })
        })
        .collect::<Vec<_>>();
    let mut outcomes = Vec::new();
    for r in racers {
        outcomes.push(r.await.unwrap());
    }
    assert_eq!(outcomes.iter().filter(|(_, created)| *created).count(), 1);
    let race_id = outcomes[0].0.id;
    assert!(outcomes.iter().all(|(j, _)| j.id == race_id));

    let now = Utc::now();
    let long = now + Duration::hours(1);
    let claimed = store.claim_job("w1", now, long).await.unwrap().unwrap();
    assert_eq!(claimed.id, j1.id, "oldest first");
    assert_eq!(claimed.state, JobState::Running);
    assert_eq!(claimed.attempts, 1);
    assert_eq!(claimed.lease_owner.as_deref(), Some("w1"));
    assert_eq!(claimed.lease_until, Some(ms(long)));
    assert_eq!(claimed.started_at, Some(ms(now)));
    let race = store.claim_job("w2", now, long).await.unwrap().unwrap();
    assert_eq!(race.id, race_id);
    let done = store
        .finish_job(
            race_id,
            "w2",
            &JobOutcome::Succeeded {
                result: json!({"n": 1}),
            },
        )
        .await
        .unwrap();
    assert_eq!(done.state, JobState::Succeeded);

    // FIFO: job 2 of key q-a waits for job 1; a job of another key does not.
    let j2 = enqueue(store, new_job("q-a", None, 3, "c-job-3")).await;
    let j3 = enqueue(store, new_job("q-b", None, 3, "c-job-3")).await;
    let now = Utc::now();
    let other = store.claim_job("w2", now, long).await.unwrap().unwrap();
    assert_eq!(other.id, j3.id, "job 2 is blocked while job 1 runs");
    assert_eq!(store.claim_job("w3", now, long).await.unwrap(), None);

    conflict(store.job_progress(j1.id, "w2", 1, 10, long).await);
    store.job_progress(j1.id, "w1", 4, 10, long).await.unwrap();
    let progressed = store.get_job(j1.id).await.unwrap();
    assert_eq!(
        (progressed.progress_done, progressed.progress_total),
        (4, 10)
    );
    assert!(matches!(
        store.job_progress(9_999_999, "w1", 1, 1, long).await,
        Err(StoreError::NotFound { .. })
    ));

    conflict(
        store
            .finish_job(j1.id, "w2", &JobOutcome::Succeeded { result: json!({}) })
            .await,
    );
    let retry_at = now + Duration::minutes(10);
    let retrying = store
        .finish_job(
            j1.id,
            "w1",
            &JobOutcome::Retry {
                error: "1C timed out".into(),
                run_after: retry_at,
                result: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(retrying.state, JobState::Retrying);
    assert_eq!(retrying.run_after, ms(retry_at));
    assert_eq!(retrying.last_error.as_deref(), Some("1C timed out"));
    assert_eq!((retrying.lease_owner, retrying.lease_until), (None, None));
    assert_eq!(retrying.finished_at, None);
    conflict(
        store
            .finish_job(j1.id, "w1", &JobOutcome::Succeeded { result: json!({}) })
            .await,
    );
    store
        .finish_job(j3.id, "w2", &JobOutcome::Succeeded { result: json!({}) })
        .await
        .unwrap();
    assert_eq!(
        store.claim_job("w3", now, long).await.unwrap(),
        None,
        "job 1 is not due yet and job 2 waits for it"
    );

    let later = retry_at + Duration::minutes(1);
    let again = store
        .claim_job("w3", later, later + Duration::hours(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.id, again.attempts), (j1.id, 2));
    assert_eq!(again.started_at, claimed.started_at, "first start kept");
    let dead = store
        .finish_job(
            j1.id,
            "w3",
            &JobOutcome::Retry {
                error: "still down".into(),
                run_after: later,
                result: Some(json!({"partial": 3})),
            },
        )
        .await
        .unwrap();
    assert_eq!(dead.state, JobState::Dead, "out of attempts");
    assert!(dead.finished_at.is_some());
    assert_eq!(dead.result, Some(json!({"partial": 3})));

    let second = store.claim_job("w1", now, long).await.unwrap().unwrap();
    assert_eq!(second.id, j2.id, "job 1 is final now");
    conflict(store.requeue_job(j2.id, &actor("c-job-4")).await);
    let requeued = store.requeue_job(j1.id, &actor("c-job-5")).await.unwrap();
    assert_eq!((requeued.state, requeued.attempts), (JobState::Queued, 0));
    assert_eq!(requeued.last_error.as_deref(), Some("still down"));
    assert_eq!(requeued.finished_at, None);
    let logged = audit_of(store, "c-job-5").await;
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].action, "requeue");
    assert_eq!(logged[0].before.as_ref().unwrap()["state"], "dead");
    assert_eq!(logged[0].after.as_ref().unwrap()["state"], "queued");
    assert!(audit_of(store, "c-job-4").await.is_empty());
    assert!(matches!(
        store.requeue_job(9_999_999, &actor("c-job-6")).await,
        Err(StoreError::NotFound { .. })
    ));

    // The requeued job 1 must not run beside job 2 of its key.
    let now = Utc::now();
    assert_eq!(store.claim_job("w2", now, long).await.unwrap(), None);
    store
        .finish_job(j2.id, "w1", &JobOutcome::Succeeded { result: json!({}) })
        .await
        .unwrap();
    let third = store.claim_job("w2", now, long).await.unwrap().unwrap();
    assert_eq!((third.id, third.attempts), (j1.id, 1));
    let dead = store
        .finish_job(
            j1.id,
            "w2",
            &JobOutcome::Dead {
                error: "bad scope".into(),
                result: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(dead.state, JobState::Dead);
    assert_eq!(dead.result, Some(json!({"partial": 3})), "result kept");
    assert!(matches!(
        store.get_job(9_999_999).await,
        Err(StoreError::NotFound { .. })
    ));
}

fn ms(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap()
}

/// A worker whose lease ran out loses the job to the next claimer.
async fn leases(store: &Arc<dyn Store>) {
    let job = enqueue(store, new_job("q-lease", None, 5, "c-lease")).await;
    let now = Utc::now();
    let first = store
        .claim_job("w1", now, now + Duration::seconds(30))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.id, job.id);
    assert_eq!(
        store
            .claim_job("w2", now + Duration::seconds(29), now + Duration::hours(1))
            .await
            .unwrap(),
        None,
        "the lease still holds"
    );
    let later = now + Duration::seconds(31);
    let taken = store
        .claim_job("w2", later, later + Duration::hours(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((taken.id, taken.attempts), (job.id, 2));
    assert_eq!(taken.lease_owner.as_deref(), Some("w2"));
    assert_eq!(taken.started_at, first.started_at);
    conflict(
        store
            .job_progress(job.id, "w1", 1, 2, later + Duration::hours(2))
            .await,
    );
    conflict(
        store
            .finish_job(job.id, "w1", &JobOutcome::Succeeded { result: json!({}) })
            .await,
    );
    let done = store
        .finish_job(
            job.id,
            "w2",
            &JobOutcome::Succeeded {
                result: json!({"created": 4}),
            },
        )
        .await
        .unwrap();
    assert_eq!(done.state, JobState::Succeeded);
    assert_eq!(done.result, Some(json!({"created": 4})));
    assert_eq!((done.lease_owner, done.lease_until), (None, None));
    assert!(done.finished_at.is_some());
}

/// Waiting for the partner gives the attempt back: a job of one attempt waits again and
/// again and is still there to run; a retry spends it.
async fn waits(store: &Arc<dyn Store>) {
    let job = enqueue(store, new_job("q-wait", None, 1, "c-wait")).await;
    let mut now = Utc::now();
    for round in 0..3 {
        let claimed = store
            .claim_job("w1", now, now + Duration::hours(1))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((claimed.id, claimed.attempts), (job.id, 1), "round {round}");
        let run_after = now + Duration::seconds(5);
        let waiting = store
            .finish_job(
                job.id,
                "w1",
                &JobOutcome::Wait {
                    error: "1C is unavailable".into(),
                    run_after,
                    result: Some(json!({"sent": round})),
                },
            )
            .await
            .unwrap();
        assert_eq!((waiting.state, waiting.attempts), (JobState::Retrying, 0));
        assert_eq!(waiting.run_after, ms(run_after));
        assert_eq!(waiting.last_error.as_deref(), Some("1C is unavailable"));
        assert_eq!(waiting.result, Some(json!({"sent": round})));
        assert_eq!((waiting.lease_owner, waiting.finished_at), (None, None));
        assert_eq!(
            store
                .claim_job("w1", now, now + Duration::hours(1))
                .await
                .unwrap(),
            None,
            "not due before run_after"
        );
        now = run_after;
    }
    conflict(
        store
            .finish_job(
                job.id,
                "w1",
                &JobOutcome::Wait {
                    error: "not held".into(),
                    run_after: now,
                    result: None,
                },
            )
            .await,
    );
    let claimed = store
        .claim_job("w2", now, now + Duration::hours(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((claimed.id, claimed.attempts), (job.id, 1));
    let dead = store
        .finish_job(
            job.id,
            "w2",
            &JobOutcome::Retry {
                error: "timed out".into(),
                run_after: now,
                result: None,
            },
        )
        .await
        .unwrap();
    assert_eq!((dead.state, dead.attempts), (JobState::Dead, 1));
    assert_eq!(
        dead.result,
        Some(json!({"sent": 2})),
        "the last result kept"
    );
}

async fn job_lists(store: &Arc<dyn Store>) {
    let mut kinds = Vec::new();
    for (i, kind) in JobKind::ALL.into_iter().enumerate() {
        let mut job = new_job(&format!("q-list-{i}"), None, 1, "c-job-list");
        job.kind = kind;
        kinds.push(enqueue(store, job).await);
    }
    let all = |f: JobFilter| {
        let store = store.clone();
        async move { store.list_jobs(&f).await.unwrap() }
    };
    let listed = all(JobFilter {
        correlation_id: Some("c-job-list".into()),
        limit: 100,
        ..Default::default()
    })
    .await;
    let ids: Vec<i64> = listed.iter().map(|j| j.id).collect();
    let mut expected: Vec<i64> = kinds.iter().map(|j| j.id).collect();
    expected.reverse();
    assert_eq!(ids, expected, "newest first");
    let page = all(JobFilter {
        correlation_id: Some("c-job-list".into()),
        before_id: Some(ids[1]),
        limit: 2,
        ..Default::default()
    })
    .await;
    assert_eq!(page.iter().map(|j| j.id).collect::<Vec<_>>(), ids[2..4]);
    let upload = all(JobFilter {
        kind: Some(JobKind::ScheduleUpload),
        limit: 100,
        ..Default::default()
    })
    .await;
    assert_eq!(upload.len(), 1);
    assert_eq!(upload[0].kind, JobKind::ScheduleUpload);
    let one = all(JobFilter {
        limit: 0,
        ..Default::default()
    })
    .await;
    assert_eq!(one.len(), 1, "the limit is at least 1");

    // The counts agree with the lists.
    let counts = store.job_counts().await.unwrap();
    for state in JobState::ALL {
        let n = all(JobFilter {
            state: Some(state),
            limit: 1000,
            ..Default::default()
        })
        .await
        .len() as u64;
        let counted = counts.iter().find(|(s, _)| *s == state).map(|c| c.1);
        assert_eq!(counted, (n > 0).then_some(n), "{state:?}");
    }
    assert_eq!(
        counts.iter().find(|c| c.0 == JobState::Queued).unwrap().1,
        5
    );
    // Leave nothing runnable for the tests after.
    while let Some(job) = store
        .claim_job("w-list", Utc::now(), Utc::now() + Duration::hours(1))
        .await
        .unwrap()
    {
        store
            .finish_job(
                job.id,
                "w-list",
                &JobOutcome::Succeeded { result: json!({}) },
            )
            .await
            .unwrap();
    }
}

/// Workers racing over many jobs: each job is claimed once, and jobs sharing a queue key
/// run one at a time in order.
async fn concurrent_claims(store: &Arc<dyn Store>) {
    let mut mine = HashSet::new();
    let mut shared = Vec::new();
    for i in 0..60 {
        let key = if i % 6 == 0 {
            "q-par-shared".to_string()
        } else {
            format!("q-par-{i}")
        };
        let job = enqueue(store, new_job(&key, None, 3, "c-job-par")).await;
        if i % 6 == 0 {
            shared.push(job.id);
        }
        mine.insert(job.id);
    }
    let claims = Arc::new(Mutex::new(Vec::<i64>::new()));
    let shared_order = Arc::new(Mutex::new(Vec::<i64>::new()));
    let running_shared = Arc::new(Mutex::new(0usize));
    let total = mine.len();
    // Spawned all at once (collected): a lazy map would run them one after another.
    let workers = (0..6)
        .map(|w| {
            let store = store.clone();
            let (claims, shared_order, running_shared) =
                (claims.clone(), shared_order.clone(), running_shared.clone());
            tokio::spawn(async move {
                let worker = format!("par-{w}");
                for _ in 0..5000 {
                    if claims.lock().unwrap().len() >= total {
                        break;
                    }
                    let now = Utc::now();
                    let Some(job) = store
                        .claim_job(&worker, now, now + Duration::hours(1))
                        .await
                        .unwrap()
                    else {
                        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                        continue;
                    };
                    assert_eq!(job.attempts, 1, "claimed once");
                    claims.lock().unwrap().push(job.id);
                    let is_shared = job.queue_key == "q-par-shared";
                    if is_shared {
                        let mut running = running_shared.lock().unwrap();
                        *running += 1;
                        assert_eq!(*running, 1, "one job of a queue key at a time");
                        shared_order.lock().unwrap().push(job.id);
                    }
                    tokio::task::yield_now().await;
                    if is_shared {
                        *running_shared.lock().unwrap() -= 1;
                    }
                    store
                        .finish_job(
                            job.id,
                            &worker,
                            &JobOutcome::Succeeded { result: json!({}) },
                        )
                        .await
                        .unwrap();
                }
            })
        })
        .collect::<Vec<_>>();
    for w in workers {
        w.await.unwrap();
    }
    let claims = claims.lock().unwrap().clone();
    let distinct: HashSet<i64> = claims.iter().copied().collect();
    assert_eq!(distinct.len(), claims.len(), "no job claimed twice");
    assert_eq!(distinct, mine);
    assert_eq!(*shared_order.lock().unwrap(), shared, "FIFO within a key");
}

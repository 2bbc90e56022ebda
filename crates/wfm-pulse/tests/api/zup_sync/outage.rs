//! What a sync job's attempt is: an outage of 1C ZUP far longer than a job's attempts spends
//! none of them and every job ends done in order; a request that keeps failing while 1C
//! answers spends them and ends dead instead of holding its queue for ever.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::StatusCode;

use super::*;

/// Sets how many attempts a sync job triggered from now on may spend.
async fn job_attempts(s: &TestServer, n: u32) {
    set_system(s, "zup", |z| z["retry"]["job_max_attempts"] = json!(n)).await;
}

/// Active synced agents, at most `n`, each with shifts planned.
async fn planned(s: &TestServer, n: usize) -> Vec<i64> {
    let active: Vec<i64> = employees(s)
        .await
        .into_iter()
        .filter(|e| e["active"] == true)
        .map(|e| e["agent_id"].as_i64().unwrap())
        .take(n)
        .collect();
    for a in &active {
        plan_shifts(s, *a).await;
    }
    active
}

/// The 1C employee ids of `agents`, in their order.
async fn employee_ids(s: &TestServer, agents: &[i64]) -> Vec<String> {
    let stored = employees(s).await;
    agents
        .iter()
        .map(|a| {
            stored.iter().find(|e| e["agent_id"] == *a).unwrap()["employee"]["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn an_outage_outlasting_a_jobs_attempts_spends_none_and_every_job_ends_done_in_order() {
    const ATTEMPTS: u32 = 3;
    const PROBES: usize = 10;
    let zup = sim(20, 4).await;
    let s = TestServer::start().await;
    site(&s).await;
    connect(&s, &zup).await;
    job_attempts(&s, ATTEMPTS).await;
    synced(&s).await;
    let active = planned(&s, 3).await;
    let expected = employee_ids(&s, &active).await;
    zup.sim.set_behaviour(Behaviour {
        down: true,
        ..Behaviour::default()
    });
    let mut jobs = Vec::new();
    for a in &active {
        let (id, _) = trigger(
            &s,
            json!({"kind": "schedule_upload", "scope": {"agent_ids": [a]}}),
        )
        .await;
        jobs.push(id);
    }
    // The circuit (open 1 s) lets the first upload probe 1C over and over: far more tries
    // than a job may spend. Stop watching early if the job died meanwhile.
    let failed_tries = || {
        zup.sim
            .requests()
            .into_iter()
            .filter(|r| r.method == "sendSchedule" && r.status == 503)
            .filter(|r| r.agent_id.as_deref() == Some(expected[0].as_str()))
            .count()
    };
    let first = common::eventually("many probes of 1C with the first upload", 60, async || {
        let (_, job) = s
            .call(
                Method::GET,
                &format!("/api/v1/integration/sync/jobs/{}", jobs[0]),
                Role::Manager,
                None,
            )
            .await;
        (job["state"] == "dead" || failed_tries() >= PROBES).then_some(job)
    })
    .await;
    assert_ne!(first["state"], "dead", "{first}");
    assert!(failed_tries() >= PROBES, "{first}");
    // None spent: 0 while it waits, 1 while a probe is under way.
    assert!(
        first["attempts"].as_u64().unwrap() <= 1,
        "probes spent attempts: {first}"
    );

    zup.sim.set_behaviour(Behaviour::default());
    for id in &jobs {
        let job = settled(&s, *id, 60).await;
        assert_eq!(job["state"], "succeeded", "{job}");
        // One attempt that went out; a second only if 1C came back between a failed call
        // and the look that tells an outage.
        let attempts = job["attempts"].as_u64().unwrap();
        assert!((1..=2).contains(&attempts), "{job}");
    }
    let taken: Vec<String> = zup
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "sendSchedule" && r.status == 200)
        .filter_map(|r| r.agent_id)
        .collect();
    assert_eq!(taken, expected, "in the order triggered");
}

/// A 1C ZUP stand-in whose HTTP service answers (a GET of its bare address: 404) but fails
/// every call of a method with a 500 that is none of 1C's documented messages: (address,
/// calls received).
async fn failing_service() -> (String, Arc<AtomicUsize>) {
    const BASE: &str = "/zup/hs/wfm";
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let app = axum::Router::new().fallback(move |method: Method, uri: axum::http::Uri| {
        let calls = counted.clone();
        async move {
            if method == Method::GET && uri.path() == BASE {
                return (StatusCode::NOT_FOUND, "Not found");
            }
            calls.fetch_add(1, Ordering::SeqCst);
            (StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
        }
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}{BASE}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, calls)
}

#[tokio::test]
async fn a_call_failing_while_1c_answers_spends_attempts_and_the_job_ends_dead() {
    let zup = sim(20, 4).await;
    let s = TestServer::start().await;
    site(&s).await;
    connect(&s, &zup).await;
    job_attempts(&s, 2).await;
    synced(&s).await;
    let agent = planned(&s, 1).await[0];
    let (url, calls) = failing_service().await;
    set_system(&s, "zup", |z| {
        z.insert("base_url".into(), json!(url));
    })
    .await;
    let (id, _) = trigger(
        &s,
        json!({"kind": "schedule_upload", "scope": {"agent_ids": [agent]}}),
    )
    .await;
    // Its circuit opens too, yet 1C answers: the failures are the call's own, not an outage.
    let dead = settled(&s, id, 60).await;
    assert_eq!(
        (dead["state"].as_str(), dead["attempts"].as_u64()),
        (Some("dead"), Some(2)),
        "{dead}"
    );
    assert!(
        dead["last_error"]
            .as_str()
            .unwrap()
            .contains("HTTP 500: Internal server error"),
        "{dead}"
    );
    assert!(calls.load(Ordering::SeqCst) >= 2, "{dead}");
}

//! A sync counts as what it ended as: a personnel sync that waited out an outage of 1C ZUP,
//! died on credentials 1C refused, and succeeded once an admin mended them and requeued it
//! leaves the component's success rate at 100 % and the component healthy.

use wfm_pulse::sim::zup::Behaviour;

use super::one_c::{PASSWORD, connect, settled, site, started, trigger};
use super::*;

async fn job(s: &TestServer, id: &Value) -> Value {
    let (st, job) = s
        .call(
            Method::GET,
            &format!("/api/v1/integration/sync/jobs/{id}"),
            Role::Manager,
            None,
        )
        .await;
    assert_eq!(st, 200, "{job}");
    job
}

async fn password(s: &TestServer, password: &str) {
    set_system(s, "zup", |z| {
        z.insert("password".into(), json!(password));
    })
    .await;
}

#[tokio::test]
async fn a_sync_that_failed_then_succeeded_on_requeue_counts_as_one_success() {
    let (sim, addr, _stop) = started(12).await;
    let s = TestServer::start().await;
    site(&s).await;
    connect(&s, addr).await;

    // 1C down: the sync waits for it, retrying.
    sim.set_behaviour(Behaviour {
        down: true,
        ..Behaviour::default()
    });
    let (st, t) = trigger(&s, json!({"kind": "personnel_sync"})).await;
    assert_eq!(st, 202, "{t}");
    let id = t["job"]["id"].clone();
    common::eventually("the sync retrying", 30, async || {
        (job(&s, &id).await["state"] == "retrying").then_some(())
    })
    .await;

    // 1C comes back, but no longer takes WFM's password: the sync dies on it.
    password(&s, "not-the-password").await;
    sim.set_behaviour(Behaviour::default());
    let dead = settled(&s, &id, 60).await;
    assert_eq!(dead["state"], "dead", "{dead}");
    assert!(
        dead["last_error"]
            .as_str()
            .unwrap()
            .contains("refused the credentials"),
        "{dead}"
    );

    // The admin mends the password and requeues it: it succeeds.
    password(&s, PASSWORD).await;
    let (st, requeued) = s
        .call(
            Method::POST,
            &format!("/api/v1/integration/sync/jobs/{id}/requeue"),
            Role::Admin,
            None,
        )
        .await;
    assert_eq!(st, 200, "{requeued}");
    let done = settled(&s, &id, 60).await;
    assert_eq!(done["state"], "succeeded", "{done}");

    // One sync in the hour, and it succeeded: healthy, not degraded by its past failure.
    watch(&s, "zup_personnel", "healthy", Instant::now(), 30).await;
    let c = component(&health(&s).await, "zup_personnel");
    assert_eq!(
        (
            c["status"].as_str(),
            c["success_percent_hour"].as_f64(),
            causes(&c)
        ),
        (Some("healthy"), Some(100.0), Vec::<String>::new()),
        "{c}"
    );
    s.stop().await;
}

//! 1C ZUP failing: the outage drill (circuit, order, nothing lost), a job surviving a restart,
//! and requeueing a dead job.

use super::*;

#[tokio::test]
async fn outage_drill_nothing_lost_circuit_opens_and_closes_uploads_go_out_in_order() {
    let zup = sim(20, 4).await;
    let s = TestServer::start().await;
    site(&s).await;
    connect(&s, &zup).await;
    synced(&s).await;
    let active: Vec<i64> = employees(&s)
        .await
        .into_iter()
        .filter(|e| e["active"] == true)
        .map(|e| e["agent_id"].as_i64().unwrap())
        .take(3)
        .collect();
    for a in &active {
        plan_shifts(&s, *a).await;
    }
    zup.sim.set_behaviour(Behaviour {
        down: true,
        ..Behaviour::default()
    });
    let mut jobs = Vec::new();
    for a in &active {
        jobs.push(
            trigger(
                &s,
                json!({"kind": "schedule_upload", "scope": {"agent_ids": [a]}}),
            )
            .await
            .0,
        );
    }
    // The circuit opens while 1C is down, and the uploads wait.
    common::eventually("the circuit opening", 30, async || {
        let (_, log) = s
            .call(
                Method::GET,
                "/api/v1/integration/logs/activity?operation=circuit&outcome=opened",
                Role::Manager,
                None,
            )
            .await;
        (!log["items"].as_array().unwrap().is_empty()).then_some(())
    })
    .await;
    let (_, first) = s
        .call(
            Method::GET,
            &format!("/api/v1/integration/sync/jobs/{}", jobs[0]),
            Role::Manager,
            None,
        )
        .await;
    assert_ne!(first["state"], "succeeded");
    let zup_entry = common::registry::system(&s, "zup", Role::Manager).await;
    let (_, staff) = s
        .call(
            Method::GET,
            "/api/v1/integration/zup/employees",
            Role::Manager,
            None,
        )
        .await;
    assert!(
        staff["freshness"]["warning"]
            .as_str()
            .unwrap()
            .contains("unavailable"),
        "{staff}"
    );
    let state = &zup_entry["circuit_state"];
    assert!(state == "open" || state == "half_open", "{state}");

    zup.sim.set_behaviour(Behaviour::default());
    for id in &jobs {
        let job = settled(&s, *id, 90).await;
        assert_eq!(job["state"], "succeeded", "{job}");
    }
    // In order: the simulator took the schedules as they were triggered.
    let taken: Vec<String> = zup
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "sendSchedule" && r.status == 200)
        .filter_map(|r| r.agent_id)
        .collect();
    let stored = employees(&s).await;
    let expected: Vec<String> = active
        .iter()
        .map(|a| {
            stored.iter().find(|e| e["agent_id"] == *a).unwrap()["employee"]["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(taken, expected);
    let (_, closed) = s
        .call(
            Method::GET,
            "/api/v1/integration/logs/activity?operation=circuit&outcome=closed",
            Role::Manager,
            None,
        )
        .await;
    assert!(
        !closed["items"].as_array().unwrap().is_empty(),
        "the circuit never closed"
    );
}

#[tokio::test]
async fn a_job_waiting_for_1c_survives_a_restart() {
    let zup = sim(20, 4).await;
    let dir = std::env::temp_dir().join(format!("wfm-pulse-restart-{}", uuid::Uuid::new_v4()));
    let data_dir = dir.to_str().unwrap().to_string();
    let s = TestServer::start_with(&[("WFM_DATA_DIR", &data_dir)]).await;
    site(&s).await;
    connect(&s, &zup).await;
    zup.sim.set_behaviour(Behaviour {
        down: true,
        ..Behaviour::default()
    });
    let (id, _) = trigger(&s, json!({"kind": "personnel_sync"})).await;
    let job = common::eventually("the job waiting for 1C", 30, async || {
        let (_, job) = s
            .call(
                Method::GET,
                &format!("/api/v1/integration/sync/jobs/{id}"),
                Role::Manager,
                None,
            )
            .await;
        (job["state"] == "retrying").then_some(job)
    })
    .await;
    assert!(
        job["last_error"].as_str().unwrap().contains("unavailable"),
        "{job}"
    );
    s.stop().await;
    zup.sim.set_behaviour(Behaviour::default());
    let s = TestServer::start_with(&[("WFM_DATA_DIR", &data_dir)]).await;
    let job = settled(&s, id, 90).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    // Waiting for 1C, before the restart as after, spent no attempt.
    assert_eq!(job["attempts"], 1, "{job}");
    s.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn an_admin_requeues_a_dead_job_and_nothing_else() {
    let zup = sim(20, 4).await;
    let s = TestServer::start().await;
    site(&s).await;
    connect(&s, &zup).await;
    let ok = synced(&s).await;
    let agent = employees(&s)
        .await
        .into_iter()
        .find(|e| e["active"] == true)
        .unwrap()["agent_id"]
        .clone();
    let (id, _) = trigger(
        &s,
        json!({"kind": "schedule_upload", "scope": {"agent_ids": [agent]}}),
    )
    .await;
    let dead = settled(&s, id, 60).await;
    assert_eq!(dead["state"], "dead", "no shifts planned: {dead}");
    let path = format!("/api/v1/integration/sync/jobs/{id}/requeue");
    let (st, _) = s.call(Method::POST, &path, Role::Manager, None).await;
    assert_eq!(st, 403);
    let (st, job) = s.call(Method::POST, &path, Role::Admin, None).await;
    assert_eq!((st, job["attempts"].as_u64()), (200, Some(0)), "{job}");
    let again = settled(&s, id, 60).await;
    assert_eq!(
        (again["state"].as_str(), again["attempts"].as_u64()),
        (Some("dead"), Some(1)),
        "{again}"
    );
    let (st, _) = s
        .call(
            Method::POST,
            &format!("/api/v1/integration/sync/jobs/{}/requeue", ok["id"]),
            Role::Admin,
            None,
        )
        .await;
    assert_eq!(st, 409, "a succeeded job is not requeued");
}

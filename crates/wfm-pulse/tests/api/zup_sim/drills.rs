//! Drill behaviour (down, error rate, delay) and the request log with correlation ids.

use super::*;

#[tokio::test]
async fn behaviour_down_and_error_rate_affect_only_the_contract() {
    let sim = Sim::small().await;
    let (status, _) = sim
        .control(
            reqwest::Method::PUT,
            "/sim/behaviour",
            Some(json!({"down": true})),
        )
        .await;
    assert_eq!(status, 200);
    let response = sim
        .client
        .get(format!("{}/agents/2019-01-01/2019-12-31", sim.base))
        .basic_auth("WFMSystem", Some("wfm-sim"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 503);
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(kind.starts_with("text/html"), "{kind}");
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Service Unavailable")
    );
    assert_eq!(
        sim.control(reqwest::Method::GET, "/sim/employees", None)
            .await
            .0,
        200
    );
    let (status, _) = sim
        .control(
            reqwest::Method::PUT,
            "/sim/behaviour",
            Some(json!({"error_rate": 1.0})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        sim.post("getNormHours", json!({})).await,
        (500, Value::String("Internal server error".into()))
    );
    let (status, _) = sim
        .control(
            reqwest::Method::PUT,
            "/sim/behaviour",
            Some(json!({"error_rate": 2})),
        )
        .await;
    assert_eq!(status, 400);
    let (status, behaviour) = sim
        .control(reqwest::Method::PUT, "/sim/behaviour", Some(json!({})))
        .await;
    assert_eq!(
        (status, behaviour),
        (
            200,
            json!({"down": false, "delay_ms": 0, "error_rate": 0.0})
        )
    );
    assert_eq!(sim.agents("2019-01-01", "2019-12-31").await.0, 200);
    sim.stop().await;
}

#[tokio::test]
async fn requests_are_logged_in_order_with_correlation_ids_and_answers() {
    let sim = Sim::small().await;
    let send = |method: &str, correlation: Option<&str>, auth: bool| {
        let mut request = sim
            .client
            .post(format!("{}/{method}", sim.base))
            .json(&json!({}));
        if let Some(c) = correlation {
            request = request.header("X-Correlation-ID", c);
        }
        if auth {
            request = request.basic_auth("WFMSystem", Some("wfm-sim"));
        }
        request.send()
    };
    send("getNormHours", Some("c-1"), true).await.unwrap();
    send("getTimetypeInfo", Some("c-2"), false).await.unwrap();
    send("noSuchMethod", None, true).await.unwrap();
    let (_, log) = sim
        .control(reqwest::Method::GET, "/sim/requests", None)
        .await;
    let log: Vec<(String, Option<String>, u64)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap().to_string(),
                r["correlation_id"].as_str().map(str::to_string),
                r["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        log,
        [
            ("getNormHours".into(), Some("c-1".into()), 400),
            ("getTimetypeInfo".into(), Some("c-2".into()), 401),
            ("noSuchMethod".into(), None, 404),
        ]
    );
    // A delayed request is logged on arrival and answered later.
    sim.sim.set_behaviour(wfm_pulse::sim::zup::Behaviour {
        delay_ms: 300,
        ..Default::default()
    });
    let slow = tokio::spawn(send("getNormHours", Some("c-slow"), true));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let seen = sim
            .sim
            .requests()
            .into_iter()
            .find(|r| r.correlation_id.as_deref() == Some("c-slow"));
        if let Some(r) = seen {
            assert!(r.status == 0 || r.status == 400, "{r:?}");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the delayed request was never logged"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(slow.await.unwrap().unwrap().status().as_u16(), 400);
    let last = sim.sim.requests().pop().unwrap();
    assert_eq!(
        (last.correlation_id.as_deref(), last.status),
        (Some("c-slow"), 400)
    );
    // The employee a request is about is logged with it.
    sim.sim
        .set_behaviour(wfm_pulse::sim::zup::Behaviour::default());
    let id = sim.hire(d(2020, 1, 1));
    sim.post(
        "getNormHours",
        json!({"startDate": "2018-01-01", "endDate": "2018-12-31", "calculationMode": "year",
               "AR_agents": [{"agentId": id, "AR_norms": [{"normWeek": 40}]}]}),
    )
    .await;
    sim.post(
        "sendSchedule",
        json!({"agentId": id, "period1": "2018-01-01", "period2": "2018-01-31"}),
    )
    .await;
    let named: Vec<Option<String>> = sim
        .sim
        .requests()
        .iter()
        .rev()
        .take(2)
        .map(|r| r.agent_id.clone())
        .collect();
    assert_eq!(named, [Some(id.clone()), Some(id)]);
    assert!(
        sim.sim
            .requests()
            .windows(2)
            .all(|w| w[0].seq < w[1].seq && w[0].received_at <= w[1].received_at)
    );
    sim.stop().await;
}

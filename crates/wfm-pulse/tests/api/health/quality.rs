//! Every kind of bad input, injected through both feeds: the counters and samples of the
//! data-quality view match exactly what was injected, and the feeds' success rates count it.

use chrono::{Duration as Span, SecondsFormat, Utc};

use super::*;

fn stamp(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// (source, reason, count, [(event id, index, field)]) of a rejection list.
type Summary = Vec<(String, String, u64, Vec<(Value, u64, Value)>)>;

fn summary(rejections: &Value) -> Summary {
    rejections
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["source"].as_str().unwrap().to_string(),
                r["reason"].as_str().unwrap().to_string(),
                r["count"].as_u64().unwrap(),
                r["samples"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| {
                        (
                            x["event_id"].clone(),
                            x["index"].as_u64().unwrap(),
                            x["field"].clone(),
                        )
                    })
                    .collect(),
            )
        })
        .collect()
}

#[tokio::test]
async fn each_kind_of_bad_input_is_counted_and_sampled_exactly() {
    let s = TestServer::start().await;
    common::center::set_up(&s).await;
    let now = Utc::now();
    let at = |seconds: i64| stamp(now + Span::seconds(seconds));
    // A call offered, so that later events of it can be checked against it.
    let first = common::center::push(
        &s,
        json!([{"type": "call_offered", "id": "ok-1", "at": at(-10), "call_id": "c-ok", "group": "L1"}]),
    )
    .await;
    assert_eq!(first["accepted"], 1, "{first}");
    let report = common::center::push(
        &s,
        json!([
            {"type": "call_offered", "id": "inc-1", "at": at(-5), "call_id": "c-x"},
            {"type": "agent_state", "id": "inc-2", "at": at(-5), "state": "ready"},
            {"type": "call_offered", "id": "unr-1", "at": at(7200), "call_id": "c-f", "group": "L1"},
            {"type": "call_ended", "id": "unr-2", "at": at(-4), "call_id": "c-ok", "talk_seconds": -5, "hold_seconds": 0},
            {"type": "call_answered", "id": "ooo-1", "at": at(-20), "call_id": "c-ok", "agent": "op-1"},
            {"type": "call_offered", "id": "ooo-2", "at": at(-600), "call_id": "c-late", "group": "L1"},
            {"type": "agent_state", "id": "unk-1", "at": at(-5), "agent": "nobody", "state": "ready"},
            {"type": "call_offered", "id": "unk-2", "at": at(-5), "call_id": "c-g", "group": "NOPE"},
            {"type": "wrap_up_ended", "id": "unk-3", "at": at(-5), "call_id": "c-never"},
        ]),
    )
    .await;
    assert_eq!(
        (report["accepted"].as_u64(), report["rejected"].as_u64()),
        (Some(0), Some(9)),
        "{report}"
    );
    let t = (now - Span::seconds(3)).timestamp();
    let change = |worker: &str, code: Option<&str>, action: u8| {
        let mut c = json!({"workerId": worker, "stateName": "x", "systemId": "PBX", "actionTime": t, "action": action});
        if let Some(code) = code {
            c["stateCode"] = json!(code);
        }
        c
    };
    let (st, pushed) = s
        .call(
            Method::POST,
            "/ccwfm/api/rest/status",
            Role::Integration,
            Some(json!([
                change("op-2", Some("Ready"), 1),
                change("op-1", None, 1),
                change("op-1", Some("Dancing"), 1),
                change("ghost", Some("Ready"), 1),
                change("op-1", Some("Ready"), 5),
                change("op-1", Some("Ready"), 0),
            ])),
        )
        .await;
    assert_eq!(st, 200, "{pushed}");
    assert_eq!(
        (
            pushed["accepted"].as_u64(),
            pushed["ignored"].as_u64(),
            pushed["rejected"].as_u64()
        ),
        (Some(1), Some(1), Some(4)),
        "{pushed}"
    );

    let argus = |worker: &str, code: &str, action: u8| {
        json!(format!("argus:PBX:{worker}:{code}:{t}:{action}"))
    };
    let expected: Summary = vec![
        (
            "argus_status".into(),
            "incomplete".into(),
            1,
            vec![(Value::Null, 1, json!("stateCode"))],
        ),
        (
            "argus_status".into(),
            "unreasonable".into(),
            1,
            vec![(argus("op-1", "Ready", 5), 4, json!("action"))],
        ),
        (
            "argus_status".into(),
            "unknown_reference".into(),
            2,
            vec![
                (argus("op-1", "Dancing", 1), 2, json!("stateCode")),
                (argus("ghost", "Ready", 1), 3, json!("workerId")),
            ],
        ),
        (
            "native".into(),
            "incomplete".into(),
            2,
            vec![
                (json!("inc-1"), 0, json!("group")),
                (json!("inc-2"), 1, json!("agent")),
            ],
        ),
        (
            "native".into(),
            "unreasonable".into(),
            2,
            vec![
                (json!("unr-1"), 2, json!("at")),
                (json!("unr-2"), 3, json!("talk_seconds")),
            ],
        ),
        (
            "native".into(),
            "out_of_order".into(),
            2,
            vec![
                (json!("ooo-1"), 4, json!("at")),
                (json!("ooo-2"), 5, json!("at")),
            ],
        ),
        (
            "native".into(),
            "unknown_reference".into(),
            3,
            vec![
                (json!("unk-1"), 6, json!("agent")),
                (json!("unk-2"), 7, json!("group")),
                (json!("unk-3"), 8, json!("call_id")),
            ],
        ),
    ];
    let (st, quality) = s
        .call(
            Method::GET,
            "/api/v1/integration/quality",
            Role::Manager,
            None,
        )
        .await;
    assert_eq!(st, 200, "{quality}");
    assert_eq!(summary(&quality["rejections"]), expected);
    // Each sample says why, in the words the sender got.
    let ooo = &quality["rejections"][5]["samples"][0];
    assert!(
        ooo["message"]
            .as_str()
            .unwrap()
            .contains("before it was offered"),
        "{ooo}"
    );
    assert!(ooo["at"].is_string());
    let (_, counts) = s
        .call(Method::GET, "/api/v1/ingest/rejections", Role::Viewer, None)
        .await;
    assert_eq!(summary(&counts), expected);
    assert_eq!(quality["derived"], json!([]));

    // The feeds' success rates count exactly these: calls 1 accepted, 7 rejected.
    let report = health(&s).await;
    let calls = component(&report, "call_events");
    assert_eq!(calls["success_percent_hour"], 12.5, "{calls}");
    assert!(
        causes(&calls).contains(&"rejected_input".to_string()),
        "{calls}"
    );
    let message = calls["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["cause"] == "rejected_input")
        .unwrap()["message"]
        .clone();
    assert_eq!(
        message,
        "7 of 8 items rejected in the last hour: 12.5 % accepted, under 95 %"
    );
    // Status: the accepted push against 2 native and 4 pushed rejections.
    let status = component(&report, "contact_center_status");
    let percent = status["success_percent_hour"].as_f64().unwrap();
    assert!((percent - 100.0 / 7.0).abs() < 1e-9, "{status}");
    // The activity log shows each feed (one entry per period with traffic, within 10 s):
    // what it took and what it refused; the endpoint map its last success.
    let logged = common::eventually("the feeds in the activity log", 30, async || {
        let (_, log) = s
            .call(
                Method::GET,
                "/api/v1/integration/logs/activity?system=contact_center",
                Role::Manager,
                None,
            )
            .await;
        let items = log["items"].as_array()?.clone();
        let ops: Vec<&str> = items
            .iter()
            .filter_map(|e| e["operation"].as_str())
            .collect();
        (ops.contains(&"status") && ops.contains(&"events")).then_some(items)
    })
    .await;
    let taken = |op: &str| -> u64 {
        let of_op = logged.iter().filter(|e| e["operation"] == op);
        of_op.map(|e| e["records"].as_u64().unwrap()).sum()
    };
    assert_eq!((taken("status"), taken("events")), (1, 1), "{logged:?}");
    assert!(
        logged.iter().all(|e| e["outcome"] == "success"
            && e["direction"] == "inbound"
            && e["error"]
                .as_str()
                .is_some_and(|m| m.contains("items rejected"))),
        "{logged:?}"
    );
    let cc = common::registry::system(&s, "contact_center", Role::Manager).await;
    for state in cc["endpoint_states"].as_array().unwrap() {
        // Only the two pushes had traffic; no queue_log is followed here.
        let fed = state["name"] == "status" || state["name"] == "events";
        assert_eq!(state["last_success"].is_string(), fed, "{state}");
    }
    // Viewers do not see integration health.
    let (st, _) = s
        .call(
            Method::GET,
            "/api/v1/integration/health/status",
            Role::Viewer,
            None,
        )
        .await;
    assert_eq!(st, 403);
    s.stop().await;
}

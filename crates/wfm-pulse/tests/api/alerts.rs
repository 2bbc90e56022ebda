//! Alerts through the API against a real server: rule configuration and its validation and
//! audit, a breach notified by a signed webhook and by e-mail to a local SMTP sink, the
//! delivery log, notification preferences, the accuracy report.

use crate::common;

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::HeaderMap;
use chrono::{Duration as Span, DurationRound, Utc};
use common::TestServer;
use common::smtp_sink::SmtpSink;
use reqwest::Method;
use serde_json::{Value, json};
use wfm_store::model::Role;

const SECRET: &str = "webhook-signing-secret";

/// What a receiver got: (signature header, body) of each delivery.
type Received = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A webhook receiver on port 0 keeping every delivery it gets.
async fn receiver() -> (String, Received) {
    let got: Received = Arc::default();
    let keep = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let keep = keep.clone();
            async move {
                let sig = headers
                    .get("x-wfm-signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                keep.lock().unwrap().push((sig, body.to_vec()));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, got)
}

/// A site with one group "L1" and one operator planned on line now.
async fn center(s: &TestServer) -> i64 {
    let (_, site) = s
        .call(
            Method::POST,
            "/api/v1/sites",
            Role::Manager,
            Some(json!({"name": "Moscow"})),
        )
        .await;
    let (_, service) = s
        .call(
            Method::POST,
            "/api/v1/services",
            Role::Manager,
            Some(json!({"site_id": site["id"], "name": "Retail"})),
        )
        .await;
    let (_, group) = s
        .call(
            Method::POST,
            "/api/v1/groups",
            Role::Manager,
            Some(json!({"service_id": service["id"], "name": "Line 1", "external_id": "L1"})),
        )
        .await;
    let gid = group["id"].as_i64().unwrap();
    let (_, agent) = s
        .call(
            Method::POST,
            "/api/v1/agents",
            Role::Manager,
            Some(json!({"external_id": "op-1", "full_name": "Operator", "site_id": site["id"], "primary_group_id": gid})),
        )
        .await;
    let start = Utc::now().duration_trunc(Span::minutes(15)).unwrap() - Span::hours(1);
    let (st, body) = s
        .call(
            Method::PUT,
            "/api/v1/plan/timetable",
            Role::Manager,
            Some(json!({"segments": [{"agent_id": agent["id"], "start": start, "end": start + Span::hours(6), "activity": "line", "group_id": gid}]})),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    gid
}

fn queue_rule(recipients: Value, channels: Value) -> Value {
    json!({"rule": {
        "name": "Queue over 2",
        "severity": "warning",
        "trigger": {"type": "threshold", "metric": "queue_length", "comparison": "above", "value": 2},
        "clear_seconds": 1,
        "escalation": [{"level": 1, "after_minutes": 0, "recipients": recipients, "channels": channels}],
        "suggested_actions": ["Call operators back from break"]
    }})
}

async fn waiting_calls(s: &TestServer, n: usize) {
    let at = Utc::now();
    let events: Vec<Value> = (0..n)
        .map(|i| json!({"type": "call_offered", "id": format!("c{i}"), "at": at, "call_id": format!("c{i}"), "group": "L1"}))
        .collect();
    let (st, r) = s
        .call(
            Method::POST,
            "/api/v1/events",
            Role::Integration,
            Some(Value::Array(events)),
        )
        .await;
    assert_eq!((st, r["accepted"].as_u64()), (200, Some(n as u64)), "{r}");
}

#[tokio::test]
async fn a_breach_is_notified_by_a_signed_webhook_and_logged() {
    let s = TestServer::start_with(&[("WFM_NOTIFY_SECRET", SECRET)]).await;
    let gid = center(&s).await;
    let (url, got) = receiver().await;
    let (st, rule) = s
        .call(
            Method::POST,
            "/api/v1/performance/alerts/configure",
            Role::Manager,
            Some(queue_rule(
                json!([format!("webhook:{url}")]),
                json!(["webhook"]),
            )),
        )
        .await;
    assert_eq!(st, 201, "{rule}");
    waiting_calls(&s, 3).await;
    let alert = common::eventually("the alert", 15, async || {
        let (_, page) = s
            .call(
                Method::GET,
                &format!("/api/v1/alerts?open=true&rule_id={}", rule["id"]),
                Role::Viewer,
                None,
            )
            .await;
        page["items"].as_array().unwrap().first().cloned()
    })
    .await;
    assert_eq!(
        (alert["group_id"].as_i64(), alert["value"].as_f64()),
        (Some(gid), Some(3.0))
    );
    let (sig, body) = common::eventually("the webhook", 15, async || {
        got.lock().unwrap().first().cloned()
    })
    .await;
    assert_eq!(sig, wfm_pulse::notify::signature(SECRET.as_bytes(), &body));
    let payload: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(payload["alert"]["id"], alert["id"], "{payload}");
    assert_eq!(payload["event"], "alert.fired");
    let delivered = common::eventually("the delivery record", 15, async || {
        let (_, d) = s
            .call(
                Method::GET,
                &format!("/api/v1/notifications/deliveries?alert_id={}", alert["id"]),
                Role::Manager,
                None,
            )
            .await;
        d.as_array()
            .unwrap()
            .iter()
            .find(|d| d["status"] == "delivered")
            .cloned()
    })
    .await;
    assert_eq!(
        (
            delivered["channel"].as_str(),
            delivered["attempts"].as_u64()
        ),
        (Some("webhook"), Some(1))
    );
    let (_, detail) = s
        .call(
            Method::GET,
            &format!("/api/v1/alerts/{}", alert["id"]),
            Role::Viewer,
            None,
        )
        .await;
    let events: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events[..2], ["fired", "notified"], "{detail}");
}

#[tokio::test]
async fn a_team_member_gets_the_alert_by_email() {
    let sink = SmtpSink::start().await;
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let s = TestServer::start_with(&[
        ("WFM_SMTP_URL", &smtp),
        ("WFM_SMTP_FROM", "alerts@wfm.example"),
    ])
    .await;
    center(&s).await;
    let prefs = json!({"channels": ["in_app", "email"], "min_severity": "warning", "email": "ann@example.ru", "teams": ["supervisors"]});
    let (st, body) = s
        .call(
            Method::PUT,
            "/api/v1/notifications/preferences/ann",
            Role::Admin,
            Some(prefs),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    let (st, _) = s
        .call(
            Method::POST,
            "/api/v1/performance/alerts/configure",
            Role::Manager,
            Some(queue_rule(
                json!(["team:supervisors"]),
                json!(["in_app", "email"]),
            )),
        )
        .await;
    assert_eq!(st, 201);
    waiting_calls(&s, 3).await;
    // Ann is a supervisor: the installed understaffing rule writes to her too.
    let mail = common::eventually("the e-mail", 15, async || {
        sink.messages()
            .into_iter()
            .find(|m| m.data.contains("Queue over 2"))
    })
    .await;
    assert_eq!(mail.to, ["ann@example.ru"]);
    assert!(mail.from.contains("alerts@wfm.example"), "{}", mail.from);
    assert!(mail.data.contains("Queue over 2"), "{}", mail.data);
}

#[tokio::test]
async fn rules_are_checked_audited_and_listed() {
    let s = TestServer::start().await;
    let (_, rules) = s
        .call(
            Method::GET,
            "/api/v1/performance/alerts/configure",
            Role::Viewer,
            None,
        )
        .await;
    let names: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Critical understaffing",
            "Service level breach",
            "System overload",
            "Extended outage",
            "Integration outage",
            "Data corruption",
            "Peak load ahead"
        ]
    );
    let mut bad = queue_rule(json!(["email:not-an-address"]), json!(["email"]));
    bad["rule"]["trigger"]["value"] = json!(-1);
    let (st, e) = s
        .call(
            Method::POST,
            "/api/v1/performance/alerts/configure",
            Role::Manager,
            Some(bad),
        )
        .await;
    assert_eq!(st, 400, "{e}");
    let fields: Vec<&str> = e["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"rule.trigger.value")
            && fields
                .iter()
                .any(|f| f.starts_with("rule.escalation[0].recipients")),
        "{e}"
    );
    let mut unknown = queue_rule(json!(["email:a@b.ru"]), json!(["email"]));
    unknown["rule"]["trigger"]["metric"] = json!("happiness");
    let (st, e) = s
        .call(
            Method::POST,
            "/api/v1/performance/alerts/configure",
            Role::Manager,
            Some(unknown),
        )
        .await;
    assert_eq!(st, 400, "{e}");
    let (st, _) = s
        .call(
            Method::POST,
            "/api/v1/performance/alerts/configure",
            Role::Supervisor,
            Some(queue_rule(json!(["email:a@b.ru"]), json!(["email"]))),
        )
        .await;
    assert_eq!(st, 403);
    let (_, after) = s
        .call(
            Method::GET,
            "/api/v1/performance/alerts/configure",
            Role::Viewer,
            None,
        )
        .await;
    assert_eq!(
        after.as_array().unwrap().len(),
        names.len(),
        "refused changes wrote nothing"
    );
    let r = c_rule(&s).await;
    let (st, _) = s
        .call(
            Method::DELETE,
            &format!("/api/v1/performance/alerts/configure/{r}"),
            Role::Manager,
            None,
        )
        .await;
    assert_eq!(st, 204);
    let (_, audit) = s
        .call(
            Method::GET,
            "/api/v1/audit?entity=alert_rule",
            Role::Manager,
            None,
        )
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions[..2], ["delete", "create"], "{audit}");
    let (st, report) = s
        .call(
            Method::GET,
            "/api/v1/alerts/predictive/accuracy",
            Role::Viewer,
            None,
        )
        .await;
    assert_eq!(
        (st, report["unscored"].as_u64()),
        (200, Some(0)),
        "{report}"
    );
}

async fn c_rule(s: &TestServer) -> i64 {
    let (st, r) = s
        .call(
            Method::POST,
            "/api/v1/performance/alerts/configure",
            Role::Manager,
            Some(queue_rule(json!(["email:a@b.ru"]), json!(["email"]))),
        )
        .await;
    assert_eq!(st, 201, "{r}");
    r["id"].as_i64().unwrap()
}

#[tokio::test]
async fn preferences_are_checked_and_kept_per_person() {
    let s = TestServer::start().await;
    let (st, _) = s
        .call(
            Method::GET,
            "/api/v1/notifications/preferences",
            Role::Viewer,
            None,
        )
        .await;
    assert_eq!(st, 404);
    let bad = json!({"channels": ["pigeon"], "min_severity": "huge", "quiet_hours": {"from": "25:00", "to": "07:00"}});
    let (st, e) = s
        .call(
            Method::PUT,
            "/api/v1/notifications/preferences",
            Role::Viewer,
            Some(bad),
        )
        .await;
    assert_eq!(st, 400);
    let fields: Vec<&str> = e["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["channels[0]", "min_severity", "quiet_hours.from"]);
    let good = json!({"channels": ["in_app", "sms"], "min_severity": "critical", "phone": "+79001234567",
                      "quiet_hours": {"from": "22:00", "to": "07:00"}});
    let (st, _) = s
        .call(
            Method::PUT,
            "/api/v1/notifications/preferences",
            Role::Viewer,
            Some(good),
        )
        .await;
    assert_eq!(st, 200);
    let (_, mine) = s
        .call(
            Method::GET,
            "/api/v1/notifications/preferences",
            Role::Viewer,
            None,
        )
        .await;
    assert_eq!(mine["phone"], "+79001234567");
    assert_eq!(mine["time_zone"], "Europe/Moscow");
}

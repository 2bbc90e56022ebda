//! How long ingest waits while the plan changes, printed and never asserted.
//!
//! ```sh
//! cargo run --release --example plan_change -- [CALLS] [GROUPS] [AGENTS]
//! ```
//!
//! It starts its own server in this process (SQLite in a temporary directory), fills the log
//! with a day of CALLS whole calls (four events each; default 500,000, so 2,000,000 events)
//! for GROUPS groups (100) and AGENTS operators (5,000), and loads them into the live
//! engine. Then it posts one event at a time, one every 2 ms, and measures each POST's
//! round trip: first for 3 s with nothing else going on (the baseline), then while a
//! timetable upload makes the engine rebuild off to the side and swap in. It prints the
//! round trips from the upload until 3 s after the swap (the history writer rewrites the
//! day then) against the baseline, and the rebuild's own time: what every ingest POST
//! waited for when the rebuild held the engine.

#[path = "../tests/api/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use chrono::{Duration as Span, DurationRound, Utc};
use common::TestServer;
use common::setup::{created, midday_zone, put_plan, without_alert_rules};
use reqwest::Method;
use serde_json::{Value, json};
use wfm_core::event::EventKind;
use wfm_store::live::NewEvent;
use wfm_store::model::{Actor, AgentInput, Role};

const PACE: Duration = Duration::from_millis(2);
const BASELINE: Duration = Duration::from_secs(3);
/// Posting goes on this long after the swap (the history writer rewrites the day then).
const AFTER_SWAP: Duration = Duration::from_secs(3);

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("CALLS GROUPS AGENTS are numbers"))
        .collect();
    let calls = args.first().copied().unwrap_or(500_000);
    let groups = args.get(1).copied().unwrap_or(100);
    let agents = args.get(2).copied().unwrap_or(5_000);
    let s = TestServer::start_with(&[("WFM_RATE_LIMIT_INGEST", "1000000")]).await;
    without_alert_rules(&s).await;

    let started = Instant::now();
    let (zone, _) = midday_zone(Utc::now());
    let site = created(
        &s,
        "/api/v1/sites",
        json!({"name": "Main", "time_zone": zone}),
    )
    .await;
    let service = created(
        &s,
        "/api/v1/services",
        json!({"site_id": site, "name": "Sales"}),
    )
    .await;
    let mut group_ids = Vec::new();
    for g in 0..groups {
        let body = json!({"service_id": service, "name": format!("Group {g}"), "external_id": format!("G{g}")});
        group_ids.push(created(&s, "/api/v1/groups", body).await);
    }
    let actor = Actor::system("plan-change-bench");
    let mut agent_ids = Vec::new();
    for a in 0..agents {
        let input = AgentInput {
            full_name: format!("Operator {a}"),
            external_id: format!("A{a}"),
            personnel_number: None,
            site_id: site,
            primary_group_id: Some(group_ids[a % groups]),
            active: true,
            skills: Vec::new(),
        };
        agent_ids.push(s.state.store.create_agent(&input, &actor).await.unwrap().id);
    }
    let day = Utc::now() - Span::hours(12);
    let day = day.duration_trunc(Span::hours(1)).unwrap();
    let timetable = |on_break: usize| {
        let segments: Vec<Value> = agent_ids
            .iter()
            .enumerate()
            .map(|(i, a)| {
                if i < on_break {
                    json!({"agent_id": a, "start": day, "end": day + Span::days(1), "activity": "break"})
                } else {
                    json!({"agent_id": a, "start": day, "end": day + Span::days(1),
                           "activity": "line", "group_id": group_ids[i % groups]})
                }
            })
            .collect();
        json!({"segments": segments})
    };
    put_plan(&s, "timetable", timetable(0)).await;
    println!(
        "structure: {groups} groups, {agents} operators in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let spread = Span::hours(11).num_milliseconds() / calls.max(1) as i64;
    let mut batch = Vec::with_capacity(4_000);
    for k in 0..calls {
        let at = day + Span::milliseconds(spread * k as i64);
        let call_id = format!("c{k}");
        let agent_id = agent_ids[k % agents];
        let kinds = [
            (
                0,
                EventKind::CallOffered {
                    call_id: call_id.clone(),
                    group_id: group_ids[k % groups],
                    customer_id: None,
                },
            ),
            (
                5,
                EventKind::CallAnswered {
                    call_id: call_id.clone(),
                    agent_id,
                },
            ),
            (
                30,
                EventKind::CallEnded {
                    call_id: call_id.clone(),
                    talk_seconds: 25.0,
                    hold_seconds: 0.0,
                },
            ),
            (
                35,
                EventKind::WrapUpEnded {
                    call_id: call_id.clone(),
                },
            ),
        ];
        for (step, (after, kind)) in kinds.into_iter().enumerate() {
            batch.push(NewEvent {
                event_id: format!("{call_id}-{step}"),
                source: "native",
                at: at + Span::seconds(after),
                kind,
            });
        }
        if batch.len() >= 4_000 {
            s.state.store.append_events(&batch).await.unwrap();
            batch.clear();
        }
    }
    s.state.store.append_events(&batch).await.unwrap();
    println!(
        "log: {} events stored in {:.1} s",
        calls * 4,
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    s.state.live.rebuild().await.unwrap();
    println!(
        "engine: replayed in {:.2} s",
        started.elapsed().as_secs_f64()
    );

    // Let the history writer write the replayed day before the baseline.
    tokio::time::sleep(AFTER_SWAP).await;
    let mut next = 0usize;
    let baseline = post_while(&s, &mut next, async {
        tokio::time::sleep(BASELINE).await;
    })
    .await;
    let rebuilds = &s.state.live.rebuilds().count;
    let before = rebuilds.load(std::sync::atomic::Ordering::SeqCst);
    let change = Instant::now();
    let mut upload = Duration::ZERO;
    let during = post_while(&s, &mut next, async {
        put_plan(&s, "timetable", timetable(agents / 10)).await;
        upload = change.elapsed();
        while rebuilds.load(std::sync::atomic::Ordering::SeqCst) == before {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        // And the history writer's rewrite of the day that follows a swap.
        tokio::time::sleep(AFTER_SWAP).await;
    })
    .await;
    let r = s.state.live.rebuilds();
    let micros = |a: &std::sync::atomic::AtomicU64| {
        a.load(std::sync::atomic::Ordering::SeqCst) as f64 / 1_000.0
    };
    println!(
        "timetable upload ({agents} segments, a tenth of them changed): answered in {:.0} ms; \
         rebuild off to the side {:.0} ms, of which the swap held the engine {:.1} ms",
        upload.as_secs_f64() * 1e3,
        micros(&r.last_us),
        micros(&r.last_held_us)
    );
    report("ingest POST, nothing else going on", &baseline);
    report("ingest POST from the upload to 3 s after the swap", &during);
    println!(
        "holding the engine through the rebuild, as before, every POST in it would have waited up to {:.0} ms",
        micros(&r.last_us)
    );
    s.stop().await;
}

/// Posts one event every [`PACE`] while `other` runs (both at once); the round trips.
async fn post_while(
    s: &TestServer,
    next: &mut usize,
    other: impl Future<Output = ()>,
) -> Vec<Duration> {
    let done = std::sync::atomic::AtomicBool::new(false);
    let other = async {
        other.await;
        done.store(true, std::sync::atomic::Ordering::SeqCst);
    };
    let posts = async {
        let mut taken = Vec::new();
        let mut tick = tokio::time::interval(PACE);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let start = Instant::now();
        while !done.load(std::sync::atomic::Ordering::SeqCst) {
            tick.tick().await;
            let at = start.elapsed();
            let t = post_one(s, next).await;
            if t > Duration::from_millis(100) {
                eprintln!(
                    "slow post at {:.3} s: {:.0} ms",
                    at.as_secs_f64(),
                    t.as_secs_f64() * 1e3
                );
            }
            taken.push(t);
        }
        taken
    };
    tokio::join!(other, posts).1
}

/// Posts one call offered now; its round trip.
async fn post_one(s: &TestServer, next: &mut usize) -> Duration {
    *next += 1;
    let event = json!([{"type": "call_offered", "id": format!("live-{next}"),
                        "at": Utc::now(), "call_id": format!("live-{next}"), "group": "G0"}]);
    let sent = Instant::now();
    let (st, body) = s
        .call(
            Method::POST,
            "/api/v1/events",
            Role::Integration,
            Some(event),
        )
        .await;
    let taken = sent.elapsed();
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["accepted"], 1, "{body}");
    taken
}

fn report(what: &str, taken: &[Duration]) {
    let mut ms: Vec<f64> = taken.iter().map(|d| d.as_secs_f64() * 1e3).collect();
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    println!(
        "{what}: {} posts, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms.len(),
        at(0.5),
        at(0.99),
        at(1.0)
    );
}

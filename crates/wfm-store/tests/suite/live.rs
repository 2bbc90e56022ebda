//! Conformance of the live pipeline's records: the event log, state codes and the plan.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use wfm_core::event::{AgentState, EventKind};
use wfm_core::plan::{Activity, ForecastInterval, Segment};
use wfm_store::Store;
use wfm_store::live::{FeedPosition, NewEvent, StateCode};

use super::{actor, agent_input, audit_of, group_input, structure};

fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap() + Duration::minutes(minute)
}

fn offered(id: &str, minute: i64, group_id: i64) -> NewEvent {
    NewEvent {
        event_id: id.into(),
        source: "native",
        at: at(minute),
        kind: EventKind::CallOffered {
            call_id: format!("call-{id}"),
            group_id,
            customer_id: None,
        },
    }
}

pub async fn run(store: &Arc<dyn Store>) {
    events(store).await;
    batches(store).await;
    concurrent_redeliveries(store).await;
    state_codes(store).await;
    plan(store).await;
    nullable_doubles(store).await;
    feed_positions(store).await;
    stored_ids(store).await;
}

/// A followed file's position: none before the first save, then the newest saved.
async fn feed_positions(store: &Arc<dyn Store>) {
    assert_eq!(store.feed_position("queue_log").await.unwrap(), None);
    for (offset, line) in [(120, 3), (1 << 40, 7_000_000_000)] {
        let p = FeedPosition {
            file_id: "2049:1312".into(),
            offset,
            line,
        };
        store.save_feed_position("queue_log", &p).await.unwrap();
        assert_eq!(store.feed_position("queue_log").await.unwrap(), Some(p));
    }
    assert_eq!(store.feed_position("other").await.unwrap(), None);
}

/// Which of a list of ids the log holds, over more than one lookup chunk.
async fn stored_ids(store: &Arc<dyn Store>) {
    let (_, service) = structure(store, "Stored ids site").await;
    let group = store
        .create_group(&group_input(service.id, "Stored ids group"), &actor("c-si"))
        .await
        .unwrap();
    let event = |id: &str| NewEvent {
        event_id: id.into(),
        source: "native",
        at: Utc::now(),
        kind: EventKind::CallOffered {
            call_id: id.into(),
            group_id: group.id,
            customer_id: None,
        },
    };
    store
        .append_events(&[event("si-1"), event("si-2")])
        .await
        .unwrap();
    let mut asked: Vec<String> = (0..1200).map(|i| format!("si-x{i}")).collect();
    asked.push("si-2".into());
    asked.insert(0, "si-1".into());
    let found = store.stored_event_ids(&asked).await.unwrap();
    let mut found: Vec<String> = found.into_iter().collect();
    found.sort();
    assert_eq!(found, ["si-1", "si-2"]);
}

/// A nullable double bound as null and then as a value, again and again on the same
/// statement: PostgreSQL once refused the value on a statement prepared for the null
/// ("incorrect binary data format in bind parameter 7").
async fn nullable_doubles(store: &Arc<dyn Store>) {
    let (_, service) = structure(store, "Nullable site").await;
    let group = store
        .create_group(&group_input(service.id, "Nullable group"), &actor("c-nd"))
        .await
        .unwrap();
    for round in 0..30 {
        let operators = (round % 2 == 1).then_some(2.5);
        let row = ForecastInterval {
            group_id: group.id,
            start: at(15 * round),
            end: at(15 * round + 15),
            calls: 10.0,
            aht_seconds: 180.0,
            acd_percent: 95.0,
            operators,
        };
        store
            .replace_forecast(&[row], &actor("c-nd"))
            .await
            .unwrap_or_else(|e| panic!("round {round} ({operators:?}): {e}"));
        let back = store
            .forecast(at(15 * round), at(15 * round + 15))
            .await
            .unwrap();
        let ours: Vec<_> = back.iter().filter(|f| f.group_id == group.id).collect();
        assert_eq!(ours, [&row], "round {round}");
    }
}

async fn events(store: &Arc<dyn Store>) {
    let batch = vec![
        offered("e1", 0, 1),
        offered("e2", 1, 1),
        offered("e3", 2, 2),
    ];
    let seqs = store.append_events(&batch).await.unwrap();
    assert!(seqs.iter().all(Option::is_some));
    assert!(
        seqs[0] < seqs[1] && seqs[1] < seqs[2],
        "commit order: {seqs:?}"
    );

    // A redelivery mixes one new event with two already stored.
    let again = vec![
        offered("e2", 1, 1),
        offered("e4", 3, 1),
        offered("e1", 0, 1),
    ];
    let seqs2 = store.append_events(&again).await.unwrap();
    assert_eq!(seqs2[0], None);
    assert_eq!(seqs2[2], None);
    assert!(seqs2[1].unwrap() > seqs[2].unwrap());

    let all = store.events_between(at(0), at(600), 0, 100).await.unwrap();
    let ids: Vec<i64> = all.iter().map(|e| e.seq).collect();
    assert_eq!(all.len(), 4);
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(all[0].kind, batch[0].kind);
    assert_eq!(all[0].at, at(0));

    // Paging by seq, and the time bound.
    let page = store
        .events_between(at(0), at(600), ids[1], 1)
        .await
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].seq, ids[2]);
    let later = store.events_between(at(2), at(600), 0, 100).await.unwrap();
    assert_eq!(later.len(), 2);
    let window = store.events_between(at(1), at(3), 0, 100).await.unwrap();
    assert_eq!(
        window.iter().map(|e| e.at).collect::<Vec<_>>(),
        [at(1), at(2)],
        "until is exclusive"
    );
    // A span read a page at a time from its first event, in commit order: e3, e4.
    let first = store.events_between(at(2), at(600), 0, 1).await.unwrap();
    assert_eq!(first[0].at, at(2));
    let next = store
        .events_between(at(2), at(600), first[0].seq, 1)
        .await
        .unwrap();
    assert_eq!(next[0].at, at(3));
    // A late event (at 0 s, committed last) belongs to the first second's span, after e1.
    store.append_events(&[offered("e5", 0, 2)]).await.unwrap();
    let first_second = store.events_between(at(0), at(1), 0, 100).await.unwrap();
    assert_eq!(first_second.len(), 2);
    assert!(first_second[0].seq < first_second[1].seq);
    assert_eq!(first_second[1].kind, offered("e5", 0, 2).kind);
}

async fn state_codes(store: &Arc<dyn Store>) {
    let codes = vec![
        StateCode {
            code: "Break".into(),
            name: "Technical break".into(),
            state: AgentState::Break,
        },
        StateCode {
            code: "Ready".into(),
            name: "Ready".into(),
            state: AgentState::Ready,
        },
    ];
    store
        .replace_state_codes(&codes, &actor("c-codes"))
        .await
        .unwrap();
    assert_eq!(store.state_codes().await.unwrap(), codes);
    let fewer = vec![codes[1].clone()];
    store
        .replace_state_codes(&fewer, &actor("c-codes-2"))
        .await
        .unwrap();
    assert_eq!(store.state_codes().await.unwrap(), fewer);
    let entry = &audit_of(store, "c-codes-2").await[0];
    assert_eq!(entry.before.as_ref().unwrap().as_array().unwrap().len(), 2);
    assert_eq!(entry.after.as_ref().unwrap().as_array().unwrap().len(), 1);
}

async fn plan(store: &Arc<dyn Store>) {
    let (site, service) = structure(store, "Plan site").await;
    let group = store
        .create_group(&group_input(service.id, "Plan group"), &actor("c-plan"))
        .await
        .unwrap();
    let agent = store
        .create_agent(
            &agent_input(site.id, "plan-op", &[(group.id, 1)]),
            &actor("c-plan"),
        )
        .await
        .unwrap();

    let interval = |i: i64, calls: f64| ForecastInterval {
        group_id: group.id,
        start: at(15 * i),
        end: at(15 * i + 15),
        calls,
        aht_seconds: 180.0,
        acd_percent: 95.0,
        operators: None,
    };
    let day: Vec<_> = (0..4).map(|i| interval(i, 10.0 * i as f64)).collect();
    store.replace_forecast(&day, &actor("c-fc")).await.unwrap();
    assert_eq!(store.forecast(at(0), at(60)).await.unwrap(), day);
    // Replacing the middle half keeps the rest.
    let fix = vec![interval(1, 99.0), interval(2, 98.0)];
    store
        .replace_forecast(&fix, &actor("c-fc-2"))
        .await
        .unwrap();
    let now = store.forecast(at(0), at(60)).await.unwrap();
    assert_eq!(
        now.iter().map(|f| f.calls).collect::<Vec<_>>(),
        vec![0.0, 99.0, 98.0, 30.0]
    );
    assert_eq!(store.forecast(at(20), at(25)).await.unwrap(), vec![fix[0]]);
    assert_eq!(audit_of(store, "c-fc-2").await[0].entity, "forecast");

    let seg = |from: i64, to: i64, activity| Segment {
        agent_id: agent.id,
        start: at(from),
        end: at(to),
        activity,
    };
    let shift = vec![
        seg(0, 120, Activity::Line(group.id)),
        seg(120, 135, Activity::Break),
        seg(135, 240, Activity::Line(group.id)),
    ];
    store
        .replace_timetable(&shift, &actor("c-tt"))
        .await
        .unwrap();
    assert_eq!(store.timetable(at(0), at(240)).await.unwrap(), shift);
    let call = store
        .call_to_workplace(agent.id, &actor("c-wp"))
        .await
        .unwrap();
    assert_eq!((call.agent_id, call.on_line_at), (agent.id, None));
    let back = call.requested_at + Duration::seconds(95);
    store.workplace_call_answered(call.id, back).await.unwrap();
    store
        .workplace_call_answered(call.id, back + Duration::hours(1))
        .await
        .unwrap();
    let calls = store.workplace_calls(call.requested_at).await.unwrap();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].on_line_at,
        Some(back),
        "the first time on line counts"
    );
    assert_eq!(audit_of(store, "c-wp").await[0].entity, "workplace_call");

    let moved = vec![seg(120, 150, Activity::Lunch)];
    store
        .replace_timetable(&moved, &actor("c-tt-2"))
        .await
        .unwrap();
    let now = store.timetable(at(0), at(240)).await.unwrap();
    assert_eq!(
        now,
        vec![shift[0], moved[0]],
        "the overlapped segments are replaced"
    );
}

/// A batch repeating an id inside itself stores it once; big batches span several statements.
pub async fn batches(store: &Arc<dyn Store>) {
    let mut batch: Vec<NewEvent> = (0..450).map(|i| offered(&format!("b{i}"), 30, 1)).collect();
    batch.push(offered("b7", 31, 1));
    let seqs = store.append_events(&batch).await.unwrap();
    assert_eq!(seqs.iter().filter(|s| s.is_some()).count(), 450);
    assert_eq!(
        seqs[450], None,
        "the repeat within the batch is a duplicate"
    );
    let stored: Vec<i64> = seqs.iter().flatten().copied().collect();
    assert!(
        stored.windows(2).all(|w| w[0] < w[1]),
        "sequence follows the batch order"
    );
}

/// The same new events delivered on several connections at once: each is stored once,
/// one delivery gets its number and the others hear it is a duplicate; none fails.
async fn concurrent_redeliveries(store: &Arc<dyn Store>) {
    let batch: Vec<NewEvent> = (0..300)
        .map(|i| offered(&format!("twice-{i}"), 40, 1))
        .collect();
    let deliveries: Vec<_> = (0..4)
        .map(|_| {
            let (store, batch) = (store.clone(), batch.clone());
            tokio::spawn(async move { store.append_events(&batch).await })
        })
        .collect();
    let mut answers = Vec::new();
    for d in deliveries {
        answers.push(d.await.unwrap().expect("a redelivery is not an error"));
    }
    for i in 0..batch.len() {
        let numbered: Vec<i64> = answers.iter().filter_map(|a| a[i]).collect();
        assert_eq!(numbered.len(), 1, "event {i} numbered once: {numbered:?}");
    }
    let stored = store.events_between(at(40), at(41), 0, 1000).await.unwrap();
    assert_eq!(stored.len(), batch.len());
}

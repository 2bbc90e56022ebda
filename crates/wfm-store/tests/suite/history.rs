//! Conformance of the indicator history: interval and adherence records upserted in a
//! batch (writing twice changes nothing, a later write replaces), read back exactly by
//! range for a set of groups or operators.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use wfm_store::Store;
use wfm_store::history::{AdherenceRecord, IntervalRecord};

pub async fn run(store: &Arc<dyn Store>) {
    round_trip(store).await;
}

fn start(k: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 4, 6, 0, 0).unwrap() + Duration::minutes(15 * k)
}

fn interval(group_id: i64, k: i64) -> IntervalRecord {
    IntervalRecord {
        group_id,
        interval_start: start(k),
        interval_seconds: 900,
        arrivals: 13 + k,
        offered: 12 + k,
        answered: 11,
        answered_within_target: 9,
        abandoned: 2,
        short_abandoned: 1,
        handled: 10,
        handle_seconds: 1_812.125,
        wait_seconds: 95.5,
        forecast_calls: 12.75,
        forecast_answered: 11.475,
        forecast_handle_seconds: 2_065.5,
        planned_minutes: 45,
        online_minutes: 41,
        required_minutes: (k % 2 == 0).then_some(52.5),
        sl_target_percent: 80.0,
    }
}

fn adherence(agent_id: i64, k: i64) -> AdherenceRecord {
    AdherenceRecord {
        agent_id,
        interval_start: start(k),
        interval_seconds: 900,
        scheduled_minutes: 15,
        adherent_minutes: 12 - k,
    }
}

async fn round_trip(store: &Arc<dyn Store>) {
    let groups: Vec<IntervalRecord> = (0..4)
        .flat_map(|k| [interval(901, k), interval(902, k), interval(903, k)])
        .collect();
    let operators: Vec<AdherenceRecord> = (0..3)
        .flat_map(|k| [adherence(71, k), adherence(72, k)])
        .collect();
    store
        .upsert_interval_stats(&groups, &operators)
        .await
        .unwrap();
    // Idempotent: the same batch again leaves the same rows.
    store
        .upsert_interval_stats(&groups, &operators)
        .await
        .unwrap();
    store.upsert_interval_stats(&[], &[]).await.unwrap();

    let read = store
        .interval_stats(&[902, 901], start(1), start(3))
        .await
        .unwrap();
    let expected: Vec<IntervalRecord> = vec![
        interval(901, 1),
        interval(901, 2),
        interval(902, 1),
        interval(902, 2),
    ];
    assert_eq!(read, expected, "by group then start, [from, to)");
    assert!(
        store
            .interval_stats(&[], start(0), start(9))
            .await
            .unwrap()
            .is_empty()
    );

    // A later write of an interval (calls settled) replaces it.
    let mut settled = interval(901, 2);
    settled.answered = 12;
    settled.required_minutes = None;
    store.upsert_interval_stats(&[settled], &[]).await.unwrap();
    let read = store
        .interval_stats(&[901], start(2), start(3))
        .await
        .unwrap();
    assert_eq!(read, vec![settled]);
    let all = store
        .interval_stats(&[901, 902, 903], start(0), start(4))
        .await
        .unwrap();
    assert_eq!(all.len(), 12);

    let everyone = store
        .adherence_stats(&[], start(0), start(2))
        .await
        .unwrap();
    assert_eq!(
        everyone,
        vec![
            adherence(71, 0),
            adherence(71, 1),
            adherence(72, 0),
            adherence(72, 1)
        ]
    );
    let one = store
        .adherence_stats(&[72], start(0), start(9))
        .await
        .unwrap();
    assert_eq!(one, (0..3).map(|k| adherence(72, k)).collect::<Vec<_>>());
    // Many ids go in several queries and come back as one list.
    let many: Vec<i64> = (10_000..11_200).chain([71]).collect();
    let read = store
        .adherence_stats(&many, start(2), start(3))
        .await
        .unwrap();
    assert_eq!(read, vec![adherence(71, 2)]);
}

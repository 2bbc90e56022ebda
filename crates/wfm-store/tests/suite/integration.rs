//! Conformance of the integration records: the integration log, systems, calendars, norm
//! hours and timesheets; sync jobs are in `jobs`, personnel syncs in `personnel`.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde_json::json;
use wfm_store::integration::*;
use wfm_store::model::AuditFilter;
use wfm_store::{Store, StoreError};

use super::{actor, audit_of, jobs, personnel};

pub async fn run(store: &Arc<dyn Store>) {
    jobs::run(store).await;
    integration_log(store).await;
    systems(store).await;
    calendars(store).await;
    norm_hours(store).await;
    timesheet(store).await;
    personnel::run(store).await;
}

fn log_at(second: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 7, 1, 8, 0, 0).unwrap() + Duration::seconds(second)
}

async fn integration_log(store: &Arc<dyn Store>) {
    let entry = |i: i64, system: &str, operation: &str, outcome: &str| NewLogEntry {
        at: log_at(i),
        correlation_id: format!("c-log-{}", i % 3),
        system: system.into(),
        operation: operation.into(),
        direction: "outbound".into(),
        outcome: outcome.into(),
        http_status: Some(200),
        latency_ms: Some(40 + i as u64),
        records: Some(i as u64),
        error: None,
        initiator: "schedule".into(),
        job_id: None,
    };
    let mut batch: Vec<NewLogEntry> = (0..250)
        .map(|i| {
            let outcome = if i % 2 == 0 { "success" } else { "failure" };
            entry(i, "zup", "agents", outcome)
        })
        .collect();
    let detailed = NewLogEntry {
        http_status: Some(503),
        latency_ms: None,
        records: None,
        error: Some("service unavailable".into()),
        job_id: Some(77),
        direction: "inbound".into(),
        ..entry(300, "contact_center", "status", "failure")
    };
    batch.push(detailed.clone());
    batch.push(entry(301, "zup", "getNormHours", "success"));
    store.append_integration_log(&batch).await.unwrap();
    store.append_integration_log(&[]).await.unwrap();

    let list = |f: LogFilter| {
        let store = store.clone();
        async move { store.integration_log(&f).await.unwrap() }
    };
    let zup = list(LogFilter {
        system: Some("zup".into()),
        operation: Some("agents".into()),
        limit: 1000,
        ..Default::default()
    })
    .await;
    assert_eq!(zup.len(), 250);
    assert!(zup.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    assert_eq!(zup[0].at, log_at(249));
    assert_eq!(zup[0].records, Some(249));

    let job = list(LogFilter {
        job_id: Some(77),
        limit: 10,
        ..Default::default()
    })
    .await;
    assert_eq!(job.len(), 1);
    let got = &job[0];
    assert_eq!(
        (
            got.at,
            got.correlation_id.as_str(),
            got.system.as_str(),
            got.operation.as_str()
        ),
        (
            detailed.at,
            detailed.correlation_id.as_str(),
            "contact_center",
            "status"
        )
    );
    assert_eq!(
        (
            got.direction.as_str(),
            got.outcome.as_str(),
            got.http_status
        ),
        ("inbound", "failure", Some(503))
    );
    assert_eq!((got.latency_ms, got.records), (None, None));
    assert_eq!(got.error.as_deref(), Some("service unavailable"));
    assert_eq!(got.initiator, "schedule");

    let failures = list(LogFilter {
        system: Some("zup".into()),
        outcome: Some("failure".into()),
        limit: 1000,
        ..Default::default()
    })
    .await;
    assert_eq!(failures.len(), 125);
    let correlated = list(LogFilter {
        correlation_id: Some("c-log-1".into()),
        system: Some("zup".into()),
        limit: 1000,
        ..Default::default()
    })
    .await;
    assert_eq!(correlated.len(), 83 + 1, "i % 3 == 1 below 250, and 301");
    let window = list(LogFilter {
        from: Some(log_at(10)),
        to: Some(log_at(20)),
        limit: 1000,
        ..Default::default()
    })
    .await;
    assert_eq!(
        window.iter().map(|e| e.at).collect::<Vec<_>>(),
        (10..20).rev().map(log_at).collect::<Vec<_>>(),
        "[from, to)"
    );
    let page = list(LogFilter {
        system: Some("zup".into()),
        operation: Some("agents".into()),
        before_id: Some(zup[9].id),
        limit: 5,
        ..Default::default()
    })
    .await;
    assert_eq!(
        page.iter().map(|e| e.id).collect::<Vec<_>>(),
        zup[10..15].iter().map(|e| e.id).collect::<Vec<_>>()
    );
    let one = list(LogFilter::default()).await;
    assert_eq!(one.len(), 1, "the limit is at least 1");

    let last = store.last_successes().await.unwrap();
    let find = |s: &str, o: &str| last.iter().find(|l| l.system == s && l.operation == o);
    assert_eq!(find("zup", "agents").unwrap().at, log_at(248));
    assert_eq!(find("zup", "getNormHours").unwrap().at, log_at(301));
    assert!(find("contact_center", "status").is_none(), "failures only");
}

async fn systems(store: &Arc<dyn Store>) {
    let config = json!({"base_url": "http://zup.local", "password": "s3cret"});
    let view = json!({"base_url": "http://zup.local", "password": "***"});
    let zup = store
        .put_integration_system("zup", &config, &view, &actor("c-sys-1"))
        .await
        .unwrap();
    assert_eq!((zup.system.as_str(), &zup.config), ("zup", &config));
    let created = &audit_of(store, "c-sys-1").await[0];
    assert_eq!(
        (
            created.action.as_str(),
            created.entity.as_str(),
            created.entity_id.as_str()
        ),
        ("create", "integration_system", "zup")
    );
    assert_eq!(
        (created.before.clone(), created.after.clone()),
        (None, Some(view.clone()))
    );

    let config2 = json!({"base_url": "http://zup2.local", "password": "n3w"});
    let view2 = json!({"base_url": "http://zup2.local", "password": "***"});
    store
        .put_integration_system("zup", &config2, &view2, &actor("c-sys-2"))
        .await
        .unwrap();
    let cc = json!({"platform": "argus"});
    store
        .put_integration_system("contact_center", &cc, &cc, &actor("c-sys-3"))
        .await
        .unwrap();
    let updated = &audit_of(store, "c-sys-2").await[0];
    assert_eq!(updated.action, "update");
    assert_eq!(
        (updated.before.clone(), updated.after.clone()),
        (Some(view), Some(view2))
    );
    let logged = store
        .list_audit(&AuditFilter {
            entity: Some("integration_system".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    let text = serde_json::to_string(&logged).unwrap();
    assert!(
        !text.contains("s3cret") && !text.contains("n3w"),
        "no secrets"
    );

    let listed = store.integration_systems().await.unwrap();
    let names: Vec<&str> = listed.iter().map(|s| s.system.as_str()).collect();
    assert_eq!(names, ["contact_center", "zup"]);
    assert_eq!(listed[1].config, config2);
}

async fn calendars(store: &Arc<dyn Store>) {
    let xml26 = "<calendar year=\"2026\"><days/></calendar>";
    let xml25 = "<calendar year=\"2025\"/>";
    let stored = store
        .put_calendar(2026, xml26, &actor("c-cal-1"))
        .await
        .unwrap();
    assert_eq!((stored.year, stored.xml.as_str()), (2026, xml26));
    store
        .put_calendar(2025, xml25, &actor("c-cal-2"))
        .await
        .unwrap();
    let xml26b = "<calendar year=\"2026\"><days><day d=\"01.01\" t=\"1\"/></days></calendar>";
    store
        .put_calendar(2026, xml26b, &actor("c-cal-3"))
        .await
        .unwrap();
    let all = store.calendars().await.unwrap();
    assert_eq!(
        all.iter()
            .map(|c| (c.year, c.xml.as_str()))
            .collect::<Vec<_>>(),
        [(2025, xml25), (2026, xml26b)]
    );
    let first = &audit_of(store, "c-cal-1").await[0];
    assert_eq!(
        (
            first.action.as_str(),
            first.entity.as_str(),
            first.entity_id.as_str()
        ),
        ("create", "production_calendar", "2026")
    );
    assert_eq!(
        first.after,
        Some(json!({"year": 2026, "bytes": xml26.len()}))
    );
    let replaced = &audit_of(store, "c-cal-3").await[0];
    assert_eq!(replaced.action, "update");
    assert_eq!(
        replaced.before,
        Some(json!({"year": 2026, "bytes": xml26.len()}))
    );
    assert!(!serde_json::to_string(replaced).unwrap().contains("<day"));

    store
        .delete_calendar(2025, &actor("c-cal-4"))
        .await
        .unwrap();
    assert_eq!(store.calendars().await.unwrap().len(), 1);
    let deleted = &audit_of(store, "c-cal-4").await[0];
    assert_eq!(
        (deleted.action.as_str(), deleted.after.clone()),
        ("delete", None)
    );
    assert!(matches!(
        store.delete_calendar(2025, &actor("c-cal-5")).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(audit_of(store, "c-cal-5").await.is_empty());
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

async fn norm_hours(store: &Arc<dyn Store>) {
    let row = |e: &str, mode: &str, from: NaiveDate, to: NaiveDate, hours: f64| NormHoursRow {
        employee_id: e.into(),
        mode: mode.into(),
        from,
        to,
        hours,
    };
    let rows = vec![
        row("nh-2", "month", day(3, 1), day(3, 31), 168.0),
        row("nh-1", "quarter", day(1, 1), day(3, 31), 471.5),
        row("nh-1", "month", day(2, 1), day(2, 28), 151.2),
        row("nh-1", "month", day(1, 1), day(1, 31), 120.0),
    ];
    store.put_norm_hours(&rows, &actor("c-nh-1")).await.unwrap();
    let all = store.norm_hours(None).await.unwrap();
    assert_eq!(
        all,
        vec![
            rows[3].clone(),
            rows[1].clone(),
            rows[2].clone(),
            rows[0].clone()
        ],
        "by employee, start, mode"
    );
    let logged = &audit_of(store, "c-nh-1").await[0];
    assert_eq!(
        (logged.entity.as_str(), logged.entity_id.as_str()),
        ("norm_hours", "batch")
    );
    assert_eq!(logged.after, Some(json!({"rows": 4})));

    // Same employee, mode and start: replaced, not added.
    let fix = vec![row("nh-1", "month", day(2, 1), day(2, 28), 144.0)];
    store.put_norm_hours(&fix, &actor("c-nh-2")).await.unwrap();
    let one = store.norm_hours(Some("nh-1")).await.unwrap();
    assert_eq!(one.len(), 3);
    assert_eq!((one[2].from, one[2].hours), (day(2, 1), 144.0));
    assert!(store.norm_hours(Some("nobody")).await.unwrap().is_empty());
}

async fn timesheet(store: &Arc<dyn Store>) {
    let ts = |e: &str, d: u32, t: &str, hours: f64| TimesheetDay {
        employee_id: e.into(),
        date: day(3, d),
        timetype: t.into(),
        hours,
    };
    let mut rows: Vec<TimesheetDay> = (1..=5).map(|d| ts("ts-1", d, "I", 8.0)).collect();
    rows.extend((1..=3).map(|d| ts("ts-2", d, "I", 7.0)));
    store.put_timesheet(&rows, &actor("c-ts-1")).await.unwrap();
    let all = store.timesheet(None, day(3, 1), day(3, 31)).await.unwrap();
    assert_eq!(all, rows);
    assert_eq!(audit_of(store, "c-ts-1").await[0].entity, "timesheet");

    // Days 2-3 of ts-1 replaced (day 3 now split in two time types); the rest kept.
    let fix = vec![
        ts("ts-1", 3, "H", 2.0),
        ts("ts-1", 2, "B", 0.0),
        ts("ts-1", 3, "I", 6.0),
    ];
    store.put_timesheet(&fix, &actor("c-ts-2")).await.unwrap();
    let one = store
        .timesheet(Some("ts-1"), day(3, 1), day(3, 31))
        .await
        .unwrap();
    let expected = vec![
        rows[0].clone(),
        fix[1].clone(),
        fix[0].clone(),
        fix[2].clone(),
        rows[3].clone(),
        rows[4].clone(),
    ];
    assert_eq!(one, expected);
    let two = store
        .timesheet(Some("ts-2"), day(3, 1), day(3, 31))
        .await
        .unwrap();
    assert_eq!(two, rows[5..].to_vec(), "other employees untouched");
    let inner = store.timesheet(None, day(3, 2), day(3, 3)).await.unwrap();
    let keys: HashMap<(&str, u32), usize> = inner.iter().fold(HashMap::new(), |mut m, r| {
        *m.entry((r.employee_id.as_str(), chrono::Datelike::day(&r.date)))
            .or_default() += 1;
        m
    });
    assert_eq!(inner.len(), 5, "both ends inclusive: {inner:?}");
    assert_eq!(keys[&("ts-1", 3)], 2);
    assert_eq!(keys[&("ts-2", 2)], 1);
}

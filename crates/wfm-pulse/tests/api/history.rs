//! Indicator history: interval records persisted as intervals close, read back at every
//! granularity (each coarse bucket the exact sum of its 15-minute rows), the insights on a
//! constructed pattern, validation, and a restart that keeps it all.

use crate::common;

use chrono::{DateTime, Duration as Span, DurationRound, Utc};
use common::setup::{created, midday_zone, put_plan};
use common::{TestServer, eventually};
use reqwest::Method;
use serde_json::{Value, json};
use wfm_store::history::IntervalRecord;
use wfm_store::model::Role;

struct Site {
    groups: [i64; 2],
    agents: [i64; 2],
    /// Start of the first of five intervals with data: two hours before the hour began.
    t0: DateTime<Utc>,
    /// The site's offset from UTC, hours.
    offset_hours: i64,
}

/// Groups H1 and H2 with one operator each on line work for five intervals from t0; H1's
/// forecast is 4 calls per interval at AHT 100 s.
async fn set_up(s: &TestServer) -> Site {
    let now = Utc::now();
    let t0 = now.duration_trunc(Span::hours(1)).unwrap() - Span::hours(2);
    let (zone, offset_hours) = midday_zone(now);
    let site = created(s, "/api/v1/sites", json!({"name": "H", "time_zone": zone})).await;
    let service = created(s, "/api/v1/services", json!({"site_id": site, "name": "S"})).await;
    let mut groups = [0; 2];
    let mut agents = [0; 2];
    for (i, code) in ["H1", "H2"].iter().enumerate() {
        groups[i] = created(
            s,
            "/api/v1/groups",
            json!({"service_id": service, "name": code, "external_id": code}),
        )
        .await;
        agents[i] = created(
            s,
            "/api/v1/agents",
            json!({"external_id": format!("hop-{i}"), "full_name": format!("Operator {i}"),
                   "site_id": site, "primary_group_id": groups[i]}),
        )
        .await;
    }
    let segments: Vec<Value> = (0..2)
        .map(|i| {
            json!({"agent_id": agents[i], "start": t0, "end": t0 + Span::minutes(75),
                        "activity": "line", "group_id": groups[i]})
        })
        .collect();
    put_plan(s, "timetable", json!({"segments": segments})).await;
    let intervals: Vec<Value> = (0..5)
        .map(|k| {
            json!({"group_id": groups[0], "start": t0 + Span::minutes(15 * k),
                        "calls": 4.0, "aht_seconds": 100.0})
        })
        .collect();
    put_plan(s, "forecast", json!({"intervals": intervals})).await;
    Site {
        groups,
        agents,
        t0,
        offset_hours,
    }
}

/// The calls and statuses of the five intervals, in time order (one batch).
fn events(t0: DateTime<Utc>) -> Value {
    let at = |minutes: i64, seconds: i64| t0 + Span::minutes(minutes) + Span::seconds(seconds);
    let offer = |m, s, call: &str, group: &str| {
        (
            at(m, s),
            json!({"type": "call_offered", "call_id": call, "group": group}),
        )
    };
    let answer = |m, s, call: &str, agent: &str| {
        (
            at(m, s),
            json!({"type": "call_answered", "call_id": call, "agent": agent}),
        )
    };
    let state = |m, s, agent: &str, state: &str| {
        (
            at(m, s),
            json!({"type": "agent_state", "agent": agent, "state": state}),
        )
    };
    let mut list = vec![
        state(0, 0, "hop-0", "ready"),
        state(0, 0, "hop-1", "ready"),
        // Interval A: a1 within target and handled (talk 100 + wrap-up 30 s), a2 answered
        // after 30 s, a3 abandoned after 10 s; g1 in H2.
        offer(0, 60, "a1", "H1"),
        answer(0, 65, "a1", "hop-0"),
        offer(0, 100, "g1", "H2"),
        answer(0, 102, "g1", "hop-1"),
        offer(0, 120, "a2", "H1"),
        answer(0, 150, "a2", "hop-0"),
        (
            at(0, 200),
            json!({"type": "call_ended", "call_id": "a1", "talk_seconds": 100.0, "hold_seconds": 0.0}),
        ),
        (
            at(0, 230),
            json!({"type": "wrap_up_ended", "call_id": "a1"}),
        ),
        offer(0, 300, "a3", "H1"),
        (
            at(0, 310),
            json!({"type": "call_abandoned", "call_id": "a3"}),
        ),
        // Interval B: two calls within target.
        offer(15, 60, "b1", "H1"),
        answer(15, 63, "b1", "hop-0"),
        offer(15, 90, "b2", "H1"),
        answer(15, 94, "b2", "hop-0"),
        // Interval C: one call missed; the H2 operator logs out at 40 min.
        offer(30, 60, "c1", "H1"),
        answer(30, 85, "c1", "hop-0"),
        state(40, 0, "hop-1", "logged_out"),
        // Interval D: nothing. Interval E: one call within target.
        offer(60, 60, "e1", "H1"),
        answer(60, 61, "e1", "hop-0"),
        // The H1 operator logs out when line work ends: nothing after it.
        state(75, 0, "hop-0", "logged_out"),
    ];
    list.sort_by_key(|(at, _)| *at);
    Value::Array(
        list.into_iter()
            .enumerate()
            .map(|(i, (at, mut e))| {
                e["id"] = json!(format!("h{i}"));
                e["at"] = json!(at);
                e
            })
            .collect(),
    )
}

async fn get(s: &TestServer, path: &str) -> (u16, Value) {
    s.call(Method::GET, path, Role::Viewer, None).await
}

fn history_path(site: &Site, indicator: &str, granularity: &str) -> String {
    let today = Utc::now().date_naive();
    format!(
        "/api/v1/performance/history?indicator={indicator}&group_ids={},{}&from={}&to={}&granularity={granularity}",
        site.groups[0],
        site.groups[1],
        today - Span::days(1),
        today + Span::days(1)
    )
}

fn group_buckets(h: &Value, group: i64) -> &Vec<Value> {
    h["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group_id"] == group)
        .unwrap()["buckets"]
        .as_array()
        .unwrap()
}

fn component(b: &Value, name: &str) -> f64 {
    b["components"][name]
        .as_f64()
        .unwrap_or_else(|| panic!("{name} in {b}"))
}

/// Sums the components of `rows` per bucket start `bucket_of` gives.
fn summed(
    rows: &[Value],
    bucket_of: impl Fn(DateTime<Utc>) -> DateTime<Utc>,
) -> Vec<(DateTime<Utc>, serde_json::Map<String, Value>)> {
    let mut sums: std::collections::BTreeMap<DateTime<Utc>, serde_json::Map<String, Value>> =
        Default::default();
    for row in rows {
        let start: DateTime<Utc> = row["start"].as_str().unwrap().parse().unwrap();
        let sum = sums.entry(bucket_of(start)).or_default();
        for (k, v) in row["components"].as_object().unwrap() {
            let total = sum.get(k).and_then(Value::as_f64).unwrap_or(0.0) + v.as_f64().unwrap();
            sum.insert(k.clone(), json!(total));
        }
    }
    sums.into_iter().collect()
}

fn assert_sums_back(
    coarse: &[Value],
    quarters: &[Value],
    bucket_of: impl Fn(DateTime<Utc>) -> DateTime<Utc>,
    what: &str,
) {
    let sums = summed(quarters, bucket_of);
    assert_eq!(coarse.len(), sums.len(), "{what}: {coarse:?}");
    for (bucket, (start, sum)) in coarse.iter().zip(&sums) {
        assert_eq!(
            bucket["start"]
                .as_str()
                .unwrap()
                .parse::<DateTime<Utc>>()
                .unwrap(),
            *start,
            "{what}"
        );
        for (k, v) in sum {
            assert_eq!(
                bucket["components"][k].as_f64().unwrap(),
                v.as_f64().unwrap(),
                "{what}: {k} of {start}"
            );
        }
    }
}

#[tokio::test]
async fn history_sums_back_to_the_interval_data_at_every_granularity() {
    let dir = std::env::temp_dir().join(format!("wfm-history-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("history.db").display());
    let s = TestServer::start_with(&[("WFM_DATABASE_URL", &url)]).await;
    let site = set_up(&s).await;
    let (st, report) = s
        .call(
            Method::POST,
            "/api/v1/events",
            Role::Integration,
            Some(events(site.t0)),
        )
        .await;
    assert_eq!(st, 200, "{report}");
    assert_eq!(report["accepted"], 22, "{report}");

    let path = history_path(&site, "service_level", "15min");
    let quarter = eventually("the intervals persisted", 30, async || {
        let (st, h) = get(&s, &path).await;
        assert_eq!(st, 200, "{h}");
        let one = group_buckets(&h, site.groups[0]);
        let two = group_buckets(&h, site.groups[1]);
        let offered: Vec<f64> = one.iter().map(|b| component(b, "offered")).collect();
        let online: Vec<f64> = two.iter().map(|b| component(b, "online_minutes")).collect();
        (offered == [3.0, 2.0, 1.0, 0.0, 1.0] && online == [15.0, 15.0, 10.0, 0.0, 0.0])
            .then_some(h)
    })
    .await;

    // The 15-minute rows of H1, counted by hand.
    let one = group_buckets(&quarter, site.groups[0]);
    let starts: Vec<DateTime<Utc>> = (0..5).map(|k| site.t0 + Span::minutes(15 * k)).collect();
    for (b, start) in one.iter().zip(&starts) {
        assert_eq!(
            b["start"]
                .as_str()
                .unwrap()
                .parse::<DateTime<Utc>>()
                .unwrap(),
            *start
        );
        assert_eq!(component(b, "planned_minutes"), 15.0);
        assert_eq!(component(b, "online_minutes"), 15.0);
        assert_eq!(component(b, "forecast_calls"), 4.0);
        assert_eq!(component(b, "interval_seconds"), 900.0);
    }
    let a = &one[0];
    assert_eq!(component(a, "arrivals"), 3.0);
    assert_eq!(component(a, "answered"), 2.0);
    assert_eq!(component(a, "answered_within_target"), 1.0);
    assert_eq!(component(a, "abandoned"), 1.0);
    assert_eq!(component(a, "handled"), 1.0);
    assert_eq!(component(a, "handle_seconds"), 130.0);
    assert_eq!(component(a, "wait_seconds"), 35.0);
    assert_eq!(a["value"].as_f64().unwrap(), 1.0 / 3.0 * 100.0);
    assert_eq!(a["plan"], 80.0);
    let values: Vec<Value> = one.iter().map(|b| b["value"].clone()).collect();
    assert_eq!(
        values[1..],
        [json!(100.0), json!(0.0), Value::Null, json!(100.0)]
    );
    // H2: its one call and the operator who left at 40 minutes.
    let two = group_buckets(&quarter, site.groups[1]);
    assert_eq!(component(&two[0], "offered"), 1.0);
    assert_eq!(
        two.iter()
            .map(|b| component(b, "planned_minutes"))
            .sum::<f64>(),
        75.0
    );
    // Combined: H1 and H2 per interval.
    let combined = quarter["combined"]["buckets"].as_array().unwrap();
    assert_eq!(combined.len(), 5);
    assert_eq!(component(&combined[0], "offered"), 4.0);
    assert_eq!(combined[0]["value"].as_f64().unwrap(), 50.0);

    // Hour, day and week buckets are the exact sums of their 15-minute rows.
    let offset_hours = site.offset_hours;
    let local_day = |at: DateTime<Utc>| {
        let local = at + Span::hours(offset_hours);
        local.duration_trunc(Span::days(1)).unwrap() - Span::hours(offset_hours)
    };
    for indicator in [
        "service_level",
        "operators_online",
        "aht_trend",
        "operator_requirement",
    ] {
        let (_, quarters) = get(&s, &history_path(&site, indicator, "15min")).await;
        for granularity in ["hour", "day", "week"] {
            let (st, h) = get(&s, &history_path(&site, indicator, granularity)).await;
            assert_eq!(st, 200, "{h}");
            assert_eq!(h["granularity"], granularity);
            let bucket_of = |at: DateTime<Utc>| match granularity {
                "hour" => at.duration_trunc(Span::hours(1)).unwrap(),
                "day" => local_day(at),
                _ => {
                    let day = local_day(at);
                    let local = day + Span::hours(offset_hours);
                    let back = i64::from(chrono::Datelike::weekday(&local).num_days_from_monday());
                    day - Span::days(back)
                }
            };
            for g in site.groups {
                assert_sums_back(
                    group_buckets(&h, g),
                    group_buckets(&quarters, g),
                    bucket_of,
                    granularity,
                );
            }
            let combined = h["combined"]["buckets"].as_array().unwrap();
            assert_sums_back(
                combined,
                quarters["combined"]["buckets"].as_array().unwrap(),
                bucket_of,
                granularity,
            );
        }
    }
    let (_, hours) = get(&s, &history_path(&site, "service_level", "hour")).await;
    let one = group_buckets(&hours, site.groups[0]);
    // 10:00-11:00: 3 of 6 within target; 11:00: 1 of 1.
    assert_eq!(one[0]["value"].as_f64().unwrap(), 50.0);
    assert_eq!(one[1]["value"].as_f64().unwrap(), 100.0);
    let (_, online) = get(&s, &history_path(&site, "operators_online", "day")).await;
    // H2: 40 of 75 planned minutes on line.
    assert_eq!(
        group_buckets(&online, site.groups[1])[0]["value"]
            .as_f64()
            .unwrap(),
        40.0 / 75.0 * 100.0
    );

    // Insights: a constructed pattern of H2 on this weekday at 09:00 local in past weeks.
    let nine = local_day(site.t0) + Span::hours(9);
    let past: Vec<IntervalRecord> = (1..=3)
        .map(|w| IntervalRecord {
            group_id: site.groups[1],
            interval_start: nine - Span::weeks(w),
            interval_seconds: 900,
            arrivals: 10,
            offered: 10,
            answered: 10,
            answered_within_target: if w == 2 { 9 } else { 5 },
            abandoned: 0,
            short_abandoned: 0,
            handled: 10,
            handle_seconds: 1_000.0,
            wait_seconds: 100.0,
            forecast_calls: 0.0,
            forecast_answered: 0.0,
            forecast_handle_seconds: 0.0,
            planned_minutes: 15,
            online_minutes: 15,
            required_minutes: None,
            sl_target_percent: 80.0,
        })
        .collect();
    s.state
        .store
        .upsert_interval_stats(&past, &[])
        .await
        .unwrap();
    let today = Utc::now().date_naive();
    let insights_path = format!(
        "/api/v1/performance/history/insights?group_ids={},{}&from={}&to={}",
        site.groups[0],
        site.groups[1],
        today - Span::days(30),
        today + Span::days(1)
    );
    let insights = eventually("the adherence persisted", 30, async || {
        let (st, i) = get(&s, &insights_path).await;
        assert_eq!(st, 200, "{i}");
        (i["adherence"].as_array().unwrap().len() == 2).then_some(i)
    })
    .await;
    let breaches = insights["recurring_breaches"].as_array().unwrap();
    assert_eq!(breaches.len(), 1, "{insights}");
    assert_eq!(breaches[0]["group_id"], site.groups[1]);
    assert_eq!(breaches[0]["interval_of_day"], "09:00");
    assert_eq!(
        (
            breaches[0]["observed_days"].clone(),
            breaches[0]["breached_days"].clone()
        ),
        (json!(3), json!(2))
    );
    assert_eq!(breaches[0]["mean_shortfall"], 30.0);
    let accuracy = insights["forecast_accuracy"].as_array().unwrap();
    assert_eq!(accuracy.len(), 1);
    // H1: 3, 2, 1, 0, 1 calls against 4 each.
    assert_eq!(accuracy[0]["group_id"], site.groups[0]);
    assert_eq!(accuracy[0]["intervals"], 5);
    assert!(
        (accuracy[0]["mape_percent"].as_f64().unwrap() - 65.0).abs() < 1e-9,
        "{accuracy:?}"
    );
    assert!((accuracy[0]["bias_percent"].as_f64().unwrap() + 65.0).abs() < 1e-9);
    // Operator 1 (H2): on line 42 of 75 minutes in adherence (left at 40, grace 2 min);
    // operator 0 all 75.
    let adherence = insights["adherence"].as_array().unwrap();
    assert_eq!(adherence[0]["agent_id"], site.agents[1]);
    assert_eq!(adherence[0]["scheduled_minutes"], 75);
    assert_eq!(adherence[0]["adherent_minutes"], 42);
    assert_eq!(adherence[1]["agent_id"], site.agents[0]);
    assert_eq!(adherence[1]["adherence_percent"], 100.0);

    // A restart keeps the history.
    s.stop().await;
    let s = TestServer::start_with(&[("WFM_DATABASE_URL", &url)]).await;
    let (_, again) = get(&s, &path).await;
    assert_eq!(again, quarter);
    let (_, again) = get(&s, &insights_path).await;
    assert_eq!(again, insights);
    s.stop().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn bad_history_requests_name_the_field() {
    let s = TestServer::start().await;
    let site = set_up(&s).await;
    let g = site.groups[0];
    let cases = [
        (
            format!("indicator=bogus&group_ids={g}&from=2026-01-01&to=2026-01-02"),
            "indicator",
        ),
        (
            format!("indicator=&group_ids={g}&from=2026-01-01&to=2026-01-02"),
            "indicator",
        ),
        (
            format!("indicator=acd&group_ids={g}&from=2026-13-01&to=2026-01-02"),
            "from",
        ),
        (
            format!("indicator=acd&group_ids={g}&from=2026-01-03&to=2026-01-02"),
            "to",
        ),
        (
            format!("indicator=acd&group_ids={g}&from=2025-01-01&to=2026-01-02"),
            "to",
        ),
        (
            "indicator=acd&group_ids=999999&from=2026-01-01&to=2026-01-02".to_string(),
            "group_ids",
        ),
        (
            "indicator=acd&group_ids=1,x&from=2026-01-01&to=2026-01-02".to_string(),
            "group_ids",
        ),
        (
            format!("indicator=acd&group_ids={g}&from=2026-01-01&to=2026-01-02&granularity=month"),
            "granularity",
        ),
    ];
    for (query, field) in cases {
        let (st, body) = get(&s, &format!("/api/v1/performance/history?{query}")).await;
        assert_eq!(
            (st, body["field"].as_str()),
            (400, Some(field)),
            "{query}: {body}"
        );
    }
    // Without parameters: the service level of every group today.
    let (st, body) = get(&s, "/api/v1/performance/history").await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["indicator"], "service_level");
    assert_eq!(body["granularity"], "15min");
    assert_eq!(body["groups"].as_array().unwrap().len(), 2);
    assert_eq!(body["from"], body["to"]);
    // 366 days is the longest range.
    let (st, body) = get(
        &s,
        &format!(
            "/api/v1/performance/history?indicator=acd&group_ids={g}&from=2025-01-02&to=2026-01-02"
        ),
    )
    .await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(group_buckets(&body, g).len(), 0);
    let (st, body) = get(
        &s,
        "/api/v1/performance/history/insights?group_ids=999999&from=2026-01-01&to=2026-01-02",
    )
    .await;
    assert_eq!((st, body["field"].as_str()), (400, Some("group_ids")));
    let (st, _) = s
        .request(Method::GET, "/api/v1/performance/history")
        .send()
        .await
        .map(|r| (r.status().as_u16(), ()))
        .unwrap();
    assert_eq!(st, 401);
    s.stop().await;
}

//! Personnel from 1C ZUP: the sync and a change in 1C showing in WFM, the correlation id
//! through trigger, job, calls and audit, norm hours, and the endpoint map.

use super::*;

#[tokio::test]
async fn personnel_sync_brings_1c_in_and_a_change_in_1c_shows_after_a_sync() {
    let zup = sim(60, 8).await;
    let s = TestServer::start().await;
    site(&s).await;
    connect(&s, &zup).await;
    let today = Utc::now()
        .with_timezone(&chrono_tz::Europe::Moscow)
        .date_naive();
    let delivered: Vec<_> = zup
        .sim
        .employees()
        .into_iter()
        .filter(|e| {
            e.startwork <= today && e.finishwork.is_none_or(|f| f >= today - Span::days(31))
        })
        .collect();
    assert!(
        delivered.len() > 40 && delivered.len() < 60,
        "{}",
        delivered.len()
    );

    let job = synced(&s).await;
    let r = &job["result"];
    assert_eq!(r["created"], delivered.len(), "{r}");
    assert_eq!(r["unchanged"], 0);
    assert!(r["groups_created"].as_u64().unwrap() > 0, "{r}");
    assert_eq!(job["progress_done"], job["progress_total"]);
    let stored = employees(&s).await;
    assert_eq!(stored.len(), delivered.len());
    let one = &delivered[0];
    let link = stored
        .iter()
        .find(|e| e["employee"]["id"] == one.id)
        .unwrap();
    let (_, agent) = s
        .call(
            Method::GET,
            &format!("/api/v1/agents/{}", link["agent_id"]),
            Role::Viewer,
            None,
        )
        .await;
    assert_eq!(agent["full_name"], one.full_name());
    assert_eq!(agent["personnel_number"], one.tab_n);

    // A change made in 1C shows in WFM after the next triggered sync, within 30 s.
    zup.sim
        .update_employee(
            &one.id,
            wfm_pulse::sim::zup::EmployeePatch {
                lastname: Some("Переименованный".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let started = Instant::now();
    let job = synced(&s).await;
    let (_, agent) = s
        .call(
            Method::GET,
            &format!("/api/v1/agents/{}", link["agent_id"]),
            Role::Viewer,
            None,
        )
        .await;
    assert!(
        agent["full_name"]
            .as_str()
            .unwrap()
            .starts_with("Переименованный"),
        "{agent}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    let r = &job["result"];
    assert_eq!(r["updated"], 1, "{r}");
    assert_eq!(r["unchanged"], delivered.len() - 1);
    assert_eq!(r["consistency"]["by_field"]["full_name"], 1, "{r}");
    assert_eq!(r["consistency"]["samples"][0]["employee_id"], one.id);
}

#[tokio::test]
async fn one_correlation_id_links_the_trigger_its_job_every_call_and_the_changes() {
    let zup = sim(20, 4).await;
    let s = TestServer::start().await;
    site(&s).await;
    connect(&s, &zup).await;
    let (id, correlation) = trigger(&s, json!({"kind": "personnel_sync"})).await;
    assert_eq!(settled(&s, id, 60).await["state"], "succeeded");
    let (_, log) = s
        .call(
            Method::GET,
            &format!("/api/v1/integration/logs/activity?correlation_id={correlation}"),
            Role::Manager,
            None,
        )
        .await;
    let rows = log["items"].as_array().unwrap();
    let steps: Vec<(&str, &str)> = rows
        .iter()
        .rev()
        .map(|r| {
            (
                r["operation"].as_str().unwrap(),
                r["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("job.personnel_sync", "queued"),
            ("job.personnel_sync", "started"),
            ("agents", "success"),
            ("job.personnel_sync", "succeeded"),
        ]
    );
    let call = &rows[1];
    assert_eq!(
        (call["http_status"].as_u64(), call["direction"].as_str()),
        (Some(200), Some("inbound"))
    );
    assert_eq!(call["job_id"], id);
    // The simulator saw the same id; the audit log holds the agents the sync created.
    assert!(
        zup.sim
            .requests()
            .iter()
            .any(|r| r.correlation_id.as_deref() == Some(&correlation))
    );
    let (_, audit) = s
        .call(
            Method::GET,
            &format!("/api/v1/audit?correlation_id={correlation}"),
            Role::Manager,
            None,
        )
        .await;
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["entity"] == "agent"),
        "{audit}"
    );
    // No personal data in the log rows.
    let text = log.to_string();
    for e in zup.sim.employees() {
        assert!(
            !text.contains(&e.lastname),
            "{} leaked into the log",
            e.lastname
        );
    }
}

#[tokio::test]
async fn norm_hours_match_the_production_calendar() {
    let zup = sim(20, 4).await;
    let s = TestServer::start().await;
    site(&s).await;
    connect(&s, &zup).await;
    synced(&s).await;
    let year = Utc::now().year();
    let (id, _) = trigger(
        &s,
        json!({"kind": "norm_hours", "scope": {"mode": "year", "from": format!("{year}-01-01"), "to": format!("{year}-12-31")}}),
    )
    .await;
    let job = settled(&s, id, 60).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let (_, norms) = s
        .call(
            Method::GET,
            "/api/v1/integration/zup/norm-hours",
            Role::Manager,
            None,
        )
        .await;
    let calendars: wfm_core::zup::norm::Calendars = wfm_core::zup::calendar::BUNDLED
        .iter()
        .map(|(y, xml)| {
            (
                *y,
                wfm_core::zup::calendar::ProductionCalendar::parse_xml(xml).unwrap(),
            )
        })
        .collect();
    let by_id: std::collections::HashMap<String, wfm_core::zup::personnel::Employee> = zup
        .sim
        .employees()
        .into_iter()
        .map(|e| (e.id.clone(), e))
        .collect();
    let items = norms["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for row in items {
        let e = &by_id[row["employee_id"].as_str().unwrap()];
        let employment = wfm_core::zup::norm::Employment {
            hired: Some(e.startwork),
            terminated: e.finishwork,
            rate: 1.0,
            norms: vec![wfm_core::zup::norm::NormChange {
                from: e.norm_week_change_date.min(e.startwork),
                weekly_hours: e.norm_week,
            }],
        };
        let expected = wfm_core::zup::norm::norm_hours(
            &calendars,
            &employment,
            chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap(),
        )
        .unwrap();
        assert_eq!(row["hours"].as_f64().unwrap(), expected.hours, "{row}");
    }
}

#[tokio::test]
async fn the_endpoint_map_is_validated_masked_audited_and_used() {
    let zup = sim(10, 2).await;
    let s = TestServer::start().await;
    site(&s).await;
    let (_, map) = s
        .call(
            Method::GET,
            "/api/v1/integration/mapping/endpoints",
            Role::Manager,
            None,
        )
        .await;
    let systems = map["systems"].as_array().unwrap();
    assert_eq!(systems.len(), 2);
    let zup_entry = systems.iter().find(|x| x["system"] == "zup").unwrap();
    assert_eq!(zup_entry["password"], "********");
    assert_eq!(zup_entry["endpoints"].as_array().unwrap().len(), 5);
    assert!(zup_entry["field_mappings"].to_string().contains("tabN"));
    let mut bad = zup_entry.clone();
    bad["base_url"] = json!("not a url");
    let bad = json!({ "systems": [bad] });
    let (st, e) = s
        .call(
            Method::PUT,
            "/api/v1/integration/mapping/endpoints",
            Role::Admin,
            Some(bad.clone()),
        )
        .await;
    assert_eq!(
        (st, e["field"].as_str()),
        (400, Some("systems[0].base_url")),
        "{e}"
    );
    let (st, _) = s
        .call(
            Method::PUT,
            "/api/v1/integration/mapping/endpoints",
            Role::Manager,
            Some(bad),
        )
        .await;
    assert_eq!(st, 403);
    connect(&s, &zup).await;
    let (_, audit) = s
        .call(
            Method::GET,
            "/api/v1/audit?entity=integration_system",
            Role::Manager,
            None,
        )
        .await;
    assert!(
        !audit.to_string().contains(PASSWORD),
        "the audit log shows no password"
    );
    synced(&s).await;
    let agents = common::registry::system(&s, "zup", Role::Manager).await["endpoint_states"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "agents")
        .unwrap()
        .clone();
    assert!(agents["last_success"].is_string(), "{agents}");
}

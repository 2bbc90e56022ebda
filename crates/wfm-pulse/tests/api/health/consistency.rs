//! A failed consistency check of WFM's personnel against 1C ZUP's halting automatic
//! synchronization until an admin approves resumption (audited), and an admin accepting the
//! next sync beyond the threshold once.

use wfm_pulse::sim::zup::EmployeePatch;

use super::one_c::{connect, employees, personnel_sync, site, started, trigger};
use super::*;

#[tokio::test]
async fn a_failed_consistency_check_halts_automatic_sync_until_an_admin_resumes() {
    let (sim, addr, _stop) = started(20).await;
    let s = TestServer::start().await;
    site(&s).await;
    connect(&s, addr).await;
    let job = personnel_sync(&s).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let compared = job["result"]["created"].as_u64().unwrap();
    assert!(compared >= 15, "{job}");
    // Nothing differs: on demand, the check agrees and halts nothing.
    let (st, check) = s
        .call(
            Method::POST,
            "/api/v1/integration/consistency/check",
            Role::Manager,
            None,
        )
        .await;
    assert_eq!(st, 200, "{check}");
    assert_eq!(check["verdict"]["employees_compared"], compared);
    assert_eq!(
        (
            check["discrepancies"].as_u64(),
            check["verdict"]["corrupted"].as_bool()
        ),
        (Some(0), Some(false))
    );
    assert_eq!(check["halt"], Value::Null);

    // Three of the employees renamed in 1C: over 5 % differ.
    let staff = employees(&s).await;
    let renamed: Vec<String> = staff["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["active"] == true)
        .take(3)
        .map(|e| e["employee"]["id"].as_str().unwrap().to_string())
        .collect();
    for id in &renamed {
        sim.update_employee(
            id,
            EmployeePatch {
                lastname: Some("Испорченный".into()),
                ..Default::default()
            },
        )
        .unwrap();
    }
    let job = personnel_sync(&s).await;
    assert_eq!(job["state"], "dead", "{job}");
    let error = job["last_error"].as_str().unwrap();
    assert!(
        error.starts_with(&format!("Data corruption: 3 of {compared} employees")),
        "{error}"
    );
    assert!(error.contains("Nothing was applied"), "{error}");
    assert_eq!(
        job["result"]["consistency"]["by_field"]["full_name"], 3,
        "{job}"
    );
    // Nothing was applied: WFM still has the old names.
    let after = employees(&s).await;
    assert_eq!(after["items"], staff["items"]);

    // Halted: the personnel component says so, admins are alerted, syncs are refused.
    let report = health(&s).await;
    assert_eq!(report["sync_halt"]["system"], "zup");
    let personnel = component(&report, "zup_personnel");
    assert!(
        causes(&personnel).contains(&"sync_halted".to_string()),
        "{personnel}"
    );
    let alert = common::eventually("a data corruption alert", 10, async || {
        alerts_of(&s, "Data corruption", "component:zup_personnel")
            .await
            .into_iter()
            .find(|a| a["state"] == "firing")
    })
    .await;
    assert_eq!(
        alert["details"]["escalation_timeline"][0]["recipients"],
        json!(["team:administrators"])
    );
    let (st, refused) = trigger(&s, json!({"kind": "personnel_sync"})).await;
    assert_eq!(st, 409, "{refused}");
    assert!(
        refused["description"]
            .as_str()
            .unwrap()
            .starts_with("automatic synchronization with 1C ZUP is halted since "),
        "{refused}"
    );
    // Other kinds still go.
    let (st, _) = trigger(&s, json!({"kind": "norm_hours"})).await;
    assert_eq!(st, 202);

    // On demand: the discrepancy list names each renamed employee.
    let (st, check) = s
        .call(
            Method::POST,
            "/api/v1/integration/consistency/check",
            Role::Manager,
            None,
        )
        .await;
    assert_eq!(st, 200, "{check}");
    assert_eq!(check["verdict"]["corrupted"], true);
    assert_eq!(check["verdict"]["employees_differing"], 3);
    let mut named: Vec<String> = check["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            assert_eq!(d["field"], "full_name", "{d}");
            assert!(d["zup"].as_str().unwrap().starts_with("Испорченный"), "{d}");
            d["employee_id"].as_str().unwrap().to_string()
        })
        .collect();
    named.sort();
    let mut expected = renamed.clone();
    expected.sort();
    assert_eq!(named, expected);
    let (_, quality) = s
        .call(
            Method::GET,
            "/api/v1/integration/quality",
            Role::Manager,
            None,
        )
        .await;
    assert_eq!(quality["consistency"]["discrepancies"], 3);
    assert_eq!(quality["sync_halt"]["id"], report["sync_halt"]["id"]);

    // Only an admin resumes, with a note; audited.
    let resume = json!({"note": "verified: the three renames are a data-entry error in 1C, corrected there"});
    let (st, _) = s
        .call(
            Method::POST,
            "/api/v1/integration/sync/resume",
            Role::Manager,
            Some(resume.clone()),
        )
        .await;
    assert_eq!(st, 403);
    let (st, bad) = s
        .call(
            Method::POST,
            "/api/v1/integration/sync/resume",
            Role::Admin,
            Some(json!({"note": "  "})),
        )
        .await;
    assert_eq!((st, bad["field"].as_str()), (400, Some("note")), "{bad}");
    // The correction, made in 1C.
    for id in &renamed {
        let original = staff["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["employee"]["id"] == *id)
            .unwrap()["employee"]["lastname"]
            .as_str()
            .unwrap()
            .to_string();
        sim.update_employee(
            id,
            EmployeePatch {
                lastname: Some(original),
                ..Default::default()
            },
        )
        .unwrap();
    }
    let (st, resumed) = s
        .call(
            Method::POST,
            "/api/v1/integration/sync/resume",
            Role::Admin,
            Some(resume.clone()),
        )
        .await;
    assert_eq!(st, 200, "{resumed}");
    assert_eq!(resumed["resume_note"], resume["note"]);
    assert!(resumed["resumed_at"].is_string());
    let (st, again) = s
        .call(
            Method::POST,
            "/api/v1/integration/sync/resume",
            Role::Admin,
            Some(resume.clone()),
        )
        .await;
    assert_eq!(st, 409, "{again}");
    let (_, audit) = s
        .call(
            Method::GET,
            "/api/v1/audit?entity=sync_halt",
            Role::Manager,
            None,
        )
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["resume", "halt"], "{audit}");
    let (_, halts) = s
        .call(
            Method::GET,
            "/api/v1/integration/sync/halts",
            Role::Manager,
            None,
        )
        .await;
    assert_eq!(halts.as_array().unwrap().len(), 1);
    // Resumed: the alert resolves, the sync runs and finds both sides agreeing.
    common::eventually("the corruption alert resolving", 15, async || {
        alerts_of(&s, "Data corruption", "component:zup_personnel")
            .await
            .into_iter()
            .find(|a| a["id"] == alert["id"] && a["state"] == "resolved")
    })
    .await;
    let job = personnel_sync(&s).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["result"]["consistency"]["discrepancies"], 0, "{job}");
    let report = health(&s).await;
    assert_eq!(report["sync_halt"], Value::Null);
    s.stop().await;
}

#[tokio::test]
async fn an_admin_may_accept_the_next_sync_beyond_the_threshold_once() {
    let (sim, addr, _stop) = started(20).await;
    let s = TestServer::start().await;
    site(&s).await;
    connect(&s, addr).await;
    assert_eq!(personnel_sync(&s).await["state"], "succeeded");
    let staff = employees(&s).await;
    let moved: Vec<String> = staff["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["active"] == true)
        .take(4)
        .map(|e| e["employee"]["id"].as_str().unwrap().to_string())
        .collect();
    for id in &moved {
        sim.update_employee(
            id,
            EmployeePatch {
                position: Some("Ведущий специалист".into()),
                ..Default::default()
            },
        )
        .unwrap();
    }
    assert_eq!(personnel_sync(&s).await["state"], "dead");
    // 1C is right (a reorganization): the admin accepts the next sync as it comes.
    let (st, resumed) = s
        .call(
            Method::POST,
            "/api/v1/integration/sync/resume",
            Role::Admin,
            Some(
                json!({"note": "the positions were changed on purpose", "accept_next_sync": true}),
            ),
        )
        .await;
    assert_eq!(
        (st, resumed["accept_next"].as_bool()),
        (200, Some(true)),
        "{resumed}"
    );
    let job = personnel_sync(&s).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["result"]["updated"], 4, "{job}");
    assert_eq!(
        job["result"]["consistency"]["by_field"]["position"], 4,
        "{job}"
    );
    let (_, quality) = s
        .call(
            Method::GET,
            "/api/v1/integration/quality",
            Role::Manager,
            None,
        )
        .await;
    assert_eq!(quality["consistency"]["accepted"], true, "{quality}");
    assert_eq!(quality["sync_halt"], Value::Null);
    // Once only: the same change again is corruption again.
    for id in &moved {
        sim.update_employee(
            id,
            EmployeePatch {
                position: Some("Оператор".into()),
                ..Default::default()
            },
        )
        .unwrap();
    }
    assert_eq!(personnel_sync(&s).await["state"], "dead");
    s.stop().await;
}

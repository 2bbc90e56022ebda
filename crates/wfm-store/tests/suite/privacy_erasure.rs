//! Conformance of erasure: a person with distinctive strings everywhere (1C record, norm
//! hours, timesheet, audit, events, job report, integration log) erased, then every table
//! of the database scanned for those strings: zero hits, the agent's events and the audit
//! rows untouched; the tombstone keeping later syncs from bringing the person back; and a
//! deletion notice for an employee WFM never stored.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde_json::json;
use sqlx::{AnyPool, Row};
use wfm_core::event::{AgentState, EventKind};
use wfm_core::plan::{Activity, Segment};
use wfm_core::zup::personnel::{Department, Employee};
use wfm_store::integration::*;
use wfm_store::live::NewEvent;
use wfm_store::model::*;
use wfm_store::privacy::*;
use wfm_store::{Store, StoreError};

use super::privacy::scan;
use super::{actor, audit_of, structure};

const LASTNAME: &str = "Qzxjvkpw";
const FIRSTNAME: &str = "Ywmtrlqb";
const PATRONYMIC: &str = "Fhtnbvcxovich";
const TAB_N: &str = "TN-Qz7781";
const LOGIN: &str = "qzxlogin.ywm";
const SN: &str = "SN-Pqwzx-118";
const DB_ID: &str = "DB-Vvqzt-42";
const AREA: &str = "Area-Kxqzv";
const UID: &str = "uid-Qzx-0001-erase";

/// Every string the person leaves behind; none may survive the erasure.
const NEEDLES: [&str; 9] = [
    LASTNAME, FIRSTNAME, PATRONYMIC, TAB_N, LOGIN, SN, DB_ID, AREA, UID,
];

fn employee(department: &str) -> Employee {
    Employee {
        id: UID.into(),
        tab_n: TAB_N.into(),
        lastname: LASTNAME.into(),
        firstname: FIRSTNAME.into(),
        secondname: PATRONYMIC.into(),
        startwork: NaiveDate::from_ymd_opt(2024, 2, 1).unwrap(),
        finishwork: None,
        position_id: "pos-privacy".into(),
        position: "Operator".into(),
        position_change_date: None,
        department_id: department.into(),
        rate: 1.0,
        login: Some(LOGIN.into()),
        norm_week: 40.0,
        norm_week_change_date: NaiveDate::from_ymd_opt(2024, 2, 1).unwrap(),
        sn: Some(SN.into()),
        db_id: Some(DB_ID.into()),
        area: Some(AREA.into()),
        vacation: Vec::new(),
    }
}

fn import(site_id: i64) -> PersonnelImport {
    PersonnelImport {
        departments: vec![
            Department {
                id: "d-priv".into(),
                name: "Privacy center".into(),
                parent_id: None,
            },
            Department {
                id: "d-priv-l1".into(),
                name: "Privacy line".into(),
                parent_id: Some("d-priv".into()),
            },
        ],
        employees: vec![employee("d-priv-l1")],
        today: NaiveDate::from_ymd_opt(2027, 3, 3).unwrap(),
        site_id,
    }
}

fn day(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 3, 3, h, 0, 0).unwrap()
}

/// Leaves the person's strings in every place a day of work puts them.
async fn a_day_of_work(store: &Arc<dyn Store>, agent: &Agent) {
    let group = agent.primary_group_id.unwrap();
    store
        .put_norm_hours(
            &[NormHoursRow {
                employee_id: UID.into(),
                mode: "month".into(),
                from: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
                to: NaiveDate::from_ymd_opt(2027, 3, 31).unwrap(),
                hours: 176.0,
            }],
            &actor("c-pe-2"),
        )
        .await
        .unwrap();
    store
        .put_timesheet(
            &[TimesheetDay {
                employee_id: UID.into(),
                date: NaiveDate::from_ymd_opt(2027, 3, 3).unwrap(),
                timetype: "Я".into(),
                hours: 8.0,
            }],
            &actor("c-pe-2"),
        )
        .await
        .unwrap();
    let segment = Segment {
        agent_id: agent.id,
        start: day(9),
        end: day(18),
        activity: Activity::Line(group),
    };
    store
        .replace_timetable(&[segment], &actor("c-pe-2"))
        .await
        .unwrap();
    let events = [
        NewEvent {
            event_id: format!("argus:CC:{LOGIN}:Ready:1804057200:1"),
            source: "argus_status",
            at: day(9),
            kind: EventKind::AgentStateChanged {
                agent_id: agent.id,
                state: AgentState::Ready,
                group_id: None,
            },
        },
        NewEvent {
            event_id: "priv-offer-1".into(),
            source: "native",
            at: day(10),
            kind: EventKind::CallOffered {
                call_id: "priv-call-1".into(),
                group_id: group,
                customer_id: None,
            },
        },
        NewEvent {
            event_id: "priv-answer-1".into(),
            source: "native",
            at: day(10) + Duration::seconds(5),
            kind: EventKind::CallAnswered {
                call_id: "priv-call-1".into(),
                agent_id: agent.id,
            },
        },
    ];
    assert!(
        store
            .append_events(&events)
            .await
            .unwrap()
            .iter()
            .all(Option::is_some)
    );
    // A job report naming the person (consistency samples, a refusal) and an error.
    let job = NewJob {
        kind: JobKind::PersonnelSync,
        scope: json!({}),
        queue_key: "privacy".into(),
        idempotency_key: None,
        max_attempts: 1,
        initiator: "user:conformance".into(),
        correlation_id: "c-pe-3".into(),
    };
    let (job, _) = store.enqueue_job(&job, &actor("c-pe-3")).await.unwrap();
    let lease = Utc::now() + Duration::minutes(5);
    loop {
        let claimed = store
            .claim_job("w-priv", Utc::now(), lease)
            .await
            .unwrap()
            .unwrap();
        let result = json!({"records": 1, "consistency": {"samples": [
            {"employee_id": UID, "field": "full_name", "wfm": format!("{LASTNAME} {FIRSTNAME}"),
             "zup": format!("{LASTNAME} {FIRSTNAME} {PATRONYMIC}")}]},
            "refused": [{"agent_id": agent.id, "employee_id": UID, "message": format!("Employee ID {UID} not found")}]});
        let outcome = JobOutcome::Dead {
            error: format!("1C employee tabN {TAB_N}: the login {LOGIN} belongs to another"),
            result: Some(result),
        };
        store
            .finish_job(claimed.id, "w-priv", &outcome)
            .await
            .unwrap();
        if claimed.id == job.id {
            break;
        }
    }
    // A requeue puts the dead job's before and after in the audit log.
    store.requeue_job(job.id, &actor("c-pe-3")).await.unwrap();
    store
        .append_integration_log(&[NewLogEntry {
            at: day(11),
            correlation_id: "c-pe-4".into(),
            system: "zup".into(),
            operation: "sendSchedule".into(),
            direction: "outbound".into(),
            outcome: "failure".into(),
            error: Some(format!("Employee ID {UID} ({SN}, {DB_ID}) not found")),
            initiator: "schedule".into(),
            ..Default::default()
        }])
        .await
        .unwrap();
}

pub async fn erasure(store: &Arc<dyn Store>, pool: &AnyPool) {
    let (site, _) = structure(store, "Privacy erasure").await;
    let synced = store
        .apply_personnel(&import(site.id), &actor("c-pe-1"))
        .await
        .unwrap();
    assert_eq!(synced.created, 1);
    let stored = store.zup_employees().await.unwrap();
    let link = stored.iter().find(|e| e.employee.id == UID).unwrap();
    let agent = store.get_agent(link.agent_id).await.unwrap();
    assert_eq!(agent.external_id, LOGIN);
    a_day_of_work(store, &agent).await;
    let before_scan = scan(pool, store.backend(), &NEEDLES).await;
    for needle in NEEDLES {
        assert!(
            before_scan.iter().any(|(_, n)| n == needle),
            "{needle} was stored: {before_scan:?}"
        );
    }
    let events = |s: Arc<dyn Store>| async move {
        s.events_between(day(0), day(23), 0, 1000).await.unwrap()
    };
    let events_before = events(store.clone()).await;
    let audit_before: Vec<String> = raw_audit(pool).await;
    let agent_audit = store
        .list_audit(&AuditFilter {
            entity: Some("agent".into()),
            entity_id: Some(agent.id.to_string()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        agent_audit[0].after.as_ref().unwrap()["full_name"],
        agent.full_name
    );

    let Erasure {
        deletion: erased,
        person,
    } = store
        .erase_person(
            &ErasureSubject::Agent(agent.id),
            ErasureSource::Api,
            &actor("c-pe-9"),
        )
        .await
        .unwrap();
    // Whom it erased comes back once, for the caller's memory: what identified them (the
    // area is employment data, not an identifier), and never in its `Debug`.
    assert_eq!(
        (person.agent_id, person.uid.as_deref(), &person.logins),
        (Some(agent.id), Some(UID), &vec![LOGIN.to_string()])
    );
    for needle in NEEDLES.iter().filter(|n| **n != AREA) {
        assert!(
            person.identifiers.iter().any(|i| i.contains(needle)),
            "{needle} identifies them"
        );
    }
    assert_eq!(person.pseudonym, erased.pseudonym);
    assert!(!format!("{person:?}").contains(LOGIN));
    let pushed = format!("argus:CC:{LOGIN}:Ready:1804057200:1");
    assert_eq!(
        person.scrub_event_id(&pushed),
        Some(format!(
            "argus:CC:{}:Ready:1804057200:1",
            erased.pseudonym.as_deref().unwrap()
        ))
    );
    assert_eq!(
        person
            .scrub_text(&format!("no agent with login {LOGIN:?}"))
            .as_deref(),
        Some(r#"no agent with login "[erased]""#)
    );
    assert_eq!(
        (erased.agent_id, erased.state),
        (Some(agent.id), DeletionState::Completed)
    );
    assert_eq!(erased.requested_by, "user:conformance");
    assert!(erased.completed_at.is_some());
    for c in [
        category::NAMES,
        category::PERSONNEL_NUMBER,
        category::LOGINS,
        category::IDENTIFIERS,
        category::EMPLOYMENT,
        category::AUDIT_FIELDS,
        category::FREE_TEXT,
    ] {
        assert!(
            erased.categories.iter().any(|x| x == c),
            "{c} in {:?}",
            erased.categories
        );
    }
    assert_eq!(store.get_privacy_deletion(erased.id).await.unwrap(), erased);

    // Zero hits in every table of the database.
    let hits = scan(pool, store.backend(), &NEEDLES).await;
    assert!(hits.is_empty(), "left behind: {hits:?}");

    // The agent keeps its id under the pseudonym; its events are the same.
    let pseudonym = erased.pseudonym.clone().unwrap();
    assert!(
        pseudonym.starts_with("erased-") && pseudonym.len() > 14,
        "{pseudonym}"
    );
    let now = store.get_agent(agent.id).await.unwrap();
    assert_eq!(
        (now.external_id.as_str(), now.full_name.as_str()),
        (pseudonym.as_str(), pseudonym.as_str())
    );
    assert_eq!(now.personnel_number, None);
    assert_eq!(now.primary_group_id, agent.primary_group_id);
    assert_eq!(
        events(store.clone()).await,
        events_before,
        "statistics keep their events"
    );
    assert!(
        store
            .zup_employees()
            .await
            .unwrap()
            .iter()
            .all(|e| e.employee.id != UID)
    );
    assert!(store.norm_hours(Some(UID)).await.unwrap().is_empty());

    // The audit rows are untouched; the person's fields now read [erased].
    let audit_after = raw_audit(pool).await;
    assert_eq!(
        audit_after[..audit_before.len()],
        audit_before[..],
        "no audit row changed"
    );
    let shredded = store
        .list_audit(&AuditFilter {
            entity: Some("agent".into()),
            entity_id: Some(agent.id.to_string()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(shredded.len(), agent_audit.len());
    let after = shredded[0].after.as_ref().unwrap();
    for field in ["external_id", "full_name", "personnel_number"] {
        assert_eq!(after[field], "[erased]", "{field}");
    }
    assert_eq!(after["id"], agent.id);
    let logged = audit_of(store, "c-pe-9").await;
    assert_eq!(logged.len(), 1);
    assert_eq!(
        (logged[0].entity.as_str(), logged[0].action.as_str()),
        ("privacy_deletion", "erase")
    );
    assert_eq!(logged[0].entity_id, erased.id.to_string());
    assert_eq!(
        logged[0].after,
        Some(
            json!({"agent_id": agent.id, "pseudonym": pseudonym, "source": "api",
                    "categories": erased.categories})
        )
    );

    // Again: a conflict, and nothing new written. An unknown agent: not found.
    assert!(matches!(
        store
            .erase_person(
                &ErasureSubject::Agent(agent.id),
                ErasureSource::Api,
                &actor("c-pe-10")
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .erase_person(
                &ErasureSubject::Agent(987_654_321),
                ErasureSource::Api,
                &actor("c-pe-10")
            )
            .await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(audit_of(store, "c-pe-10").await.is_empty());

    // 1C still delivers the person: the sync leaves them out.
    let again = store
        .apply_personnel(&import(site.id), &actor("c-pe-11"))
        .await
        .unwrap();
    assert_eq!(
        (again.created, again.updated, again.erased_skipped),
        (0, 0, 1),
        "{again:?}"
    );
    assert_eq!(
        store
            .erased_zup_employees(&[UID.into(), "someone".into()])
            .await
            .unwrap(),
        [UID]
    );
    assert!(scan(pool, store.backend(), &NEEDLES).await.is_empty());
}

async fn raw_audit(pool: &AnyPool) -> Vec<String> {
    sqlx::query("SELECT id, at, actor, action, entity, entity_id, before_json, after_json FROM audit_log ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let id: i64 = r.try_get("id").unwrap();
            let before: Option<String> = r.try_get("before_json").unwrap();
            let after: Option<String> = r.try_get("after_json").unwrap();
            let entity: String = r.try_get("entity").unwrap();
            format!("{id}|{entity}|{before:?}|{after:?}")
        })
        .collect()
}

/// A deletion notice for an employee WFM never stored: a tombstone, and no agent ever.
pub async fn notice_of_an_unknown_employee(store: &Arc<dyn Store>) {
    let (site, _) = structure(store, "Privacy notice").await;
    let uid = "uid-never-synced-Wq";
    let Erasure {
        deletion: erased,
        person,
    } = store
        .erase_person(
            &ErasureSubject::ZupEmployee(uid.into()),
            ErasureSource::Zup,
            &Actor::system("c-pn-1"),
        )
        .await
        .unwrap();
    assert_eq!(
        (person.agent_id, person.uid.as_deref(), person.logins.len()),
        (None, Some(uid), 0)
    );
    assert_eq!((erased.agent_id, erased.source), (None, ErasureSource::Zup));
    assert_eq!(erased.requested_by, "system");
    let mut later = import(site.id);
    later.employees[0].id = uid.into();
    later.employees[0].tab_n = "TN-never".into();
    later.employees[0].login = Some("never-login-Wq".into());
    let synced = store
        .apply_personnel(&later, &actor("c-pn-2"))
        .await
        .unwrap();
    assert_eq!((synced.created, synced.erased_skipped), (0, 1));
    assert!(
        store
            .list_agents()
            .await
            .unwrap()
            .iter()
            .all(|a| a.external_id != "never-login-Wq")
    );
    assert!(matches!(
        store
            .erase_person(
                &ErasureSubject::ZupEmployee(uid.into()),
                ErasureSource::Zup,
                &Actor::system("c-pn-3")
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
}

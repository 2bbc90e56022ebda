//! Conformance of 1C personnel syncs: departments to services and groups (created, adopted,
//! renamed), employees to agents (created, adopted, updated, deactivated), an unchanged
//! re-sync that writes nothing, a clash that writes nothing, and a sync at scale.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use chrono::NaiveDate;
use wfm_core::zup::personnel::{Department, Employee, VacationBalance};
use wfm_store::integration::*;
use wfm_store::model::*;
use wfm_store::{Store, StoreError};

use super::{actor, agent_input, audit_of};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn today() -> NaiveDate {
    date(2026, 6, 15)
}

fn department(id: &str, name: &str, parent: Option<&str>) -> Department {
    Department {
        id: id.into(),
        name: name.into(),
        parent_id: parent.map(str::to_string),
    }
}

fn employee(n: u32, department_id: &str, login: Option<&str>) -> Employee {
    Employee {
        id: format!("emp-{n:05}"),
        tab_n: format!("T-{n:05}"),
        lastname: format!("Last{n}"),
        firstname: format!("First{n}"),
        secondname: format!("Middle{n}"),
        startwork: date(2020, 1, 1),
        finishwork: None,
        position_id: if n % 2 == 0 { "pos-op" } else { "pos-senior" }.into(),
        position: if n % 2 == 0 {
            "Operator"
        } else {
            "Senior operator"
        }
        .into(),
        position_change_date: None,
        department_id: department_id.into(),
        rate: 1.0,
        login: login.map(str::to_string),
        norm_week: 40.0,
        norm_week_change_date: date(2020, 1, 1),
        sn: None,
        db_id: Some("db-1".into()),
        area: None,
        vacation: vec![VacationBalance {
            date: date(2026, 1, 1),
            days: 2.33,
        }],
    }
}

fn departments() -> Vec<Department> {
    vec![
        // A child listed before its parent.
        department("d-l1", "Line 1", Some("d-cc")),
        department("d-cc", "Contact center", None),
        department("d-l2", "Line 2", Some("d-cc")),
        department("d-ad", "Adopted service", None),
        department("d-ad-x", "Mail", Some("d-ad")),
        department("d-bo", "Back office", None),
        department("d-orphan", "Orphan", Some("d-missing")),
    ]
}

fn first_employees() -> Vec<Employee> {
    let mut terminated = employee(6, "d-l1", Some("login-6"));
    terminated.finishwork = Some(date(2026, 5, 31));
    let mut remote = employee(5, "d-bo", Some("login-5"));
    remote.area = Some("ZUP remote".into());
    vec![
        employee(1, "d-l1", Some("login-1")),
        employee(2, "d-l2", None),
        employee(3, "d-l1", Some("login-3")),
        employee(4, "d-ad-x", Some("login-4")),
        remote,
        terminated,
    ]
}

async fn site(store: &Arc<dyn Store>, name: &str) -> Site {
    let input = SiteInput {
        name: name.into(),
        time_zone: "Europe/Moscow".into(),
        interval_minutes: 15,
    };
    store
        .create_site(&input, &actor("c-zup-setup"))
        .await
        .unwrap()
}

async fn employees_by_id(store: &Arc<dyn Store>) -> HashMap<String, StoredEmployee> {
    let all = store.zup_employees().await.unwrap();
    let ids: Vec<&str> = all.iter().map(|e| e.employee.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "ordered by id");
    all.into_iter()
        .map(|e| (e.employee.id.clone(), e))
        .collect()
}

pub async fn run(store: &Arc<dyn Store>) {
    let main = site(store, "ZUP main").await;
    let remote = site(store, "ZUP remote").await;
    let adopted = store
        .create_service(
            &ServiceInput {
                site_id: main.id,
                name: "Adopted service".into(),
            },
            &actor("c-zup-setup"),
        )
        .await
        .unwrap();
    // Agents that exist before the first sync: one by personnel number, one by login.
    let mut legacy = agent_input(main.id, "legacy-3", &[]);
    legacy.personnel_number = Some("T-00003".into());
    let legacy = store
        .create_agent(&legacy, &actor("c-zup-setup"))
        .await
        .unwrap();
    let mut by_login = agent_input(main.id, "login-4", &[]);
    by_login.personnel_number = None;
    let by_login = store
        .create_agent(&by_login, &actor("c-zup-setup"))
        .await
        .unwrap();

    let import = PersonnelImport {
        departments: departments(),
        employees: first_employees(),
        today: today(),
        site_id: main.id,
    };
    let result = store
        .apply_personnel(&import, &actor("c-zup-1"))
        .await
        .unwrap();
    assert_eq!(
        result,
        PersonnelResult {
            created: 4,
            updated: 2,
            deactivated: 0,
            unchanged: 0,
            departments_created: 7,
            departments_updated: 0,
            services_created: 3,
            groups_created: 3,
            positions: 2,
            erased_skipped: 0,
        }
    );

    let deps: HashMap<String, StoredDepartment> = store
        .zup_departments()
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.department.id.clone(), d))
        .collect();
    assert_eq!(deps.len(), 7);
    let cc = &deps["d-cc"];
    assert_eq!(
        (cc.group_id, cc.department.name.as_str()),
        (None, "Contact center")
    );
    let cc_service = store.get_service(cc.service_id.unwrap()).await.unwrap();
    assert_eq!(
        (cc_service.name.as_str(), cc_service.site_id),
        ("Contact center", main.id)
    );
    assert_eq!(deps["d-ad"].service_id, Some(adopted.id), "adopted by name");
    assert!(
        deps["d-orphan"].service_id.is_some(),
        "unknown parent: top level"
    );
    assert!(deps["d-bo"].service_id.is_some());
    let line1 = store
        .get_group(deps["d-l1"].group_id.unwrap())
        .await
        .unwrap();
    assert_eq!(
        (line1.name.as_str(), line1.service_id),
        ("Line 1", cc_service.id)
    );
    assert_eq!(
        (line1.sl_seconds, line1.grace_seconds),
        (20, 120),
        "default settings"
    );
    assert_eq!(deps["d-l1"].service_id, None);
    let mail = store
        .get_group(deps["d-ad-x"].group_id.unwrap())
        .await
        .unwrap();
    assert_eq!(mail.service_id, adopted.id);
    let line2 = deps["d-l2"].group_id.unwrap();

    let stored = employees_by_id(store).await;
    assert_eq!(stored.len(), 6);
    for e in &import.employees {
        assert_eq!(&stored[&e.id].employee, e, "stored as given");
    }
    let agent_of = |n: u32| stored[&format!("emp-{n:05}")].agent_id;
    let a1 = store.get_agent(agent_of(1)).await.unwrap();
    assert_eq!(a1.external_id, "login-1");
    assert_eq!(a1.full_name, "Last1 First1 Middle1");
    assert_eq!(a1.personnel_number.as_deref(), Some("T-00001"));
    assert_eq!(
        (a1.site_id, a1.primary_group_id, a1.active),
        (main.id, Some(line1.id), true)
    );
    assert_eq!(
        a1.skills,
        vec![Skill {
            group_id: line1.id,
            priority: 1
        }]
    );
    let a2 = store.get_agent(agent_of(2)).await.unwrap();
    assert_eq!(
        (a2.external_id.as_str(), a2.primary_group_id),
        ("T-00002", Some(line2))
    );
    assert_eq!(agent_of(3), legacy.id, "adopted by personnel number");
    let a3 = store.get_agent(legacy.id).await.unwrap();
    assert_eq!(
        (a3.external_id.as_str(), a3.primary_group_id),
        ("legacy-3", Some(line1.id))
    );
    assert_eq!(a3.full_name, "Last3 First3 Middle3");
    assert!(
        a3.skills.iter().any(|s| s.group_id == line1.id),
        "primary group as a skill"
    );
    assert_eq!(agent_of(4), by_login.id, "adopted by login");
    let a5 = store.get_agent(agent_of(5)).await.unwrap();
    assert_eq!(
        (a5.site_id, a5.primary_group_id),
        (remote.id, None),
        "area site; service only"
    );
    assert!(a5.skills.is_empty());
    let a6 = store.get_agent(agent_of(6)).await.unwrap();
    assert!(
        !a6.active && !stored["emp-00006"].active,
        "terminated before today"
    );
    assert!(stored["emp-00001"].active);

    let audit = audit_of(store, "c-zup-1").await;
    let count = |action: &str, entity: &str| {
        audit
            .iter()
            .filter(|a| a.action == action && a.entity == entity)
            .count()
    };
    assert_eq!(
        (count("create", "service"), count("create", "group")),
        (3, 3)
    );
    assert_eq!((count("create", "agent"), count("update", "agent")), (4, 2));
    assert_eq!(audit.len(), 12);
    let created = audit
        .iter()
        .find(|a| a.action == "create" && a.entity_id == a1.id.to_string())
        .unwrap();
    assert_eq!(
        created.after,
        Some(serde_json::to_value(&a1).unwrap()),
        "as the API shows it"
    );
    let updated = audit
        .iter()
        .find(|a| a.action == "update" && a.entity_id == legacy.id.to_string())
        .unwrap();
    assert_eq!(updated.before, Some(serde_json::to_value(&legacy).unwrap()));
    assert_eq!(updated.after, Some(serde_json::to_value(&a3).unwrap()));

    // The same answer again changes nothing.
    let agents_before = store.list_agents().await.unwrap();
    let again = store
        .apply_personnel(&import, &actor("c-zup-2"))
        .await
        .unwrap();
    assert_eq!(
        again,
        PersonnelResult {
            unchanged: 6,
            positions: 2,
            ..Default::default()
        }
    );
    assert!(
        audit_of(store, "c-zup-2").await.is_empty(),
        "nothing audited"
    );
    assert_eq!(store.list_agents().await.unwrap(), agents_before);
    let resynced = employees_by_id(store).await;
    for (id, e) in &stored {
        assert_eq!(
            (&resynced[id].employee, resynced[id].agent_id),
            (&e.employee, e.agent_id)
        );
        assert!(resynced[id].synced_at >= e.synced_at);
    }

    changes(store, &import, &resynced, line1.id).await;
    clash(store, &import).await;
    bad_site(store).await;
    at_scale(store).await;
}

/// A rename, a position change, a termination and a new hire; an employee left out stays.
async fn changes(
    store: &Arc<dyn Store>,
    first: &PersonnelImport,
    stored: &HashMap<String, StoredEmployee>,
    line1: i64,
) {
    let mut import = first.clone();
    import.departments[0].name = "Line One".into();
    import.employees[1].position_id = "pos-lead".into();
    import.employees[1].position = "Team lead".into();
    import.employees[0].finishwork = Some(date(2026, 6, 1));
    import.employees.retain(|e| e.id != "emp-00005");
    import.employees.push(employee(7, "d-l2", Some("login-7")));
    let result = store
        .apply_personnel(&import, &actor("c-zup-3"))
        .await
        .unwrap();
    assert_eq!(
        result,
        PersonnelResult {
            created: 1,
            updated: 1,
            deactivated: 1,
            unchanged: 3,
            departments_updated: 1,
            positions: 3,
            ..Default::default()
        }
    );
    let group = store.get_group(line1).await.unwrap();
    assert_eq!(group.name, "Line One", "the linked group is renamed");
    let audit = audit_of(store, "c-zup-3").await;
    let mut seen: Vec<(&str, &str)> = audit
        .iter()
        .map(|a| (a.action.as_str(), a.entity.as_str()))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("create", "agent"),
            ("update", "agent"),
            ("update", "group")
        ]
    );
    let now = employees_by_id(store).await;
    assert_eq!(now.len(), 7);
    assert_eq!(now["emp-00002"].employee.position, "Team lead");
    assert!(
        !store
            .get_agent(now["emp-00001"].agent_id)
            .await
            .unwrap()
            .active
    );
    assert_eq!(now["emp-00005"], stored["emp-00005"], "left as it was");
    assert!(
        store
            .get_agent(now["emp-00005"].agent_id)
            .await
            .unwrap()
            .active
    );
    let hire = store.get_agent(now["emp-00007"].agent_id).await.unwrap();
    assert_eq!(hire.external_id, "login-7");
    let renamed = store.zup_departments().await.unwrap();
    assert_eq!(
        renamed
            .iter()
            .find(|d| d.department.id == "d-l1")
            .unwrap()
            .department
            .name,
        "Line One"
    );
}

/// A new employee whose login an agent of another employee holds: Conflict, nothing written.
async fn clash(store: &Arc<dyn Store>, first: &PersonnelImport) {
    let departments_before = store.zup_departments().await.unwrap();
    let employees_before = store.zup_employees().await.unwrap();
    let agents_before = store.list_agents().await.unwrap();
    let mut import = first.clone();
    import.departments[2].name = "Line 2 renamed".into();
    import
        .departments
        .push(department("d-new", "New service", None));
    import.employees.push(employee(9, "d-new", Some("login-9")));
    import.employees.push(employee(8, "d-l2", Some("login-1")));
    match store.apply_personnel(&import, &actor("c-zup-4")).await {
        Err(StoreError::Conflict(message)) => assert!(message.contains("T-00008"), "{message}"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(store.zup_departments().await.unwrap(), departments_before);
    assert_eq!(store.zup_employees().await.unwrap(), employees_before);
    assert_eq!(store.list_agents().await.unwrap(), agents_before);
    assert!(audit_of(store, "c-zup-4").await.is_empty());
    assert!(
        !store
            .list_services()
            .await
            .unwrap()
            .iter()
            .any(|s| s.name == "New service"),
        "rolled back"
    );
}

async fn bad_site(store: &Arc<dyn Store>) {
    let import = PersonnelImport {
        departments: vec![department("d-x", "X", None)],
        employees: vec![employee(90, "d-x", Some("login-90"))],
        today: today(),
        site_id: 987_654,
    };
    assert!(matches!(
        store.apply_personnel(&import, &actor("c-zup-5")).await,
        Err(StoreError::InvalidReference { field, .. }) if field == "site_id"
    ));
}

/// 10,000 employees in 500 departments: everything created, then an identical re-sync that
/// changes nothing.
async fn at_scale(store: &Arc<dyn Store>) {
    let bulk = site(store, "ZUP bulk").await;
    let mut departments = Vec::new();
    for t in 0..25 {
        departments.push(department(
            &format!("bulk-{t:02}"),
            &format!("Bulk service {t}"),
            None,
        ));
        for c in 0..19 {
            departments.push(department(
                &format!("bulk-{t:02}-{c:02}"),
                &format!("Bulk group {t}-{c}"),
                Some(&format!("bulk-{t:02}")),
            ));
        }
    }
    let employees: Vec<Employee> = (0..10_000u32)
        .map(|i| {
            let dep = &departments[1 + (i as usize % 499)].id;
            let mut e = employee(100_000 + i, dep, Some(&format!("bulk-login-{i}")));
            if i % 10 == 0 {
                e.login = None;
            }
            e
        })
        .collect();
    let import = PersonnelImport {
        departments,
        employees,
        today: today(),
        site_id: bulk.id,
    };
    let started = Instant::now();
    let first = store
        .apply_personnel(&import, &actor("c-zup-bulk-1"))
        .await
        .unwrap();
    let first_took = started.elapsed();
    assert_eq!(first.created, 10_000);
    assert_eq!((first.services_created, first.groups_created), (25, 475));
    assert_eq!(first.departments_created, 500);
    let started = Instant::now();
    let second = store
        .apply_personnel(&import, &actor("c-zup-bulk-2"))
        .await
        .unwrap();
    let second_took = started.elapsed();
    assert_eq!(
        second,
        PersonnelResult {
            unchanged: 10_000,
            positions: 2,
            ..Default::default()
        }
    );
    assert!(audit_of(store, "c-zup-bulk-2").await.is_empty());
    let stored = store.zup_employees().await.unwrap();
    assert_eq!(stored.len(), 7 + 10_000);
    eprintln!(
        "{:?}: personnel sync of 10,000 employees in 500 departments: first {first_took:?}, identical again {second_took:?}",
        store.backend()
    );
}

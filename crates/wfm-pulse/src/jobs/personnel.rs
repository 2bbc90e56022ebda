//! Personnel sync (1C -> WFM): reads departments, employees and vacation balances with
//! `agents`, reports field by field where WFM and 1C disagree, then applies the answer in
//! one transaction (services, groups, agents; terminated agents deactivated, never deleted).
//! An employee marked `deletionRequested` is erased (GDPR) instead; erased employees are
//! left out of everything, the report included, and never come back.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Value, json};
use wfm_core::zup::consistency::{Discrepancy, PersonnelRecord, compare};
use wfm_core::zup::personnel::{Department, Employee, VacationBalance};
use wfm_store::StoreError;
use wfm_store::integration::PersonnelImport;
use wfm_store::model::Actor;
use wfm_store::privacy::{ErasureSource, ErasureSubject};

use super::scope::Scope;
use super::{Failure, Run};
use crate::integrations::zup::contract::{AgentJson, DepartmentJson};

/// Samples of discrepancies kept in the job's result.
const SAMPLES: usize = 100;

pub async fn run(run: &Run<'_>, scope: &Scope) -> Result<Value, Failure> {
    let (from, to) = scope.period();
    let answer = run.zup().agents(&run.ctx, from, to).await?;
    let total = answer.agents.len() as u64;
    run.progress(0, total).await;
    let departments: Vec<Department> = answer.departments.iter().map(department).collect();
    let (erased, left_out) = erase_requested(run, &answer.agents).await?;
    let mut employees = Vec::with_capacity(answer.agents.len());
    let mut skipped = Vec::new();
    for a in answer
        .agents
        .iter()
        .filter(|a| !left_out.contains(&a.agent_id))
    {
        match employee(a) {
            Ok(e) => employees.push(e),
            Err(why) => skipped.push(json!({"employee_id": a.agent_id, "reason": why})),
        }
    }
    let discrepancies = consistency(&**run.store(), &departments, &employees).await?;
    // Corruption halts automatic synchronization here, before anything is applied.
    super::guard::after_sync(run, &employees, &discrepancies).await?;
    let sites = run.store().list_sites().await?;
    let Some(site) = sites.first() else {
        return Err(Failure::fatal(
            "there is no site to place 1C ZUP's departments in: create one (POST /api/v1/sites)",
        ));
    };
    let import = PersonnelImport {
        departments,
        employees,
        today: run.today,
        site_id: site.id,
    };
    let result = run.store().apply_personnel(&import, &run.actor()).await?;
    run.live().changed();
    run.progress(total, total).await;
    let mut by_field: BTreeMap<&str, u64> = BTreeMap::new();
    for d in &discrepancies {
        *by_field.entry(d.field).or_default() += 1;
    }
    Ok(json!({
        "records": total,
        "received": {"employees": total, "departments": import.departments.len()},
        "created": result.created,
        "updated": result.updated,
        "deactivated": result.deactivated,
        "unchanged": result.unchanged,
        "departments_created": result.departments_created,
        "departments_updated": result.departments_updated,
        "services_created": result.services_created,
        "groups_created": result.groups_created,
        "positions": result.positions,
        "erased": erased,
        "erased_skipped": left_out.len() as u64 + result.erased_skipped,
        "skipped": skipped,
        "consistency": {
            "discrepancies": discrepancies.len(),
            "by_field": by_field,
            "samples": discrepancies.iter().take(SAMPLES).collect::<Vec<&Discrepancy>>(),
        },
    }))
}

/// Erases the employees 1C marks `deletionRequested` that are not erased yet; returns how
/// many it erased and the UIDs to leave out of the sync (every erased employee).
async fn erase_requested(
    run: &Run<'_>,
    agents: &[AgentJson],
) -> Result<(u64, HashSet<String>), Failure> {
    let uids: Vec<String> = agents.iter().map(|a| a.agent_id.clone()).collect();
    let mut left_out: HashSet<String> = run
        .store()
        .erased_zup_employees(&uids)
        .await?
        .into_iter()
        .collect();
    let mut erased = 0;
    for a in agents.iter().filter(|a| a.deletion_requested) {
        if left_out.contains(&a.agent_id) || a.agent_id.trim().is_empty() {
            left_out.insert(a.agent_id.clone());
            continue;
        }
        // The notice comes from 1C, not from whoever triggered the sync.
        let actor = Actor::system(run.actor().correlation_id);
        let subject = ErasureSubject::ZupEmployee(a.agent_id.clone());
        match run.jobs.erase(&subject, ErasureSource::Zup, &actor).await {
            Ok(_) => erased += 1,
            // Erased meanwhile (another instance's sync).
            Err(StoreError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
        left_out.insert(a.agent_id.clone());
    }
    Ok((erased, left_out))
}

pub(super) fn department(d: &DepartmentJson) -> Department {
    Department {
        id: d.department_id.clone(),
        name: d.department.clone(),
        parent_id: d.parent_department_id.clone().filter(|p| !p.is_empty()),
    }
}

/// An employee of the answer, or why it cannot be taken.
pub(super) fn employee(a: &AgentJson) -> Result<Employee, String> {
    let required = [
        ("agentId", &a.agent_id),
        ("tabN", &a.tab_n),
        ("lastname", &a.lastname),
        ("departmentId", &a.department_id),
    ];
    if let Some((name, _)) = required.iter().find(|(_, v)| v.trim().is_empty()) {
        return Err(format!("{name} is empty"));
    }
    if !(a.rate > 0.0 && a.rate <= 2.0) {
        return Err(format!("rate {} is outside (0, 2]", a.rate));
    }
    if !(a.norm_week > 0.0 && a.norm_week <= 60.0) {
        return Err(format!("normWeek {} is outside (0, 60]", a.norm_week));
    }
    Ok(Employee {
        id: a.agent_id.clone(),
        tab_n: a.tab_n.clone(),
        lastname: a.lastname.clone(),
        firstname: a.firstname.clone(),
        secondname: a.secondname.clone(),
        startwork: a.startwork,
        finishwork: a.finishwork,
        position_id: a.position_id.clone(),
        position: a.position.clone(),
        position_change_date: a.position_change_date,
        department_id: a.department_id.clone(),
        rate: a.rate,
        login: a.login.clone().filter(|l| !l.trim().is_empty()),
        norm_week: a.norm_week,
        norm_week_change_date: a.norm_week_change_date,
        sn: a.sn.clone(),
        db_id: a.db_id.clone(),
        area: a.area.clone(),
        vacation: a
            .vacation
            .iter()
            .map(|v| VacationBalance {
                date: v.date,
                days: v.vacation,
            })
            .collect(),
    })
}

/// WFM's personnel (agents with what the last sync stored) against 1C's answer. Employees
/// WFM has never seen are new hires, not discrepancies.
pub(super) async fn consistency(
    store: &dyn wfm_store::Store,
    departments: &[Department],
    employees: &[Employee],
) -> Result<Vec<Discrepancy>, Failure> {
    let stored = store.zup_employees().await?;
    let stored_departments = store.zup_departments().await?;
    let agents: HashMap<i64, _> = store
        .list_agents()
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let known_names: HashMap<&str, &str> = stored_departments
        .iter()
        .map(|d| (d.department.id.as_str(), d.department.name.as_str()))
        .collect();
    let wfm: Vec<PersonnelRecord> = stored
        .iter()
        .filter_map(|s| {
            let agent = agents.get(&s.agent_id)?;
            let mut r = PersonnelRecord::of(
                &s.employee,
                known_names
                    .get(s.employee.department_id.as_str())
                    .copied()
                    .unwrap_or(""),
            );
            r.tab_n = agent.personnel_number.clone().unwrap_or_default();
            r.full_name = agent.full_name.clone();
            Some(r)
        })
        .collect();
    let names: HashMap<&str, &str> = departments
        .iter()
        .map(|d| (d.id.as_str(), d.name.as_str()))
        .collect();
    let known: std::collections::HashSet<&str> =
        stored.iter().map(|s| s.employee.id.as_str()).collect();
    let zup: Vec<PersonnelRecord> = employees
        .iter()
        .filter(|e| known.contains(e.id.as_str()))
        .map(|e| {
            PersonnelRecord::of(
                e,
                names.get(e.department_id.as_str()).copied().unwrap_or(""),
            )
        })
        .collect();
    // Employees 1C no longer delivers (terminated over a month ago) are expected to be gone.
    let delivered: std::collections::HashSet<&str> =
        employees.iter().map(|e| e.id.as_str()).collect();
    let wfm: Vec<PersonnelRecord> = wfm
        .into_iter()
        .filter(|r| delivered.contains(r.employee_id.as_str()))
        .collect();
    Ok(compare(&wfm, &zup))
}

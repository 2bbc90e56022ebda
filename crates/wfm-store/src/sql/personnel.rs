//! Applying a 1C personnel answer: departments to services and groups, positions, and
//! employees to agents (created, updated, deactivated), in one write transaction. The
//! stored state is loaded once, the changes are computed in memory, then written in
//! multi-row statements, so a large answer applies in seconds and an unchanged one writes
//! next to nothing. Employees whose personal data was erased (tombstoned) are left out.

use async_trait::async_trait;
use std::collections::{HashMap, HashSet};

use sqlx::{AnyConnection, Row};
use wfm_core::zup::personnel::Employee;

use super::audit::{self, Change};
use super::table::{Table, write_update};
use super::zup::{self, EmployeeRow};
use super::{SqlStore, codec, departments, privacy, time};
use crate::error::{StoreError, StoreResult};
use crate::integration::{PersonnelImport, PersonnelResult};
use crate::model::{Actor, Agent, AgentInput, Site, Skill};
use crate::store::PersonnelSync;

/// Agents per INSERT statement (8 parameters each). SQLite looks `$n` parameters up by
/// name in a list, so a statement's cost grows with the square of its parameters: a few
/// hundred parameters a statement is the fastest.
const AGENT_CHUNK: usize = 40;
/// Skills per INSERT statement: 3 parameters each.
const SKILL_CHUNK: usize = 100;

/// The agents as stored, indexed the ways an employee is matched to one.
struct Agents {
    list: Vec<Agent>,
    by_id: HashMap<i64, usize>,
    by_external: HashMap<String, i64>,
    by_number: HashMap<String, Vec<i64>>,
}

impl Agents {
    fn new(list: Vec<Agent>) -> Self {
        let mut by_number: HashMap<String, Vec<i64>> = HashMap::new();
        for a in &list {
            if let Some(n) = &a.personnel_number {
                by_number.entry(n.clone()).or_default().push(a.id);
            }
        }
        Self {
            by_id: list.iter().enumerate().map(|(i, a)| (a.id, i)).collect(),
            by_external: list.iter().map(|a| (a.external_id.clone(), a.id)).collect(),
            by_number,
            list,
        }
    }

    fn get(&self, id: i64) -> Option<&Agent> {
        self.by_id.get(&id).map(|&i| &self.list[i])
    }
}

/// What the sync will write for the employees.
#[derive(Default)]
struct Plan {
    creates: Vec<AgentInput>,
    updates: Vec<(Agent, AgentInput)>,
    /// Employee rows to upsert; those of new agents get their agent id once inserted.
    rows: Vec<EmployeeRow>,
    pending: Vec<(usize, String)>,
    unchanged: Vec<String>,
}

fn input_of(a: &Agent) -> AgentInput {
    AgentInput {
        external_id: a.external_id.clone(),
        full_name: a.full_name.clone(),
        personnel_number: a.personnel_number.clone(),
        site_id: a.site_id,
        primary_group_id: a.primary_group_id,
        active: a.active,
        skills: a.skills.clone(),
    }
}

/// The agent as the API would show it after the write (skills in stored order).
fn agent_after(id: i64, input: &AgentInput, created_ms: i64, now: i64) -> StoreResult<Agent> {
    let at = |ms| time::from_ms(ms).map_err(zup::err);
    let mut skills = input.skills.clone();
    skills.sort_by_key(|s| (s.priority, s.group_id));
    Ok(Agent {
        id,
        external_id: input.external_id.clone(),
        full_name: input.full_name.clone(),
        personnel_number: input.personnel_number.clone(),
        site_id: input.site_id,
        primary_group_id: input.primary_group_id,
        active: input.active,
        skills,
        created_at: at(created_ms)?,
        updated_at: at(now)?,
    })
}

/// The login an employee's agent goes by: 1C's login, or the personnel number without one.
fn login_of(e: &Employee) -> &str {
    match e.login.as_deref().map(str::trim) {
        Some(l) if !l.is_empty() => l,
        _ => &e.tab_n,
    }
}

/// Decides, for every employee of the import, its agent and what changes, counting in
/// `result`; writes nothing.
fn plan(
    import: &PersonnelImport,
    agents: &Agents,
    stored: &HashMap<String, EmployeeRow>,
    departments: &departments::Departments,
    sites: &HashMap<String, i64>,
    erased: &HashSet<String>,
    result: &mut PersonnelResult,
) -> StoreResult<Plan> {
    // The employee each agent belongs to: stored links, then this sync's decisions.
    let mut owner: HashMap<i64, &str> = stored
        .values()
        .map(|r| (r.agent_id, r.id.as_str()))
        .collect();
    let mut new_logins: HashSet<String> = HashSet::new();
    let mut last: HashMap<&str, usize> = HashMap::new();
    for (i, e) in import.employees.iter().enumerate() {
        last.insert(&e.id, i);
    }
    let mut plan = Plan::default();
    for (i, e) in import.employees.iter().enumerate() {
        if last.get(e.id.as_str()) != Some(&i) {
            continue;
        }
        if !erased.is_empty() && erased.contains(&privacy::tombstone(&e.id)) {
            result.erased_skipped += 1;
            continue;
        }
        let free = |id: &i64| owner.get(id).is_none_or(|o| *o == e.id);
        let group = departments.group_of(&e.department_id);
        let active = e.active_on(import.today);
        let login = login_of(e);
        let found = stored
            .get(&e.id)
            .map(|r| r.agent_id)
            .filter(|id| agents.by_id.contains_key(id))
            .or_else(|| {
                let ids = agents.by_number.get(&e.tab_n)?;
                ids.iter().find(|id| free(id)).copied()
            })
            .or_else(|| agents.by_external.get(login).filter(|id| free(id)).copied());
        let Some(agent) = found.and_then(|id| agents.get(id)) else {
            if agents.by_external.contains_key(login) || !new_logins.insert(login.to_string()) {
                return Err(StoreError::Conflict(format!(
                    "1C employee tabN {}: the login {login} belongs to the agent of another employee",
                    e.tab_n
                )));
            }
            let site_id = e
                .area
                .as_ref()
                .and_then(|a| sites.get(a))
                .copied()
                .unwrap_or(import.site_id);
            plan.creates.push(AgentInput {
                external_id: login.to_string(),
                full_name: e.full_name(),
                personnel_number: Some(e.tab_n.clone()),
                site_id,
                primary_group_id: group,
                active,
                skills: group
                    .map(|group_id| Skill {
                        group_id,
                        priority: 1,
                    })
                    .into_iter()
                    .collect(),
            });
            plan.pending.push((plan.rows.len(), login.to_string()));
            plan.rows.push(EmployeeRow::new(e, 0, active)?);
            result.created += 1;
            continue;
        };
        owner.insert(agent.id, &e.id);
        let mut input = input_of(agent);
        input.full_name = e.full_name();
        input.personnel_number = Some(e.tab_n.clone());
        input.primary_group_id = group.or(agent.primary_group_id);
        input.active = active;
        let row = EmployeeRow::new(e, agent.id, active)?;
        if input != input_of(agent) {
            if let Some(g) = input.primary_group_id {
                if !input.skills.iter().any(|s| s.group_id == g) {
                    input.skills.push(Skill {
                        group_id: g,
                        priority: 1,
                    });
                }
            }
            if agent.active && !active {
                result.deactivated += 1;
            } else {
                result.updated += 1;
            }
            plan.updates.push((agent.clone(), input));
            plan.rows.push(row);
        } else if stored.get(&e.id) == Some(&row) {
            result.unchanged += 1;
            plan.unchanged.push(e.id.clone());
        } else {
            result.updated += 1;
            plan.rows.push(row);
        }
    }
    Ok(plan)
}

/// Inserts the new agents and their skills; returns them by login, as the API shows them.
async fn create_agents(
    conn: &mut AnyConnection,
    inputs: &[AgentInput],
    now: i64,
) -> StoreResult<HashMap<String, Agent>> {
    let mut created = HashMap::with_capacity(inputs.len());
    let columns = Agent::COLUMNS.len() + 2;
    for chunk in inputs.chunks(AGENT_CHUNK) {
        let sql = format!(
            "INSERT INTO agents ({}, created_at, updated_at) VALUES {} RETURNING id, external_id",
            Agent::COLUMNS.join(", "),
            codec::values(chunk.len(), columns)
        );
        let mut query = sqlx::query(&sql);
        for input in chunk {
            query = Agent::bind(input, query).bind(now).bind(now);
        }
        let rows = query
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "agent"))?;
        // RETURNING does not promise the VALUES order: match rows by their unique login.
        let ids: HashMap<String, i64> = rows
            .iter()
            .map(|r| Ok((r.try_get("external_id")?, r.try_get("id")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(zup::err)?;
        for input in chunk {
            let id = *ids
                .get(&input.external_id)
                .ok_or_else(|| StoreError::other("an inserted agent was not returned"))?;
            created.insert(input.external_id.clone(), agent_after(id, input, now, now)?);
        }
    }
    let skills: Vec<(i64, &Skill)> = inputs
        .iter()
        .filter_map(|i| created.get(&i.external_id).map(|a| (a.id, &i.skills)))
        .flat_map(|(id, skills)| skills.iter().map(move |s| (id, s)))
        .collect();
    for chunk in skills.chunks(SKILL_CHUNK) {
        let sql = format!(
            "INSERT INTO agent_skills (agent_id, group_id, priority) VALUES {}",
            codec::values(chunk.len(), 3)
        );
        let mut query = sqlx::query(&sql);
        for (agent_id, s) in chunk {
            query = query
                .bind(*agent_id)
                .bind(s.group_id)
                .bind(i64::from(s.priority));
        }
        query
            .execute(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "agent"))?;
    }
    Ok(created)
}

async fn apply(
    conn: &mut AnyConnection,
    import: &PersonnelImport,
    actor: &Actor,
) -> StoreResult<PersonnelResult> {
    let now = time::now_ms();
    let sites = Site::fetch(conn, None).await.map_err(zup::err)?;
    if !sites.iter().any(|s| s.id == import.site_id) {
        return Err(StoreError::InvalidReference {
            field: "site_id".into(),
            entity: "site",
        });
    }
    let mut site_by_name: HashMap<String, i64> = HashMap::new();
    for s in &sites {
        site_by_name.entry(s.name.clone()).or_insert(s.id);
    }
    let mut result = PersonnelResult::default();
    let departments = departments::apply(conn, import, actor, now, &mut result).await?;

    let stored_positions = zup::load_positions(conn).await?;
    let mut positions: HashMap<&str, &str> = HashMap::new();
    for e in &import.employees {
        if !e.position_id.is_empty() {
            positions.insert(&e.position_id, &e.position);
        }
    }
    result.positions = positions.len() as u64;
    let changed: Vec<(&str, &str)> = positions
        .into_iter()
        .filter(|(id, name)| stored_positions.get(*id).map(String::as_str) != Some(*name))
        .collect();
    zup::upsert_positions(conn, &changed).await?;

    let agents = Agents::new(Agent::fetch(conn, None).await.map_err(zup::err)?);
    let stored = zup::load_employees(conn).await?;
    let erased = privacy::tombstones(conn).await?;
    let mut plan = plan(
        import,
        &agents,
        &stored,
        &departments,
        &site_by_name,
        &erased,
        &mut result,
    )?;

    let mut changes = Vec::with_capacity(plan.creates.len() + plan.updates.len());
    let created = create_agents(conn, &plan.creates, now).await?;
    for (row, login) in &plan.pending {
        let agent = created
            .get(login)
            .ok_or_else(|| StoreError::other("a created agent went missing"))?;
        plan.rows[*row].agent_id = agent.id;
    }
    for input in &plan.creates {
        if let Some(agent) = created.get(&input.external_id) {
            let id = agent.id.to_string();
            changes.push(Change::of("create", "agent", id, None, Some(agent))?);
        }
    }
    for (before, input) in &plan.updates {
        write_update::<Agent>(conn, before.id, input, now)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "agent"))?;
        let created_ms = before.created_at.timestamp_millis();
        let after = agent_after(before.id, input, created_ms, now)?;
        let id = before.id.to_string();
        changes.push(Change::of(
            "update",
            "agent",
            id,
            Some(before),
            Some(&after),
        )?);
    }
    audit::record_all(conn, actor, &changes).await?;

    zup::upsert_employees(conn, &plan.rows, now).await?;
    let unchanged: Vec<&str> = plan.unchanged.iter().map(String::as_str).collect();
    zup::touch(conn, "zup_employees", &unchanged, now).await?;
    Ok(result)
}

#[async_trait]
impl PersonnelSync for SqlStore {
    /// Applies a 1C personnel answer in one write transaction; any failure writes nothing.
    async fn apply_personnel(
        &self,
        import: &PersonnelImport,
        actor: &Actor,
    ) -> StoreResult<PersonnelResult> {
        let mut tx = self.begin_write().await?;
        privacy::lock_personnel(&mut tx, self.backend).await?;
        let result = apply(&mut tx, import, actor).await?;
        tx.commit().await.map_err(zup::err)?;
        Ok(result)
    }
}

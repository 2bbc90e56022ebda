//! How a personnel sync maps 1C departments onto WFM: a top-level department becomes a
//! service, the departments below it groups of that service. Links are kept, then names
//! adopted, then records created; a renamed department renames what it is linked to.

use std::collections::HashMap;

use serde_json::json;
use sqlx::AnyConnection;
use wfm_core::zup::personnel::Department;

use super::table::{Table, create_in, update_in};
use super::zup::{self, DepartmentRow};
use crate::error::{StoreError, StoreResult};
use crate::integration::{PersonnelImport, PersonnelResult};
use crate::model::{Actor, Group, GroupInput, Service, ServiceInput};

/// The departments after a sync, with their links, for placing employees.
pub(super) struct Departments {
    rows: HashMap<String, DepartmentRow>,
}

impl Departments {
    /// The group employees of this department belong to; None when it maps to a service
    /// or is unknown.
    pub(super) fn group_of(&self, department_id: &str) -> Option<i64> {
        self.rows.get(department_id).and_then(|d| d.group_id)
    }
}

fn group_input(g: &Group, service_id: i64, name: &str) -> GroupInput {
    GroupInput {
        service_id,
        name: name.to_string(),
        external_id: g.external_id.clone(),
        channel: g.channel,
        sl_seconds: g.sl_seconds,
        sl_percent: g.sl_percent,
        max_occupancy: g.max_occupancy,
        short_abandon_seconds: g.short_abandon_seconds,
        grace_seconds: g.grace_seconds,
        thresholds: g.thresholds,
    }
}

struct Resolver<'a> {
    conn: &'a mut AnyConnection,
    actor: &'a Actor,
    site_id: i64,
    now: i64,
    imported: HashMap<&'a str, &'a Department>,
    stored: HashMap<String, DepartmentRow>,
    services: HashMap<i64, Service>,
    service_by_name: HashMap<(i64, String), i64>,
    groups: HashMap<i64, Group>,
    group_by_name: HashMap<(i64, String), i64>,
    /// Every imported department, and stored-only ancestors, with their links.
    rows: HashMap<String, DepartmentRow>,
    services_created: u64,
    groups_created: u64,
}

impl Resolver<'_> {
    fn known(&self, id: &str) -> bool {
        self.imported.contains_key(id) || self.stored.contains_key(id)
    }

    fn parent(&self, id: &str) -> Option<&str> {
        match self.imported.get(id) {
            Some(d) => d.parent_id.as_deref(),
            None => self.stored.get(id).and_then(|d| d.parent_id.as_deref()),
        }
    }

    /// The top-level ancestor: the first one whose parent is absent or unknown. In a cycle
    /// (bad data) the smallest id of the cycle stands as the top, for every member alike.
    fn top(&self, id: &str) -> String {
        let mut path: Vec<&str> = vec![id];
        let mut current = id;
        while let Some(parent) = self.parent(current).filter(|p| self.known(p)) {
            if let Some(pos) = path.iter().position(|p| *p == parent) {
                return path[pos..]
                    .iter()
                    .min()
                    .copied()
                    .unwrap_or(parent)
                    .to_string();
            }
            path.push(parent);
            current = parent;
        }
        current.to_string()
    }

    /// The department as it should be stored, with its links left to the caller.
    fn row(&self, id: &str) -> DepartmentRow {
        match (self.imported.get(id), self.stored.get(id)) {
            (Some(d), _) => DepartmentRow {
                id: d.id.clone(),
                name: d.name.clone(),
                parent_id: d.parent_id.clone(),
                service_id: None,
                group_id: None,
                synced_at: self.now,
            },
            (None, Some(s)) => s.clone(),
            (None, None) => DepartmentRow {
                id: id.to_string(),
                name: id.to_string(),
                parent_id: None,
                service_id: None,
                group_id: None,
                synced_at: self.now,
            },
        }
    }

    /// Whether the sync changes the department's name or parent (so its group may move).
    fn changed(&self, id: &str) -> bool {
        match (self.imported.get(id), self.stored.get(id)) {
            (Some(d), Some(s)) => d.name != s.name || d.parent_id != s.parent_id,
            _ => false,
        }
    }

    async fn service_for(&mut self, top: &str) -> StoreResult<i64> {
        if let Some(id) = self.rows.get(top).and_then(|r| r.service_id) {
            return Ok(id);
        }
        let mut row = self.row(top);
        let linked = self.stored.get(top).and_then(|s| s.service_id);
        let service_id = match linked {
            Some(id) if self.changed(top) => self.rename_service(id, &row.name).await?,
            Some(id) => id,
            None => self.adopt_or_create_service(&row.name).await?,
        };
        row.service_id = Some(service_id);
        row.group_id = None;
        self.rows.insert(top.to_string(), row);
        Ok(service_id)
    }

    async fn rename_service(&mut self, id: i64, name: &str) -> StoreResult<i64> {
        let Some(service) = self.services.get(&id) else {
            return self.adopt_or_create_service(name).await;
        };
        if service.name == name {
            return Ok(id);
        }
        // Another service already has the name: link to it rather than clash.
        if let Some(&other) = self
            .service_by_name
            .get(&(service.site_id, name.to_string()))
        {
            return Ok(other);
        }
        let input = ServiceInput {
            site_id: service.site_id,
            name: name.to_string(),
        };
        let old = (service.site_id, service.name.clone());
        let updated = update_in::<Service>(self.conn, id, &input, self.actor).await?;
        self.service_by_name.remove(&old);
        self.service_by_name
            .insert((updated.site_id, updated.name.clone()), id);
        self.services.insert(id, updated);
        Ok(id)
    }

    async fn adopt_or_create_service(&mut self, name: &str) -> StoreResult<i64> {
        if let Some(&id) = self.service_by_name.get(&(self.site_id, name.to_string())) {
            return Ok(id);
        }
        let input = ServiceInput {
            site_id: self.site_id,
            name: name.to_string(),
        };
        let created = create_in::<Service>(self.conn, &input, self.actor).await?;
        self.services_created += 1;
        self.service_by_name
            .insert((created.site_id, created.name.clone()), created.id);
        let id = created.id;
        self.services.insert(id, created);
        Ok(id)
    }

    async fn group_for(&mut self, id: &str, service_id: i64) -> StoreResult<i64> {
        let name = self.row(id).name;
        let linked = self.stored.get(id).and_then(|s| s.group_id);
        match linked {
            Some(g) if self.changed(id) => self.move_group(g, service_id, &name).await,
            Some(g) => Ok(g),
            None => self.adopt_or_create_group(service_id, &name).await,
        }
    }

    async fn move_group(&mut self, id: i64, service_id: i64, name: &str) -> StoreResult<i64> {
        let Some(group) = self.groups.get(&id) else {
            return self.adopt_or_create_group(service_id, name).await;
        };
        if group.service_id == service_id && group.name == name {
            return Ok(id);
        }
        if let Some(&other) = self.group_by_name.get(&(service_id, name.to_string())) {
            return Ok(other);
        }
        let input = group_input(group, service_id, name);
        let old = (group.service_id, group.name.clone());
        let updated = update_in::<Group>(self.conn, id, &input, self.actor).await?;
        self.group_by_name.remove(&old);
        self.group_by_name
            .insert((updated.service_id, updated.name.clone()), id);
        self.groups.insert(id, updated);
        Ok(id)
    }

    async fn adopt_or_create_group(&mut self, service_id: i64, name: &str) -> StoreResult<i64> {
        if let Some(&id) = self.group_by_name.get(&(service_id, name.to_string())) {
            return Ok(id);
        }
        // The serde defaults are the default group settings.
        let input: GroupInput =
            serde_json::from_value(json!({"service_id": service_id, "name": name}))
                .map_err(StoreError::caused)?;
        let created = create_in::<Group>(self.conn, &input, self.actor).await?;
        self.groups_created += 1;
        self.group_by_name
            .insert((created.service_id, created.name.clone()), created.id);
        let id = created.id;
        self.groups.insert(id, created);
        Ok(id)
    }
}

/// Maps the import's departments onto services and groups (each change audited), stores
/// the departments, and counts what changed in `result`.
pub(super) async fn apply(
    conn: &mut AnyConnection,
    import: &PersonnelImport,
    actor: &Actor,
    now: i64,
    result: &mut PersonnelResult,
) -> StoreResult<Departments> {
    let stored = zup::load_departments(conn).await?;
    let services: HashMap<i64, Service> = Service::fetch(conn, None)
        .await
        .map_err(zup::err)?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let groups: HashMap<i64, Group> = Group::fetch(conn, None)
        .await
        .map_err(zup::err)?
        .into_iter()
        .map(|g| (g.id, g))
        .collect();
    // The last occurrence of a repeated id wins; the order of first occurrence is kept.
    let mut imported: HashMap<&str, &Department> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    for d in &import.departments {
        if imported.insert(&d.id, d).is_none() {
            order.push(&d.id);
        }
    }
    let mut r = Resolver {
        conn,
        actor,
        site_id: import.site_id,
        now,
        service_by_name: services
            .values()
            .map(|s| ((s.site_id, s.name.clone()), s.id))
            .collect(),
        group_by_name: groups
            .values()
            .map(|g| ((g.service_id, g.name.clone()), g.id))
            .collect(),
        imported,
        stored,
        services,
        groups,
        rows: HashMap::new(),
        services_created: 0,
        groups_created: 0,
    };
    for id in &order {
        let top = r.top(id);
        let service_id = r.service_for(&top).await?;
        if top != *id {
            let group_id = r.group_for(id, service_id).await?;
            let mut row = r.row(id);
            row.group_id = Some(group_id);
            r.rows.insert(id.to_string(), row);
        }
    }
    result.services_created += r.services_created;
    result.groups_created += r.groups_created;

    let mut write = Vec::new();
    let mut touch = Vec::new();
    for (id, row) in &r.rows {
        let imported = r.imported.contains_key(id.as_str());
        match r.stored.get(id) {
            None => {
                result.departments_created += 1;
                write.push(row.clone());
            }
            Some(s) => {
                if imported && (s.name != row.name || s.parent_id != row.parent_id) {
                    result.departments_updated += 1;
                }
                if !s.same_as(row) {
                    write.push(row.clone());
                } else if imported {
                    touch.push(id.as_str());
                }
            }
        }
    }
    zup::upsert_departments(r.conn, &write).await?;
    zup::touch(r.conn, "zup_departments", &touch, now).await?;
    // Employees may sit in stored departments the import left out: their links still hold.
    let mut rows = r.stored;
    rows.extend(r.rows);
    Ok(Departments { rows })
}

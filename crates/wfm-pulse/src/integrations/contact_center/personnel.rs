//! The platform's `/personnel` taken in: the active services, groups and agents wfm-pulse
//! does not know yet are created in the first site (services by name, groups by code,
//! agents by login, with their groups as skills in the platform's order), so a polled
//! platform needs nothing typed in. Nothing known is changed or removed: the console and
//! 1C ZUP own the structure once it exists.

use std::collections::{HashMap, HashSet};

use serde_json::json;
use wfm_store::model::{Actor, AgentInput, GroupInput, ServiceInput, Skill};
use wfm_store::{Store, StoreError};

use super::contract::{Personnel, Status};

/// What wfm-pulse knows: service names, group codes, agent logins.
#[derive(Debug, Default)]
pub struct Known {
    pub services: HashMap<String, i64>,
    pub groups: HashMap<String, i64>,
    pub agents: HashSet<String>,
}

/// What `/personnel` adds to what is known.
#[derive(Debug, Default, PartialEq)]
pub struct Additions {
    /// Service names.
    pub services: Vec<String>,
    /// (code, name, service name).
    pub groups: Vec<(String, String, String)>,
    /// (login, full name, personnel number, group codes in order).
    pub agents: Vec<(String, String, Option<String>, Vec<String>)>,
}

/// An agent's name as one line: name, second name, surname, the blank ones left out.
fn full_name(a: &super::contract::Agent) -> String {
    let parts = [Some(&a.name), a.second_name.as_ref(), a.surname.as_ref()];
    let words: Vec<&str> = parts
        .into_iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if words.is_empty() {
        a.id.clone()
    } else {
        words.join(" ")
    }
}

/// The services, groups and agents of `p` that `known` lacks; inactive ones are left out,
/// and an agent's groups are those active in `p` or known.
pub fn additions(p: &Personnel, known: &Known) -> Additions {
    let mut out = Additions::default();
    let mut active_groups: HashSet<&str> = HashSet::new();
    for service in p.services.iter().filter(|s| s.status == Status::Active) {
        let mut service_needed = false;
        for g in service
            .service_groups
            .iter()
            .filter(|g| g.status == Status::Active)
        {
            active_groups.insert(&g.id);
            if !known.groups.contains_key(&g.id) {
                out.groups
                    .push((g.id.clone(), g.name.clone(), service.name.clone()));
                service_needed = true;
            }
        }
        if service_needed && !known.services.contains_key(&service.name) {
            out.services.push(service.name.clone());
        }
    }
    for a in &p.agents {
        if known.agents.contains(&a.id) {
            continue;
        }
        let groups: Vec<String> = a
            .agent_groups
            .iter()
            .map(|g| g.group_id.clone())
            .filter(|g| active_groups.contains(g.as_str()) || known.groups.contains_key(g))
            .collect();
        if groups.is_empty() {
            continue;
        }
        out.agents
            .push((a.id.clone(), full_name(a), a.agent_number.clone(), groups));
    }
    out
}

/// What the store knows now.
pub async fn known(store: &dyn Store) -> Result<Known, StoreError> {
    Ok(Known {
        services: store
            .list_services()
            .await?
            .into_iter()
            .map(|s| (s.name, s.id))
            .collect(),
        groups: store
            .list_groups()
            .await?
            .into_iter()
            .filter_map(|g| Some((g.external_id?, g.id)))
            .collect(),
        agents: store
            .list_agents()
            .await?
            .into_iter()
            .map(|a| a.external_id)
            .collect(),
    })
}

/// Creates the additions in the first site, audited as `actor`; how many of each were
/// made. Without a site nothing is made.
pub async fn create(
    store: &dyn Store,
    mut known: Known,
    add: &Additions,
    actor: &Actor,
) -> Result<(usize, usize, usize), StoreError> {
    let Some(site) = store.list_sites().await?.into_iter().next() else {
        return Ok((0, 0, 0));
    };
    for name in &add.services {
        let input = ServiceInput {
            site_id: site.id,
            name: name.clone(),
        };
        let service = store.create_service(&input, actor).await?;
        known.services.insert(service.name, service.id);
    }
    for (code, name, service) in &add.groups {
        let Some(&service_id) = known.services.get(service) else {
            continue;
        };
        let input: GroupInput = serde_json::from_value(
            json!({"service_id": service_id, "name": name, "external_id": code}),
        )
        .map_err(|e| StoreError::caused_with("group from /personnel", e))?;
        let group = store.create_group(&input, actor).await?;
        known.groups.insert(code.clone(), group.id);
    }
    for (login, name, number, groups) in &add.agents {
        let ids: Vec<i64> = groups
            .iter()
            .filter_map(|g| known.groups.get(g).copied())
            .collect();
        let input = AgentInput {
            external_id: login.clone(),
            full_name: name.clone(),
            personnel_number: number.clone().filter(|n| !n.trim().is_empty()),
            site_id: site.id,
            primary_group_id: ids.first().copied(),
            active: true,
            skills: ids
                .iter()
                .enumerate()
                .map(|(i, &group_id)| Skill {
                    group_id,
                    priority: i as u32 + 1,
                })
                .collect(),
        };
        store.create_agent(&input, actor).await?;
    }
    Ok((add.services.len(), add.groups.len(), add.agents.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integrations::contact_center::contract::{Agent, AgentGroup, Service, ServiceGroup};

    fn group(id: &str, status: Status) -> ServiceGroup {
        ServiceGroup {
            id: id.into(),
            name: format!("Group {id}"),
            status,
            channel_type: None,
        }
    }

    fn agent(id: &str, groups: &[&str]) -> Agent {
        Agent {
            id: id.into(),
            name: "Ivan".into(),
            surname: Some("Petrov".into()),
            second_name: Some(" ".into()),
            agent_number: Some("000123".into()),
            agent_groups: groups
                .iter()
                .map(|g| AgentGroup {
                    group_id: g.to_string(),
                })
                .collect(),
            login_sso: None,
        }
    }

    #[test]
    fn only_what_is_missing_and_active_is_added() {
        let p = Personnel {
            services: vec![
                Service {
                    id: "1".into(),
                    name: "Platform".into(),
                    status: Status::Active,
                    service_groups: vec![
                        group("L1", Status::Active),
                        group("L2", Status::Active),
                        group("L3", Status::Inactive),
                    ],
                },
                Service {
                    id: "2".into(),
                    name: "Old".into(),
                    status: Status::Inactive,
                    service_groups: vec![group("L4", Status::Active)],
                },
            ],
            agents: vec![
                agent("op-1", &["L1"]),
                agent("op-2", &["L2", "L3", "L1"]),
                agent("op-3", &["L3", "L4"]),
            ],
        };
        let known = Known {
            services: HashMap::new(),
            groups: HashMap::from([("L1".to_string(), 7)]),
            agents: HashSet::from(["op-1".to_string()]),
        };
        let add = additions(&p, &known);
        assert_eq!(add.services, ["Platform"]);
        assert_eq!(
            add.groups,
            [("L2".into(), "Group L2".into(), "Platform".into())]
        );
        assert_eq!(
            add.agents,
            [(
                "op-2".into(),
                "Ivan Petrov".into(),
                Some("000123".into()),
                vec!["L2".into(), "L1".into()]
            )],
            "op-3 has no active group; op-1 is known"
        );
    }
}

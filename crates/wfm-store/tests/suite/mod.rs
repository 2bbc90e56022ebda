//! The conformance suite every `Store` backend must pass, on a freshly created database.

mod alert_lists;
mod alerts;
mod health;
mod history;
mod integration;
mod jobs;
mod labor_rules;
mod live;
mod notifications;
mod people;
mod personnel;
mod priorities;
mod privacy;
mod privacy_erasure;

use std::sync::Arc;

use serde_json::json;
use wfm_store::model::*;
use wfm_store::{Store, StoreError};

pub fn actor(correlation: &str) -> Actor {
    Actor {
        name: "user:conformance".into(),
        correlation_id: correlation.into(),
    }
}

pub fn group_input(service_id: i64, name: &str) -> GroupInput {
    serde_json::from_value(json!({"service_id": service_id, "name": name})).unwrap()
}

pub fn agent_input(site_id: i64, login: &str, skills: &[(i64, u32)]) -> AgentInput {
    AgentInput {
        external_id: login.into(),
        full_name: format!("Operator {login}"),
        personnel_number: Some(format!("P-{login}")),
        site_id,
        primary_group_id: skills.first().map(|s| s.0),
        active: true,
        skills: skills
            .iter()
            .map(|&(group_id, priority)| Skill { group_id, priority })
            .collect(),
    }
}

pub async fn audit_of(store: &Arc<dyn Store>, correlation: &str) -> Vec<AuditEntry> {
    store
        .list_audit(&AuditFilter {
            correlation_id: Some(correlation.into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
}

/// Runs every part on `store`, opened at `url` (the privacy part reads the database's own
/// catalog and rows through a connection of its own).
pub async fn run(store: Arc<dyn Store>, url: &str) {
    migrations(&store).await;
    store.ping().await.unwrap();
    sites(&store).await;
    references_and_conflicts(&store).await;
    groups(&store).await;
    agents(&store).await;
    api_keys(&store).await;
    audit_paging(&store).await;
    concurrent_writers(&store).await;
    live::run(&store).await;
    integration::run(&store).await;
    alerts::run(&store).await;
    health::run(&store).await;
    history::run(&store).await;
    priorities::run(&store).await;
    labor_rules::run(&store).await;
    people::run(&store).await;
    // Last: it erases, scans every table, and purges the audit log.
    privacy::run(&store, url).await;
}

async fn migrations(store: &Arc<dyn Store>) {
    let first = store.migrate().await.unwrap();
    assert_eq!(
        first,
        vec![
            "0001_foundation".to_string(),
            "0002_live".to_string(),
            "0003_workplace_calls".to_string(),
            "0004_integration".to_string(),
            "0005_alerting".to_string(),
            "0006_privacy".to_string(),
            "0007_health".to_string(),
            "0008_interval_stats".to_string(),
            "0009_group_priorities".to_string(),
            "0010_labor_rules".to_string(),
            "0011_people".to_string(),
            "0012_feed_positions".to_string()
        ]
    );
    let again = store.migrate().await.unwrap();
    assert!(again.is_empty(), "a second migrate applies nothing");
}

async fn sites(store: &Arc<dyn Store>) {
    let input = SiteInput {
        name: "Moscow".into(),
        time_zone: "Europe/Moscow".into(),
        interval_minutes: 15,
    };
    let site = store.create_site(&input, &actor("c-site-1")).await.unwrap();
    assert_eq!(site.name, "Moscow");
    assert_eq!(store.get_site(site.id).await.unwrap(), site);

    let changed = SiteInput {
        name: "Moscow HQ".into(),
        time_zone: "Asia/Yekaterinburg".into(),
        interval_minutes: 30,
    };
    let updated = store
        .update_site(site.id, &changed, &actor("c-site-2"))
        .await
        .unwrap();
    assert_eq!(updated.time_zone, "Asia/Yekaterinburg");
    assert_eq!(updated.interval_minutes, 30);
    assert_eq!(updated.created_at, site.created_at);

    let created = audit_of(store, "c-site-1").await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].action, "create");
    assert_eq!(created[0].entity, "site");
    assert_eq!(created[0].actor, "user:conformance");
    assert_eq!(created[0].before, None);
    assert_eq!(created[0].after.as_ref().unwrap()["name"], "Moscow");

    let update = &audit_of(store, "c-site-2").await[0];
    assert_eq!(update.before.as_ref().unwrap()["name"], "Moscow");
    assert_eq!(update.after.as_ref().unwrap()["name"], "Moscow HQ");

    store
        .delete_site(site.id, &actor("c-site-3"))
        .await
        .unwrap();
    assert!(matches!(
        store.get_site(site.id).await,
        Err(StoreError::NotFound { entity: "site", .. })
    ));
    let deleted = &audit_of(store, "c-site-3").await[0];
    assert_eq!(deleted.action, "delete");
    assert_eq!(deleted.after, None);
    assert!(matches!(
        store.delete_site(site.id, &actor("c-site-4")).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(audit_of(store, "c-site-4").await.is_empty());
}

async fn references_and_conflicts(store: &Arc<dyn Store>) {
    let before = store.list_services().await.unwrap().len();
    let orphan = ServiceInput {
        site_id: 999_999,
        name: "Orphan".into(),
    };
    match store.create_service(&orphan, &actor("c-ref-1")).await {
        Err(StoreError::InvalidReference { field, entity }) => {
            assert_eq!(field, "site_id");
            assert_eq!(entity, "site");
        }
        other => panic!("expected an invalid reference, got {other:?}"),
    }
    assert_eq!(store.list_services().await.unwrap().len(), before);
    assert!(
        audit_of(store, "c-ref-1").await.is_empty(),
        "nothing written"
    );

    let site = store
        .create_site(
            &SiteInput {
                name: "Kazan".into(),
                time_zone: "Europe/Moscow".into(),
                interval_minutes: 15,
            },
            &actor("c-ref-2"),
        )
        .await
        .unwrap();
    let dup = store
        .create_site(
            &SiteInput {
                name: "Kazan".into(),
                time_zone: "Europe/Moscow".into(),
                interval_minutes: 15,
            },
            &actor("c-ref-3"),
        )
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    assert!(audit_of(store, "c-ref-3").await.is_empty());

    let service = store
        .create_service(
            &ServiceInput {
                site_id: site.id,
                name: "Retail".into(),
            },
            &actor("c-ref-4"),
        )
        .await
        .unwrap();
    // A site still holding a service cannot go.
    let busy = store.delete_site(site.id, &actor("c-ref-5")).await;
    assert!(matches!(busy, Err(StoreError::Conflict(_))), "{busy:?}");
    assert_eq!(store.get_site(site.id).await.unwrap().id, site.id);
    assert!(audit_of(store, "c-ref-5").await.is_empty());
    store
        .delete_service(service.id, &actor("c-ref-6"))
        .await
        .unwrap();
    store.delete_site(site.id, &actor("c-ref-6")).await.unwrap();
}

pub async fn structure(store: &Arc<dyn Store>, name: &str) -> (Site, Service) {
    let site = store
        .create_site(
            &SiteInput {
                name: name.into(),
                time_zone: "Asia/Novosibirsk".into(),
                interval_minutes: 15,
            },
            &actor("c-setup"),
        )
        .await
        .unwrap();
    let service = store
        .create_service(
            &ServiceInput {
                site_id: site.id,
                name: "Support".into(),
            },
            &actor("c-setup"),
        )
        .await
        .unwrap();
    (site, service)
}

async fn groups(store: &Arc<dyn Store>) {
    let (_, service) = structure(store, "Novosibirsk").await;
    let plain = store
        .create_group(&group_input(service.id, "Line 1"), &actor("c-grp-1"))
        .await
        .unwrap();
    assert_eq!(plain.sl_seconds, 20);
    assert_eq!(plain.sl_percent, 80.0);
    assert_eq!(plain.max_occupancy, 0.85);
    assert_eq!(plain.channel, Channel::Voice);
    assert_eq!(plain.external_id, None);

    let mut custom: GroupInput = serde_json::from_value(json!({
        "service_id": service.id,
        "name": "Chat",
        "external_id": "cc-chat-7",
        "channel": "non_voice",
        "sl_seconds": 60,
        "sl_percent": 90.0,
        "max_occupancy": 0.9,
        "short_abandon_seconds": 5,
        "grace_seconds": 180,
        "thresholds": {"operators_online": {"kind": "floor", "acceptable": 90.0, "critical": 75.0}}
    }))
    .unwrap();
    let chat = store
        .create_group(&custom, &actor("c-grp-2"))
        .await
        .unwrap();
    assert_eq!(chat.channel, Channel::NonVoice);
    assert_eq!(chat.external_id.as_deref(), Some("cc-chat-7"));
    assert_eq!(chat.short_abandon_seconds, 5);
    assert_eq!(chat.thresholds, custom.thresholds);
    assert_ne!(chat.thresholds, plain.thresholds);
    assert_eq!(store.get_group(chat.id).await.unwrap(), chat);

    custom.sl_percent = 85.5;
    let updated = store
        .update_group(chat.id, &custom, &actor("c-grp-3"))
        .await
        .unwrap();
    assert_eq!(updated.sl_percent, 85.5);

    // Two groups cannot claim the same contact-center id.
    let mut clash = group_input(service.id, "Chat 2");
    clash.external_id = Some("cc-chat-7".into());
    let dup = store.create_group(&clash, &actor("c-grp-4")).await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");

    let mut orphan = group_input(424_242, "Nowhere");
    orphan.name = "Nowhere".into();
    assert!(matches!(
        store.create_group(&orphan, &actor("c-grp-5")).await,
        Err(StoreError::InvalidReference { field, .. }) if field == "service_id"
    ));
    let listed = store.list_groups().await.unwrap();
    assert!(listed.iter().any(|g| g.id == plain.id) && listed.iter().any(|g| g.id == chat.id));
}

async fn agents(store: &Arc<dyn Store>) {
    let (site, service) = structure(store, "Omsk").await;
    let g1 = store
        .create_group(&group_input(service.id, "Omsk voice"), &actor("c-ag"))
        .await
        .unwrap();
    let g2 = store
        .create_group(&group_input(service.id, "Omsk mail"), &actor("c-ag"))
        .await
        .unwrap();

    let input = agent_input(site.id, "op-1", &[(g1.id, 1), (g2.id, 2)]);
    let agent = store.create_agent(&input, &actor("c-ag-1")).await.unwrap();
    assert_eq!(agent.primary_group_id, Some(g1.id));
    assert_eq!(agent.skills, input.skills);
    assert!(agent.active);
    assert_eq!(store.get_agent(agent.id).await.unwrap(), agent);

    let mut changed = agent_input(site.id, "op-1", &[(g2.id, 1)]);
    changed.active = false;
    changed.personnel_number = None;
    let updated = store
        .update_agent(agent.id, &changed, &actor("c-ag-2"))
        .await
        .unwrap();
    assert_eq!(
        updated.skills,
        vec![Skill {
            group_id: g2.id,
            priority: 1
        }]
    );
    assert!(!updated.active);
    assert_eq!(updated.personnel_number, None);

    let other = store
        .create_agent(
            &agent_input(site.id, "op-2", &[(g1.id, 1)]),
            &actor("c-ag-3"),
        )
        .await
        .unwrap();
    let all = store.list_agents().await.unwrap();
    let mine: Vec<_> = all.iter().filter(|a| a.site_id == site.id).collect();
    assert_eq!(mine.len(), 2);
    assert_eq!(mine[1].skills, other.skills, "skills go to their own agent");

    // A skill on a missing group names the skill's field and writes nothing.
    let bad = agent_input(site.id, "op-3", &[(g1.id, 1), (777_777, 2)]);
    match store.create_agent(&bad, &actor("c-ag-4")).await {
        Err(StoreError::InvalidReference { field, .. }) => assert_eq!(field, "skills[1].group_id"),
        other => panic!("expected an invalid reference, got {other:?}"),
    }
    assert_eq!(store.list_agents().await.unwrap().len(), all.len());

    let dup = store
        .create_agent(&agent_input(site.id, "op-2", &[]), &actor("c-ag-5"))
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");

    // A group with skilled agents cannot go; deleting the agent frees it.
    assert!(matches!(
        store.delete_group(g1.id, &actor("c-ag-6")).await,
        Err(StoreError::Conflict(_))
    ));
    store
        .delete_agent(other.id, &actor("c-ag-7"))
        .await
        .unwrap();
    store.delete_group(g1.id, &actor("c-ag-7")).await.unwrap();
}

async fn api_keys(store: &Arc<dyn Store>) {
    let key = NewApiKey {
        name: "contact-center".into(),
        role: Role::Integration,
        prefix: "wfmk_abc".into(),
        key_hash: "a".repeat(64),
    };
    let created = store.create_api_key(&key, &actor("c-key-1")).await.unwrap();
    assert_eq!(created.role, Role::Integration);
    assert_eq!(created.revoked_at, None);
    let found = store.find_api_key(&key.key_hash).await.unwrap().unwrap();
    assert_eq!(found.id, created.id);
    assert!(store.find_api_key(&"b".repeat(64)).await.unwrap().is_none());

    let logged = &audit_of(store, "c-key-1").await[0];
    assert!(
        !logged
            .after
            .as_ref()
            .unwrap()
            .to_string()
            .contains(&key.key_hash),
        "the hash never reaches the audit log"
    );

    let revoked = store
        .revoke_api_key(created.id, &actor("c-key-2"))
        .await
        .unwrap();
    assert!(revoked.revoked_at.is_some());
    assert!(store.find_api_key(&key.key_hash).await.unwrap().is_none());
    assert_eq!(audit_of(store, "c-key-2").await[0].action, "revoke");
    assert!(matches!(
        store.revoke_api_key(9_999_999, &actor("c-key-3")).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(store.list_api_keys().await.unwrap().len(), 1);
}

async fn audit_paging(store: &Arc<dyn Store>) {
    let page = |before_id| AuditFilter {
        entity: Some("group".into()),
        before_id,
        limit: 2,
        ..Default::default()
    };
    let first = store.list_audit(&page(None)).await.unwrap();
    assert_eq!(first.len(), 2);
    assert!(first[0].id > first[1].id, "newest first");
    let second = store.list_audit(&page(Some(first[1].id))).await.unwrap();
    assert!(!second.is_empty());
    assert!(
        second
            .iter()
            .all(|e| e.id < first[1].id && e.entity == "group")
    );
}

async fn concurrent_writers(store: &Arc<dyn Store>) {
    // Spawned all at once (collected): a lazy map would run them one after another.
    let writes = (0..16)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let input = SiteInput {
                    name: format!("Parallel {i}"),
                    time_zone: "Europe/Samara".into(),
                    interval_minutes: 15,
                };
                store.create_site(&input, &actor("c-par")).await
            })
        })
        .collect::<Vec<_>>();
    for w in writes {
        w.await.unwrap().unwrap();
    }
    assert_eq!(audit_of(store, "c-par").await.len(), 16);
}

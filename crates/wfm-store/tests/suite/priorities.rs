//! Conformance of group priorities: set (created, then replaced), listed by group,
//! audited with before and after, refused for an unknown group, gone with their group.

use std::sync::Arc;

use wfm_core::executive::Importance;
use wfm_store::model::*;
use wfm_store::{Store, StoreError};

use super::{actor, audit_of, group_input};

pub async fn run(store: &Arc<dyn Store>) {
    let site = store
        .create_site(
            &SiteInput {
                name: "Priorities".into(),
                time_zone: "UTC".into(),
                interval_minutes: 15,
            },
            &actor("c-prio-0"),
        )
        .await
        .unwrap();
    let service = store
        .create_service(
            &ServiceInput {
                site_id: site.id,
                name: "Priorities".into(),
            },
            &actor("c-prio-0"),
        )
        .await
        .unwrap();
    let first = store
        .create_group(&group_input(service.id, "Prio A"), &actor("c-prio-0"))
        .await
        .unwrap();
    let second = store
        .create_group(&group_input(service.id, "Prio B"), &actor("c-prio-0"))
        .await
        .unwrap();
    let before: Vec<i64> = store
        .group_priorities()
        .await
        .unwrap()
        .iter()
        .map(|p| p.group_id)
        .collect();
    assert!(!before.contains(&first.id), "no row until set: normal");

    let set = store
        .set_group_priority(second.id, Importance::High, &actor("c-prio-1"))
        .await
        .unwrap();
    assert_eq!(
        (set.group_id, set.importance, set.updated_by.as_str()),
        (second.id, Importance::High, "user:conformance")
    );
    store
        .set_group_priority(first.id, Importance::Low, &actor("c-prio-2"))
        .await
        .unwrap();
    let replaced = store
        .set_group_priority(second.id, Importance::Critical, &actor("c-prio-3"))
        .await
        .unwrap();
    assert_eq!(replaced.importance, Importance::Critical);
    let mine: Vec<(i64, Importance)> = store
        .group_priorities()
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.group_id == first.id || p.group_id == second.id)
        .map(|p| (p.group_id, p.importance))
        .collect();
    assert_eq!(
        mine,
        vec![
            (first.id, Importance::Low),
            (second.id, Importance::Critical)
        ],
        "one row per group, by group id"
    );

    let created = audit_of(store, "c-prio-1").await;
    assert_eq!(created.len(), 1);
    assert_eq!(
        (created[0].action.as_str(), created[0].entity.as_str()),
        ("create", "group_priority")
    );
    assert_eq!(created[0].entity_id, second.id.to_string());
    assert_eq!(created[0].before, None);
    let updated = audit_of(store, "c-prio-3").await;
    assert_eq!(updated[0].action, "update");
    assert_eq!(updated[0].before.as_ref().unwrap()["importance"], "high");
    assert_eq!(updated[0].after.as_ref().unwrap()["importance"], "critical");

    match store
        .set_group_priority(9_999_999, Importance::High, &actor("c-prio-4"))
        .await
    {
        Err(StoreError::NotFound { entity, .. }) => assert_eq!(entity, "group"),
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert!(
        audit_of(store, "c-prio-4").await.is_empty(),
        "a refused change writes nothing"
    );

    store
        .delete_group(first.id, &actor("c-prio-5"))
        .await
        .unwrap();
    assert!(
        store
            .group_priorities()
            .await
            .unwrap()
            .iter()
            .all(|p| p.group_id != first.id),
        "a deleted group's priority goes with it"
    );
}

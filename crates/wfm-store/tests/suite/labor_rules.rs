//! Conformance of labor rules per site: none until set (the site uses the defaults), set
//! and replaced in place, audited with before and after, refused for an unknown site,
//! gone with their site.

use std::sync::Arc;

use wfm_core::labor::LaborRules;
use wfm_store::model::*;
use wfm_store::{Store, StoreError};

use super::{actor, audit_of};

pub async fn run(store: &Arc<dyn Store>) {
    let site = store
        .create_site(
            &SiteInput {
                name: "Labor".into(),
                time_zone: "Europe/Moscow".into(),
                interval_minutes: 15,
            },
            &actor("c-labor-0"),
        )
        .await
        .unwrap();
    assert_eq!(store.labor_rules(site.id).await.unwrap(), None);

    let shorter = LaborRules {
        max_shift_minutes: 600,
        ..LaborRules::default()
    };
    let set = store
        .put_labor_rules(site.id, &shorter, &actor("c-labor-1"))
        .await
        .unwrap();
    assert_eq!(
        (set.site_id, set.rules, set.updated_by.as_str()),
        (site.id, shorter, "user:conformance")
    );
    assert_eq!(store.labor_rules(site.id).await.unwrap(), Some(set));

    let doubled = LaborRules {
        max_shift_minutes: 660,
        day_off_multiplier: 2.5,
        ..LaborRules::default()
    };
    store
        .put_labor_rules(site.id, &doubled, &actor("c-labor-2"))
        .await
        .unwrap();
    let read = store.labor_rules(site.id).await.unwrap().unwrap();
    assert_eq!(read.rules, doubled, "replaced in place");

    let created = audit_of(store, "c-labor-1").await;
    assert_eq!(created.len(), 1);
    assert_eq!(
        (created[0].action.as_str(), created[0].entity.as_str()),
        ("create", "labor_rules")
    );
    assert_eq!(created[0].entity_id, site.id.to_string());
    assert_eq!(created[0].before, None);
    let updated = audit_of(store, "c-labor-2").await;
    assert_eq!(updated[0].action, "update");
    assert_eq!(
        updated[0].before.as_ref().unwrap()["rules"]["max_shift_minutes"],
        600
    );
    assert_eq!(
        updated[0].after.as_ref().unwrap()["rules"]["max_shift_minutes"],
        660
    );
    assert_eq!(
        updated[0].after.as_ref().unwrap()["rules"]["day_off_multiplier"],
        2.5
    );

    match store
        .put_labor_rules(9_999_999, &doubled, &actor("c-labor-3"))
        .await
    {
        Err(StoreError::NotFound { entity, .. }) => assert_eq!(entity, "site"),
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert!(
        audit_of(store, "c-labor-3").await.is_empty(),
        "a refused change writes nothing"
    );

    store
        .delete_site(site.id, &actor("c-labor-4"))
        .await
        .unwrap();
    assert_eq!(
        store.labor_rules(site.id).await.unwrap(),
        None,
        "a deleted site's rules go with it"
    );
}

//! Conformance of console accounts: created once per name, never showing the hash; wrong
//! passwords counted until the lock; sessions found by hash, idle ones gone, ended by
//! sign-out and by a new password; settings replaced in place; every change audited.

use std::sync::Arc;

use chrono::{Duration, Utc};
use serde_json::json;
use wfm_store::model::Role;
use wfm_store::people::{NewUser, UserChange};
use wfm_store::{Store, StoreError};

use super::{actor, audit_of};

pub async fn run(store: &Arc<dyn Store>) {
    let new = NewUser {
        name: "olga".into(),
        role: Role::Supervisor,
        password_hash: "$argon2id$stand-in".into(),
        locale: "ru".into(),
    };
    let olga = store.create_user(&new, &actor("c-people-1")).await.unwrap();
    assert_eq!((olga.role, olga.failed_attempts), (Role::Supervisor, 0));
    let again = store.create_user(&new, &actor("c-people-x")).await;
    assert!(matches!(again, Err(StoreError::Conflict(m)) if m.contains("olga")));
    let created = audit_of(store, "c-people-1").await;
    assert_eq!(created[0].entity, "user");
    assert!(
        !created[0]
            .after
            .as_ref()
            .unwrap()
            .to_string()
            .contains("argon2")
    );
    assert_eq!(
        store
            .find_user("olga")
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        "$argon2id$stand-in"
    );
    assert_eq!(store.find_user("nobody").await.unwrap(), None);

    // Wrong passwords: the third in a row locks.
    let until = Utc::now() + Duration::minutes(15);
    for n in 1..=2 {
        let f = store
            .fail_sign_in(olga.id, 3, until, &actor("c-people-2"))
            .await
            .unwrap();
        assert_eq!((f.user.failed_attempts, f.locked_now), (n, false));
    }
    let f = store
        .fail_sign_in(olga.id, 3, until, &actor("c-people-3"))
        .await
        .unwrap();
    assert!(f.locked_now && f.user.locked_at(Utc::now()));
    assert_eq!(audit_of(store, "c-people-3").await[0].action, "lock");
    let unlocked = store
        .change_user(olga.id, &UserChange::Unlock, &actor("c-people-4"))
        .await
        .unwrap();
    assert!(!unlocked.locked_at(Utc::now()));

    // Sessions: found by hash until idle, ended by sign-out or a new password.
    let long_ago = Utc::now() - Duration::hours(1);
    store
        .open_session(olga.id, "hash-1", "csrf-1", long_ago, &actor("c-people-5"))
        .await
        .unwrap();
    let s = store
        .find_session("hash-1", long_ago)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((s.user.id, s.csrf_token.as_str()), (olga.id, "csrf-1"));
    assert_eq!(store.find_session("hash-2", long_ago).await.unwrap(), None);
    let future = Utc::now() + Duration::seconds(1);
    assert_eq!(
        store.find_session("hash-1", future).await.unwrap(),
        None,
        "idle past the cutoff"
    );
    assert_eq!(
        store.find_session("hash-1", long_ago).await.unwrap(),
        None,
        "and gone"
    );
    store
        .open_session(olga.id, "hash-3", "csrf-3", long_ago, &actor("c-people-6"))
        .await
        .unwrap();
    assert!(
        store
            .close_session("hash-3", olga.id, &actor("c-people-7"))
            .await
            .unwrap()
    );
    assert!(
        !store
            .close_session("hash-3", olga.id, &actor("c-people-7"))
            .await
            .unwrap()
    );
    assert_eq!(audit_of(store, "c-people-7").await.len(), 1);
    store
        .open_session(olga.id, "hash-4", "csrf-4", long_ago, &actor("c-people-8"))
        .await
        .unwrap();
    store
        .change_user(
            olga.id,
            &UserChange::Password("$argon2id$new".into()),
            &actor("c-people-9"),
        )
        .await
        .unwrap();
    assert_eq!(store.find_session("hash-4", long_ago).await.unwrap(), None);

    // Settings.
    assert_eq!(store.user_settings(olga.id).await.unwrap(), json!({}));
    let s = json!({"locale": "en", "wallboard": {"groups": [3, 1], "layout": "grid"}});
    store
        .put_user_settings(olga.id, &s, &actor("c-people-10"))
        .await
        .unwrap();
    assert_eq!(store.user_settings(olga.id).await.unwrap(), s);
    assert!(matches!(
        store.user_settings(-5).await,
        Err(StoreError::NotFound { .. })
    ));
    let users = store.list_users().await.unwrap();
    assert_eq!(users.len(), 1);
}

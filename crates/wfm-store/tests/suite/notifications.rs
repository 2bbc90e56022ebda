//! Conformance of predictions (upsert by kind, group and target; ranges), notification
//! deliveries and notification preferences (audited).

use std::sync::Arc;

use serde_json::json;
use wfm_store::alerts::*;
use wfm_store::{Store, StoreError};

use super::alerts::{at, new_alert, not_found, rule};
use super::{actor, audit_of};

pub async fn run(store: &Arc<dyn Store>) {
    predictions(store).await;
    deliveries(store).await;
    prefs(store).await;
}

fn prediction(kind: &str, group_id: i64, target: i64) -> Prediction {
    Prediction {
        kind: kind.into(),
        group_id,
        made_at: at(target - 30),
        target_at: at(target),
        predicted: 71.25,
        threshold: 80.0,
        breach: true,
        actual: None,
        actual_breach: None,
    }
}

async fn predictions(store: &Arc<dyn Store>) {
    let sl = prediction("sl_breach", 31, 300);
    let peak = Prediction {
        breach: false,
        predicted: 120.0,
        threshold: 150.0,
        ..prediction("peak_load", 31, 300)
    };
    let later = prediction("sl_breach", 30, 315);
    let other_group = prediction("sl_breach", 30, 300);
    store
        .put_predictions(&[later.clone(), sl.clone(), peak.clone(), other_group.clone()])
        .await
        .unwrap();
    store.put_predictions(&[]).await.unwrap();
    assert_eq!(
        store.predictions(at(300), at(330)).await.unwrap(),
        vec![peak.clone(), other_group.clone(), sl.clone(), later.clone()],
        "by target, kind, group"
    );
    // [from, to)
    assert_eq!(
        store.predictions(at(315), at(316)).await.unwrap(),
        vec![later.clone()]
    );
    assert_eq!(store.predictions(at(301), at(315)).await.unwrap(), vec![]);
    assert_eq!(store.predictions(at(300), at(300)).await.unwrap(), vec![]);

    // Scored once the target passed: the same key is replaced, every field; of two rows with
    // one key in one call the last wins.
    let scored = Prediction {
        made_at: at(280),
        predicted: 74.0,
        threshold: 85.0,
        breach: false,
        actual: Some(68.5),
        actual_breach: Some(true),
        ..sl.clone()
    };
    let superseded = Prediction {
        actual: Some(1.0),
        ..scored.clone()
    };
    let unscored_peak = Prediction {
        actual: Some(130.0),
        actual_breach: Some(false),
        ..peak.clone()
    };
    store
        .put_predictions(&[superseded, unscored_peak.clone(), scored.clone()])
        .await
        .unwrap();
    assert_eq!(
        store.predictions(at(300), at(301)).await.unwrap(),
        vec![unscored_peak, other_group, scored]
    );

    // A large batch spans several statements.
    let many: Vec<Prediction> = (0..150)
        .map(|i| prediction("coverage_gap", 1000 + i, 400))
        .collect();
    store.put_predictions(&many).await.unwrap();
    assert_eq!(store.predictions(at(400), at(401)).await.unwrap(), many);
}

async fn deliveries(store: &Arc<dyn Store>) {
    let r = rule(store, "deliveries").await;
    let alert = store
        .open_alert(&new_alert(r.id, "all", at(500)))
        .await
        .unwrap();
    let other = store
        .open_alert(&new_alert(r.id, "site:2", at(500)))
        .await
        .unwrap();
    let email = store
        .create_delivery(Some(alert.id), "email", "lead@example.com")
        .await
        .unwrap();
    assert_eq!(email.alert_id, Some(alert.id));
    assert_eq!(
        (
            email.channel.as_str(),
            email.recipient.as_str(),
            email.status.as_str()
        ),
        ("email", "lead@example.com", "pending")
    );
    assert_eq!((email.attempts, email.last_error.clone()), (0, None));
    assert_eq!(email.created_at, email.updated_at);
    let unrelated = store
        .create_delivery(None, "in_app", "user:erin")
        .await
        .unwrap();
    assert_eq!(unrelated.alert_id, None);
    let hook = store
        .create_delivery(Some(alert.id), "webhook", "https://hooks.example.com/wfm")
        .await
        .unwrap();
    let sms = store
        .create_delivery(Some(other.id), "sms", "+79990001122")
        .await
        .unwrap();
    match store
        .create_delivery(Some(9_999_999), "email", "x@example.com")
        .await
    {
        Err(StoreError::InvalidReference { field, .. }) => assert_eq!(field, "alert_id"),
        other => panic!("expected an invalid reference, got {other:?}"),
    }

    store
        .update_delivery(email.id, "failed", 3, Some("550 mailbox unavailable"))
        .await
        .unwrap();
    store
        .update_delivery(hook.id, "delivered", 1, None)
        .await
        .unwrap();
    not_found(
        store.update_delivery(9_999_999, "failed", 1, None).await,
        "notification delivery",
    );

    let of_alert = store.list_deliveries(Some(alert.id), 10).await.unwrap();
    assert_eq!(
        of_alert.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![hook.id, email.id],
        "newest first"
    );
    let failed = &of_alert[1];
    assert_eq!(
        (
            failed.status.as_str(),
            failed.attempts,
            failed.last_error.as_deref()
        ),
        ("failed", 3, Some("550 mailbox unavailable"))
    );
    assert_eq!(failed.created_at, email.created_at);
    assert!(failed.updated_at >= email.updated_at);
    assert_eq!(
        (of_alert[0].status.as_str(), of_alert[0].attempts),
        ("delivered", 1)
    );
    let all = store.list_deliveries(None, 10).await.unwrap();
    assert_eq!(
        all.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![sms.id, hook.id, unrelated.id, email.id]
    );
    assert_eq!(all[2], unrelated);
    let newest = store.list_deliveries(None, 0).await.unwrap();
    assert_eq!(newest, vec![sms.clone()], "a zero limit means one");
    assert_eq!(store.list_deliveries(None, 2).await.unwrap().len(), 2);
    assert_eq!(
        store.list_deliveries(Some(other.id), 10).await.unwrap(),
        vec![sms]
    );
}

async fn prefs(store: &Arc<dyn Store>) {
    assert_eq!(store.notification_prefs("user:alice").await.unwrap(), None);
    assert!(store.all_notification_prefs().await.unwrap().is_empty());
    let first: NotificationPrefs = serde_json::from_value(json!({
        "channels": ["in_app", "email"],
        "min_severity": "warning",
        "email": "alice@example.com"
    }))
    .unwrap();
    assert_eq!(first.time_zone, "Europe/Moscow");
    store
        .put_notification_prefs("user:alice", &first, &actor("c-pref-1"))
        .await
        .unwrap();
    assert_eq!(
        store.notification_prefs("user:alice").await.unwrap(),
        Some(first.clone())
    );
    let created = audit_of(store, "c-pref-1").await;
    assert_eq!(created.len(), 1);
    assert_eq!(
        (
            created[0].action.as_str(),
            created[0].entity.as_str(),
            created[0].entity_id.as_str()
        ),
        ("create", "notification_prefs", "user:alice")
    );
    assert_eq!(created[0].before, None);
    assert_eq!(
        created[0].after,
        Some(serde_json::to_value(&first).unwrap())
    );

    let second = NotificationPrefs {
        channels: vec!["in_app".into(), "sms".into()],
        min_severity: "critical".into(),
        quiet_hours: Some(QuietHours {
            from: "22:00".into(),
            to: "07:00".into(),
        }),
        email: None,
        phone: Some("+79990001122".into()),
        time_zone: "Asia/Novosibirsk".into(),
        teams: vec!["leads".into(), "night".into()],
    };
    store
        .put_notification_prefs("user:alice", &second, &actor("c-pref-2"))
        .await
        .unwrap();
    assert_eq!(
        store.notification_prefs("user:alice").await.unwrap(),
        Some(second.clone())
    );
    let updated = &audit_of(store, "c-pref-2").await[0];
    assert_eq!(updated.action, "update");
    assert_eq!(updated.before, Some(serde_json::to_value(&first).unwrap()));
    assert_eq!(updated.after, Some(serde_json::to_value(&second).unwrap()));

    store
        .put_notification_prefs("user:bob", &first, &actor("c-pref-3"))
        .await
        .unwrap();
    store
        .put_notification_prefs("user:Zed", &first, &actor("c-pref-3"))
        .await
        .unwrap();
    assert_eq!(
        store.all_notification_prefs().await.unwrap(),
        vec![
            ("user:Zed".to_string(), first.clone()),
            ("user:alice".to_string(), second),
            ("user:bob".to_string(), first),
        ],
        "by user, in byte order"
    );
}

//! Conformance of alerting: rules, the alert lifecycle and its timeline; listing and racing
//! writers are in `alert_lists`, predictions, deliveries and preferences in `notifications`.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;
use wfm_store::alerts::*;
use wfm_store::model::Actor;
use wfm_store::{Store, StoreError};

use super::{actor, alert_lists, audit_of, notifications};

pub async fn run(store: &Arc<dyn Store>) {
    rules(store).await;
    lifecycle(store).await;
    timeline(store).await;
    batches(store).await;
    alert_lists::run(store).await;
    notifications::run(store).await;
}

pub fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 8, 3, 9, 0, 0).unwrap() + Duration::minutes(minute)
}

pub fn person(name: &str, correlation: &str) -> Actor {
    Actor {
        name: name.into(),
        correlation_id: correlation.into(),
    }
}

pub fn conflict<T: std::fmt::Debug>(r: Result<T, StoreError>) {
    assert!(matches!(r, Err(StoreError::Conflict(_))), "{r:?}");
}

pub fn not_found<T: std::fmt::Debug>(r: Result<T, StoreError>, entity: &str) {
    assert!(
        matches!(&r, Err(StoreError::NotFound { entity: e, .. }) if *e == entity),
        "{r:?}"
    );
}

pub async fn rule(store: &Arc<dyn Store>, name: &str) -> StoredRule {
    store
        .create_rule(
            name,
            true,
            &json!({"metric": "service_level"}),
            &actor("c-setup"),
        )
        .await
        .unwrap()
}

pub fn new_alert(rule_id: i64, scope: &str, fired_at: DateTime<Utc>) -> NewAlert {
    NewAlert {
        rule_id,
        scope: scope.into(),
        group_id: scope.strip_prefix("group:").and_then(|g| g.parse().ok()),
        severity: "warning".into(),
        kind: "threshold".into(),
        fired_at,
        value: Some(72.5),
        threshold: Some(80.0),
        description: "Service level below 80%".into(),
        details: json!({"actions": ["move agents from Line 2"], "impact": 12}),
    }
}
async fn rules(store: &Arc<dyn Store>) {
    let definition = json!({"metric": "service_level", "below": 80, "for_seconds": 60});
    let first = store
        .create_rule("SL below target", true, &definition, &actor("c-rule-1"))
        .await
        .unwrap();
    assert_eq!(first.name, "SL below target");
    assert!(first.enabled);
    assert_eq!(first.definition, definition);
    assert_eq!(first.created_at, first.updated_at);
    let created = audit_of(store, "c-rule-1").await;
    assert_eq!(created.len(), 1);
    assert_eq!(
        (created[0].action.as_str(), created[0].entity.as_str()),
        ("create", "alert_rule")
    );
    assert_eq!(created[0].entity_id, first.id.to_string());
    assert_eq!(created[0].before, None);
    assert_eq!(created[0].after.as_ref().unwrap()["definition"], definition);

    conflict(
        store
            .create_rule("SL below target", false, &json!({}), &actor("c-rule-2"))
            .await,
    );
    assert!(audit_of(store, "c-rule-2").await.is_empty());

    let second = store
        .create_rule(
            "Queue too long",
            false,
            &json!({"metric": "queue"}),
            &actor("c-rule-3"),
        )
        .await
        .unwrap();
    assert!(!second.enabled);
    let listed = store.list_rules().await.unwrap();
    assert_eq!(listed, vec![first.clone(), second.clone()], "by id");

    let changed = json!({"metric": "service_level", "below": 75});
    let updated = store
        .update_rule(
            first.id,
            "SL well below",
            false,
            &changed,
            &actor("c-rule-4"),
        )
        .await
        .unwrap();
    assert_eq!(
        (updated.id, updated.name.as_str(), updated.enabled),
        (first.id, "SL well below", false)
    );
    assert_eq!(updated.definition, changed);
    assert_eq!(updated.created_at, first.created_at);
    assert!(updated.updated_at >= first.updated_at);
    let update = &audit_of(store, "c-rule-4").await[0];
    assert_eq!(update.action, "update");
    assert_eq!(update.before.as_ref().unwrap()["name"], "SL below target");
    assert_eq!(update.after.as_ref().unwrap()["name"], "SL well below");
    assert_eq!(update.after.as_ref().unwrap()["enabled"], false);

    // Taking another rule's name, or updating a missing rule, changes nothing.
    conflict(
        store
            .update_rule(
                first.id,
                "Queue too long",
                true,
                &json!({}),
                &actor("c-rule-5"),
            )
            .await,
    );
    not_found(
        store
            .update_rule(9_999_999, "Ghost", true, &json!({}), &actor("c-rule-5"))
            .await,
        "alert rule",
    );
    assert!(audit_of(store, "c-rule-5").await.is_empty());
    assert_eq!(
        store.list_rules().await.unwrap(),
        vec![updated.clone(), second.clone()]
    );

    store
        .delete_rule(second.id, &actor("c-rule-6"))
        .await
        .unwrap();
    assert_eq!(store.list_rules().await.unwrap(), vec![updated.clone()]);
    let deleted = &audit_of(store, "c-rule-6").await[0];
    assert_eq!(deleted.action, "delete");
    assert_eq!(deleted.entity_id, second.id.to_string());
    assert_eq!(deleted.before.as_ref().unwrap()["name"], "Queue too long");
    assert_eq!(deleted.after, None);
    not_found(
        store.delete_rule(second.id, &actor("c-rule-7")).await,
        "alert rule",
    );
    assert!(audit_of(store, "c-rule-7").await.is_empty());
    // The name of a deleted rule is free again.
    let again = store
        .create_rule("Queue too long", true, &json!({}), &actor("c-rule-8"))
        .await
        .unwrap();
    assert!(again.id > second.id);
    store
        .delete_rule(again.id, &actor("c-rule-8"))
        .await
        .unwrap();
    store
        .delete_rule(first.id, &actor("c-rule-8"))
        .await
        .unwrap();
    assert!(store.list_rules().await.unwrap().is_empty());
}

async fn lifecycle(store: &Arc<dyn Store>) {
    let r = rule(store, "lifecycle").await;
    let input = new_alert(r.id, "group:501", at(0));
    let opened = store.open_alert(&input).await.unwrap();
    assert_eq!(opened.rule_id, r.id);
    assert_eq!(opened.scope, "group:501");
    assert_eq!(opened.group_id, Some(501));
    assert_eq!(
        (opened.severity.as_str(), opened.kind.as_str()),
        ("warning", "threshold")
    );
    assert_eq!(opened.state, AlertState::Firing);
    assert_eq!(opened.fired_at, at(0));
    assert_eq!((opened.value, opened.threshold), (Some(72.5), Some(80.0)));
    assert_eq!(opened.description, input.description);
    assert_eq!(opened.details, input.details);
    assert_eq!(opened.level, 1);
    assert_eq!(
        (opened.acknowledged_at, opened.acknowledged_by.clone()),
        (None, None)
    );
    assert_eq!(
        (opened.resolved_at, opened.resolved_by.clone()),
        (None, None)
    );
    assert_eq!(store.get_alert(opened.id).await.unwrap(), opened);
    assert_eq!(
        store.alert_events(opened.id).await.unwrap(),
        vec![AlertEvent {
            at: at(0),
            event: "fired".into(),
            actor: "system".into(),
            level: Some(1),
            details: json!({"value": 72.5, "threshold": 80.0}),
        }]
    );

    // One open alert per rule and scope; another scope or rule is free.
    conflict(store.open_alert(&new_alert(r.id, "group:501", at(1))).await);
    let other_scope = store
        .open_alert(&new_alert(r.id, "site:7", at(1)))
        .await
        .unwrap();
    assert_eq!(other_scope.group_id, None);
    let r2 = rule(store, "lifecycle 2").await;
    store
        .open_alert(&new_alert(r2.id, "group:501", at(1)))
        .await
        .unwrap();
    match store.open_alert(&new_alert(9_999_999, "all", at(1))).await {
        Err(StoreError::InvalidReference { field, .. }) => assert_eq!(field, "rule_id"),
        other => panic!("expected an invalid reference, got {other:?}"),
    }

    let escalated = store
        .escalate_alert(opened.id, 2, at(5), &json!({"notify": "team:leads"}))
        .await
        .unwrap();
    assert_eq!(escalated.level, 2);
    assert_eq!(escalated.state, AlertState::Firing);
    let kept = store
        .escalate_alert(opened.id, 1, at(6), &json!({}))
        .await
        .unwrap();
    assert_eq!(kept.level, 2, "never lowered");

    let ack = store
        .acknowledge_alert(opened.id, &person("user:alice", "c-alert-ack"), at(7))
        .await
        .unwrap();
    assert_eq!(ack.state, AlertState::Acknowledged);
    assert_eq!(ack.acknowledged_at, Some(at(7)));
    assert_eq!(ack.acknowledged_by.as_deref(), Some("user:alice"));
    assert_eq!(ack.level, 2);
    assert_eq!(store.get_alert(opened.id).await.unwrap(), ack);
    let logged = audit_of(store, "c-alert-ack").await;
    assert_eq!(logged.len(), 1);
    assert_eq!(
        (logged[0].action.as_str(), logged[0].entity.as_str()),
        ("acknowledge", "alert")
    );
    assert_eq!(logged[0].entity_id, opened.id.to_string());
    assert_eq!(logged[0].actor, "user:alice");
    assert_eq!(logged[0].before.as_ref().unwrap()["state"], "firing");
    assert_eq!(logged[0].after.as_ref().unwrap()["state"], "acknowledged");
    conflict(
        store
            .acknowledge_alert(opened.id, &person("user:bob", "c-alert-ack-2"), at(8))
            .await,
    );
    assert!(audit_of(store, "c-alert-ack-2").await.is_empty());

    // Still open once acknowledged: it escalates further, and blocks its scope.
    let raised = store
        .escalate_alert(opened.id, 3, at(9), &json!({"notify": "manager"}))
        .await
        .unwrap();
    assert_eq!((raised.level, raised.state), (3, AlertState::Acknowledged));
    conflict(store.open_alert(&new_alert(r.id, "group:501", at(9))).await);

    let resolved = store
        .resolve_alert(opened.id, &person("user:bob", "c-alert-res"), at(10))
        .await
        .unwrap();
    assert_eq!(resolved.state, AlertState::Resolved);
    assert_eq!(resolved.resolved_at, Some(at(10)));
    assert_eq!(resolved.resolved_by.as_deref(), Some("user:bob"));
    assert_eq!(
        resolved.acknowledged_by.as_deref(),
        Some("user:alice"),
        "kept"
    );
    let logged = audit_of(store, "c-alert-res").await;
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].action, "resolve");
    assert_eq!(logged[0].before.as_ref().unwrap()["state"], "acknowledged");
    assert_eq!(logged[0].after.as_ref().unwrap()["resolved_by"], "user:bob");

    // Resolved is final; the refusals leave no trace.
    let events = store.alert_events(opened.id).await.unwrap().len();
    conflict(
        store
            .resolve_alert(opened.id, &person("user:bob", "c-alert-x"), at(11))
            .await,
    );
    conflict(
        store
            .acknowledge_alert(opened.id, &person("user:bob", "c-alert-x"), at(11))
            .await,
    );
    conflict(store.escalate_alert(opened.id, 4, at(11), &json!({})).await);
    assert!(audit_of(store, "c-alert-x").await.is_empty());
    assert_eq!(store.alert_events(opened.id).await.unwrap().len(), events);
    assert_eq!(store.get_alert(opened.id).await.unwrap(), resolved);

    // The scope is free again; the service resolving by itself leaves no audit entry.
    let reopened = store
        .open_alert(&new_alert(r.id, "group:501", at(12)))
        .await
        .unwrap();
    assert_ne!(reopened.id, opened.id);
    let cleared = store
        .resolve_alert(reopened.id, &Actor::system("c-alert-sys"), at(13))
        .await
        .unwrap();
    assert_eq!(
        (cleared.state, cleared.resolved_by.as_deref()),
        (AlertState::Resolved, Some("system"))
    );
    assert_eq!(cleared.acknowledged_at, None, "firing straight to resolved");
    assert!(audit_of(store, "c-alert-sys").await.is_empty());
    let last = store
        .alert_events(reopened.id)
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(
        (last.event.as_str(), last.actor.as_str(), last.at),
        ("resolved", "system", at(13))
    );

    let missing = 9_999_999;
    not_found(store.get_alert(missing).await, "alert");
    not_found(
        store
            .acknowledge_alert(missing, &actor("c-alert-y"), at(1))
            .await,
        "alert",
    );
    not_found(
        store
            .resolve_alert(missing, &actor("c-alert-y"), at(1))
            .await,
        "alert",
    );
    not_found(
        store.escalate_alert(missing, 2, at(1), &json!({})).await,
        "alert",
    );

    // A deleted rule keeps its alerts.
    store
        .delete_rule(r.id, &actor("c-alert-del"))
        .await
        .unwrap();
    let kept = store.get_alert(opened.id).await.unwrap();
    assert_eq!((kept.rule_id, kept), (r.id, resolved));
    let of_rule = store
        .list_alerts(&AlertFilter {
            rule_id: Some(r.id),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(of_rule.len(), 3);
}

async fn timeline(store: &Arc<dyn Store>) {
    let r = rule(store, "timeline").await;
    let alert = store
        .open_alert(&new_alert(r.id, "all", at(20)))
        .await
        .unwrap();
    store
        .escalate_alert(alert.id, 2, at(25), &json!({"notify": ["team:leads"]}))
        .await
        .unwrap();
    store
        .acknowledge_alert(alert.id, &person("user:carol", "c-tl"), at(30))
        .await
        .unwrap();
    let notified = AlertEvent {
        at: at(30),
        event: "notified".into(),
        actor: "system".into(),
        level: Some(2),
        details: json!({"channel": "email", "recipient": "lead@example.com"}),
    };
    store.add_alert_event(alert.id, &notified).await.unwrap();
    let reading = AlertEvent {
        at: at(22),
        event: "value".into(),
        actor: "system".into(),
        level: None,
        details: json!({"value": 70.1}),
    };
    store.add_alert_event(alert.id, &reading).await.unwrap();
    store
        .resolve_alert(alert.id, &person("user:carol", "c-tl"), at(40))
        .await
        .unwrap();

    let events = store.alert_events(alert.id).await.unwrap();
    let names: Vec<_> = events.iter().map(|e| e.event.as_str()).collect();
    // By time; the two entries at minute 30 in the order they were written.
    assert_eq!(
        names,
        [
            "fired",
            "value",
            "escalated",
            "acknowledged",
            "notified",
            "resolved"
        ]
    );
    assert_eq!(events[1], reading);
    assert_eq!(
        (events[2].at, events[2].actor.as_str(), events[2].level),
        (at(25), "system", Some(2))
    );
    assert_eq!(events[2].details, json!({"notify": ["team:leads"]}));
    assert_eq!(
        (events[3].at, events[3].actor.as_str()),
        (at(30), "user:carol")
    );
    assert_eq!(events[4], notified);
    assert_eq!(
        (events[5].at, events[5].actor.as_str()),
        (at(40), "user:carol")
    );

    not_found(store.add_alert_event(9_999_999, &notified).await, "alert");
    not_found(store.alert_events(9_999_999).await, "alert");
}

/// A storm opens its alerts and writes their timeline entries in one transaction each.
async fn batches(store: &Arc<dyn Store>) {
    let r = rule(store, "batch rule").await;
    let first = store
        .open_alert(&new_alert(r.id, "group:1", at(0)))
        .await
        .unwrap();
    let batch: Vec<NewAlert> = (1..=3)
        .map(|g| new_alert(r.id, &format!("group:{g}"), at(1)))
        .collect();
    let opened = store.open_alerts(&batch).await.unwrap();
    assert!(opened[0].is_none(), "group 1 was open already");
    let (a2, a3) = (opened[1].clone().unwrap(), opened[2].clone().unwrap());
    assert_eq!(
        (a2.scope.as_str(), a3.scope.as_str()),
        ("group:2", "group:3")
    );
    assert_eq!(store.alert_events(a2.id).await.unwrap()[0].event, "fired");
    let note = |id: i64| {
        (
            id,
            AlertEvent {
                at: at(2),
                event: "notified".into(),
                actor: "system".into(),
                level: Some(1),
                details: json!({"channel": "webhook"}),
            },
        )
    };
    store
        .add_alert_events(&[note(first.id), note(a2.id), note(a3.id)])
        .await
        .unwrap();
    for id in [first.id, a2.id, a3.id] {
        let events = store.alert_events(id).await.unwrap();
        assert_eq!(events.last().unwrap().event, "notified", "{events:?}");
    }
    // An unknown alert fails the whole batch: nothing of it is written.
    let before = store.alert_events(a3.id).await.unwrap().len();
    assert!(
        store
            .add_alert_events(&[note(a3.id), note(999_999)])
            .await
            .is_err()
    );
    assert_eq!(store.alert_events(a3.id).await.unwrap().len(), before);
}

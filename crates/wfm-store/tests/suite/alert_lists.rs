//! Conformance of alert listing (every filter, the order, the cursor and the limit) and of
//! racing writers: one open alert per rule and scope, one acknowledgement.

use std::sync::Arc;

use wfm_store::alerts::*;
use wfm_store::{Store, StoreError};

use super::alerts::{at, new_alert, person, rule};
use super::audit_of;

pub async fn run(store: &Arc<dyn Store>) {
    lists(store).await;
    racing_writers(store).await;
}

async fn lists(store: &Arc<dyn Store>) {
    let r = rule(store, "lists").await;
    let open = |scope: &str, minute: i64, kind: &str| {
        let mut a = new_alert(r.id, scope, at(100 + minute));
        a.kind = kind.into();
        a
    };
    let a1 = store
        .open_alert(&open("group:11", 0, "threshold"))
        .await
        .unwrap();
    let a2 = store
        .open_alert(&open("group:12", 10, "predictive"))
        .await
        .unwrap();
    let a3 = store
        .open_alert(&open("group:11-b", 20, "threshold"))
        .await
        .unwrap();
    let a4 = store
        .open_alert(&open("group:13", 20, "threshold"))
        .await
        .unwrap();
    let a5 = store
        .open_alert(&open("group:14", 30, "predictive"))
        .await
        .unwrap();
    let a6 = store
        .open_alert(&open("site:1", 40, "threshold"))
        .await
        .unwrap();
    let who = person("user:dan", "c-list");
    store.acknowledge_alert(a2.id, &who, at(150)).await.unwrap();
    store.resolve_alert(a5.id, &who, at(150)).await.unwrap();
    store.resolve_alert(a6.id, &who, at(150)).await.unwrap();

    let list = |f: AlertFilter| {
        let store = store.clone();
        async move {
            let f = AlertFilter {
                rule_id: Some(r.id),
                limit: if f.limit == 0 { 100 } else { f.limit },
                ..f
            };
            store
                .list_alerts(&f)
                .await
                .unwrap()
                .iter()
                .map(|a| a.id)
                .collect::<Vec<_>>()
        }
    };
    // Open ones first, then newest fired; a3 and a4 fired together: higher id first.
    assert_eq!(
        list(AlertFilter::default()).await,
        vec![a4.id, a3.id, a2.id, a1.id, a6.id, a5.id]
    );
    assert_eq!(
        list(AlertFilter {
            open_only: true,
            ..Default::default()
        })
        .await,
        vec![a4.id, a3.id, a2.id, a1.id]
    );
    assert_eq!(
        list(AlertFilter {
            state: Some(AlertState::Acknowledged),
            ..Default::default()
        })
        .await,
        vec![a2.id]
    );
    assert_eq!(
        list(AlertFilter {
            state: Some(AlertState::Resolved),
            ..Default::default()
        })
        .await,
        vec![a6.id, a5.id]
    );
    assert_eq!(
        list(AlertFilter {
            group_id: Some(11),
            ..Default::default()
        })
        .await,
        vec![a1.id]
    );
    assert_eq!(
        list(AlertFilter {
            kind: Some("predictive".into()),
            ..Default::default()
        })
        .await,
        vec![a2.id, a5.id]
    );
    // [from, to): fired at minute 120 is in, at 140 is out.
    assert_eq!(
        list(AlertFilter {
            from: Some(at(120)),
            to: Some(at(140)),
            ..Default::default()
        })
        .await,
        vec![a4.id, a3.id, a5.id]
    );
    assert_eq!(
        list(AlertFilter {
            before_id: Some(a4.id),
            open_only: true,
            ..Default::default()
        })
        .await,
        vec![a3.id, a2.id, a1.id]
    );
    assert_eq!(
        list(AlertFilter {
            limit: 2,
            ..Default::default()
        })
        .await,
        vec![a4.id, a3.id]
    );
    // Every filter at once.
    assert_eq!(
        list(AlertFilter {
            state: Some(AlertState::Firing),
            open_only: true,
            group_id: Some(13),
            kind: Some("threshold".into()),
            from: Some(at(100)),
            to: Some(at(200)),
            before_id: Some(a6.id),
            ..Default::default()
        })
        .await,
        vec![a4.id]
    );
    // A zero limit means one; without a rule filter every rule's alerts come.
    let one = store
        .list_alerts(&AlertFilter {
            rule_id: Some(r.id),
            limit: 0,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(one.iter().map(|a| a.id).collect::<Vec<_>>(), vec![a4.id]);
    assert_eq!(one[0], store.get_alert(a4.id).await.unwrap());
    let all = store
        .list_alerts(&AlertFilter {
            limit: 5000,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(all.len() > 6 && all.iter().any(|a| a.rule_id != r.id));
    let first_resolved = all
        .iter()
        .position(|a| a.state == AlertState::Resolved)
        .unwrap();
    assert!(
        all[first_resolved..]
            .iter()
            .all(|a| a.state == AlertState::Resolved)
    );
}

async fn racing_writers(store: &Arc<dyn Store>) {
    let r = rule(store, "racing").await;
    // Spawned all at once (collected): a lazy map would run them one after another.
    let opens = (0..8)
        .map(|i| {
            let store = store.clone();
            let alert = new_alert(r.id, "group:900", at(200 + i));
            tokio::spawn(async move { store.open_alert(&alert).await })
        })
        .collect::<Vec<_>>();
    let mut opened = Vec::new();
    for o in opens {
        match o.await.unwrap() {
            Ok(a) => opened.push(a),
            Err(StoreError::Conflict(_)) => {}
            Err(e) => panic!("expected a conflict, got {e:?}"),
        }
    }
    assert_eq!(opened.len(), 1, "exactly one racing open wins");
    let winner = &opened[0];
    let listed = store
        .list_alerts(&AlertFilter {
            rule_id: Some(r.id),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(listed, vec![winner.clone()]);
    assert_eq!(store.alert_events(winner.id).await.unwrap().len(), 1);

    let acks = (0..8)
        .map(|i| {
            let store = store.clone();
            let id = winner.id;
            tokio::spawn(async move {
                let who = person(&format!("user:racer{i}"), "c-race-ack");
                store.acknowledge_alert(id, &who, at(210)).await
            })
        })
        .collect::<Vec<_>>();
    let mut won = Vec::new();
    for a in acks {
        match a.await.unwrap() {
            Ok(a) => won.push(a),
            Err(StoreError::Conflict(_)) => {}
            Err(e) => panic!("expected a conflict, got {e:?}"),
        }
    }
    assert_eq!(won.len(), 1, "exactly one racing acknowledge wins");
    assert_eq!(audit_of(store, "c-race-ack").await.len(), 1);
    let events = store.alert_events(winner.id).await.unwrap();
    assert_eq!(
        events.iter().filter(|e| e.event == "acknowledged").count(),
        1
    );
    assert_eq!(
        Some(events[1].actor.as_str()),
        won[0].acknowledged_by.as_deref()
    );
}

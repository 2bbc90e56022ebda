//! Webhooks: signatures and delivery ids, retries of transient failures, final refusals,
//! receivers that hold up no one, and deliveries the store could not record.

use super::*;

#[tokio::test]
async fn every_webhook_delivery_is_signed_and_names_its_delivery() {
    let s = TestStore::new().await;
    let hook = Receiver::start(&s, Behaviour::Accept).await;
    let notifier = s.notifier(settings());
    let mut ids = Vec::new();
    for i in 0..5 {
        let payload = json!({"alert": i, "text": "Группа L1: уровень сервиса 61%"});
        let id = notifier
            .send(Target::Webhook(hook.url.clone()), message("", payload))
            .await;
        ids.push(id.unwrap());
    }
    assert!(notifier.idle(DEADLINE).await);
    let hits = hook.hits();
    assert_eq!(hits.len(), 5);
    assert_eq!(hook.bad_signatures(), 0);
    for (i, id) in ids.iter().enumerate() {
        let hit = hits.iter().find(|h| h.delivery == Some(*id)).unwrap();
        assert_eq!(hit.body["alert"], i);
        assert_eq!(hit.body["text"], "Группа L1: уровень сервиса 61%");
        assert_eq!(hit.content_type, "application/json");
        let d = s.row(*id).await;
        assert_eq!(
            (d.channel.as_str(), d.recipient.as_str(), d.status.as_str()),
            ("webhook", hook.url.as_str(), "delivered")
        );
        assert_eq!((d.attempts, d.last_error), (1, None));
    }
    // The receiver's check does catch an unsigned delivery.
    let unsigned = s.notifier(NotifySettings {
        signing_secret: None,
        ..settings()
    });
    unsigned
        .send(Target::Webhook(hook.url.clone()), message("", json!({})))
        .await;
    assert!(unsigned.idle(DEADLINE).await);
    assert_eq!(hook.bad_signatures(), 1);
}

#[tokio::test]
async fn transient_failures_are_retried_and_recorded_until_delivered() {
    let s = TestStore::new().await;
    let hook = Receiver::start(&s, Behaviour::FailFirst(2, 500)).await;
    let notifier = s.notifier(settings());
    let id = notifier
        .send(
            Target::Webhook(hook.url.clone()),
            message("", json!({"n": 1})),
        )
        .await
        .unwrap();
    assert!(notifier.idle(DEADLINE).await);
    let d = s.row(id).await;
    assert_eq!(
        (d.status.as_str(), d.attempts, d.last_error),
        ("delivered", 3, None)
    );
    // What the row said when each attempt arrived: the failures were recorded on the way.
    let hits = hook.hits();
    assert_eq!(hits.len(), 3);
    assert_eq!(hook.bad_signatures(), 0);
    let seen: Vec<(String, u32, Option<String>)> = hits
        .iter()
        .map(|h| {
            assert_eq!(h.delivery, Some(id));
            let r = h.row.clone().unwrap();
            (r.status, r.attempts, r.last_error)
        })
        .collect();
    assert_eq!(seen[0], ("pending".into(), 0, None));
    for (n, (status, attempts, error)) in seen.iter().enumerate().skip(1) {
        assert_eq!((status.as_str(), *attempts), ("pending", n as u32));
        assert!(
            error.as_deref().unwrap().starts_with("HTTP 500"),
            "{error:?}"
        );
    }
    // A 429 is worth another attempt too.
    let limited = Receiver::start(&s, Behaviour::FailFirst(1, 429)).await;
    let id = notifier
        .send(Target::Webhook(limited.url.clone()), message("", json!({})))
        .await
        .unwrap();
    let d = s
        .wait_row(id, "429 retried", |d| d.status != "pending")
        .await;
    assert_eq!((d.status.as_str(), d.attempts), ("delivered", 2));
}

#[tokio::test]
async fn a_receiver_that_keeps_failing_ends_failed_after_the_last_attempt() {
    let s = TestStore::new().await;
    let hook = Receiver::start(&s, Behaviour::Always(500)).await;
    let notifier = s.notifier(NotifySettings {
        max_attempts: 4,
        ..settings()
    });
    let id = notifier
        .send(Target::Webhook(hook.url.clone()), message("", json!({})))
        .await
        .unwrap();
    let d = s.wait_row(id, "failed", |d| d.status != "pending").await;
    assert_eq!((d.status.as_str(), d.attempts), ("failed", 4));
    assert!(d.last_error.unwrap().starts_with("HTTP 500"));
    assert!(notifier.idle(DEADLINE).await);
    assert_eq!(hook.hits().len(), 4);
}

#[tokio::test]
async fn a_refusal_is_final_after_one_attempt() {
    let s = TestStore::new().await;
    let notifier = s.notifier(settings());
    for code in [400, 404, 410] {
        let hook = Receiver::start(&s, Behaviour::Always(code)).await;
        let id = notifier
            .send(Target::Webhook(hook.url.clone()), message("", json!({})))
            .await
            .unwrap();
        assert!(notifier.idle(DEADLINE).await);
        let d = s.row(id).await;
        assert_eq!((d.status.as_str(), d.attempts), ("failed", 1), "{code}");
        assert!(d.last_error.unwrap().starts_with(&format!("HTTP {code}")));
        assert_eq!(hook.hits().len(), 1);
    }
}

#[tokio::test]
async fn a_slow_or_failing_receiver_holds_up_no_one() {
    let s = TestStore::new().await;
    let (open, gate) = watch::channel(false);
    let slow = Receiver::start(&s, Behaviour::HoldUntil(gate.clone())).await;
    let failing = Receiver::start(&s, Behaviour::FailUntil(gate)).await;
    let good = Receiver::start(&s, Behaviour::Accept).await;
    // Two at once: a delivery waiting for its retry must not keep its slot.
    let notifier = s.notifier(NotifySettings {
        max_attempts: 1000,
        concurrency: 2,
        ..settings()
    });
    let send = |url: &str| notifier.send(Target::Webhook(url.into()), message("", json!({})));
    let slow_id = send(&slow.url).await.unwrap();
    let failing_id = send(&failing.url).await.unwrap();
    until("the slow receiver is reached", || !slow.hits().is_empty()).await;
    until("the failing receiver is retried", || {
        failing.hits().len() >= 2
    })
    .await;
    let good_id = send(&good.url).await.unwrap();
    s.wait_row(good_id, "the good delivery", |d| d.status == "delivered")
        .await;
    let held = s.row(slow_id).await;
    assert_eq!((held.status.as_str(), held.attempts), ("pending", 0));
    let retried = s.row(failing_id).await;
    assert_eq!(retried.status, "pending");
    assert!(retried.last_error.unwrap().starts_with("HTTP 503"));
    assert!(!notifier.idle(Duration::from_millis(20)).await);
    open.send(true).unwrap();
    for id in [slow_id, failing_id] {
        s.wait_row(id, "delivered once the gate opens", |d| {
            d.status == "delivered"
        })
        .await;
    }
    assert!(notifier.idle(DEADLINE).await);
    assert_eq!(
        slow.bad_signatures() + failing.bad_signatures() + good.bad_signatures(),
        0
    );
}

#[tokio::test]
async fn a_delivery_the_store_cannot_record_is_still_sent() {
    let s = TestStore::new().await;
    let hook = Receiver::start(&s, Behaviour::Accept).await;
    let notifier = s.notifier(settings());
    let mut m = message("", json!({"about": "an alert that does not exist"}));
    m.alert_id = Some(987_654);
    let id = notifier.send(Target::Webhook(hook.url.clone()), m).await;
    assert_eq!(id, None);
    assert!(notifier.idle(DEADLINE).await);
    let hits = hook.hits();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].delivery, None);
    assert_eq!(hits[0].body["about"], "an alert that does not exist");
    assert_eq!(hook.bad_signatures(), 0);
}

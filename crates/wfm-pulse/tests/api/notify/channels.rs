//! E-mail to a local SMTP sink, SMS through a fake gateway, and channels or recipients that
//! cannot be used at all.

use super::*;
use crate::common::smtp_sink::SmtpSink;

fn smtp(sink_port: u16) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port: sink_port,
        from: "WFM Pulse <wfm@example.com>".into(),
        username: Some("wfm".into()),
        password: Some("пароль".into()),
    }
}

#[tokio::test]
async fn e_mail_reaches_the_relay_with_its_headers_and_cyrillic_text_intact() {
    let s = TestStore::new().await;
    let sink = SmtpSink::start().await;
    let notifier = s.notifier(NotifySettings {
        smtp: Some(smtp(sink.port)),
        ..settings()
    });
    let text = "Группа L1: уровень сервиса 61% при цели 80%.\n.Строка с точкой в начале\n\
                Ёлка, щётка, объём — «кавычки».";
    let mut m = message(text, Value::Null);
    m.subject = "Критично: уровень сервиса L1 ниже 70%".into();
    let id = notifier
        .send(Target::Email("irina@example.com".into()), m.clone())
        .await
        .unwrap();
    let d = s.wait_row(id, "e-mail", |d| d.status != "pending").await;
    assert_eq!(
        (d.status.as_str(), d.attempts, d.channel.as_str()),
        ("delivered", 1, "email")
    );
    let mails = sink.messages();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.from, "wfm@example.com");
    assert_eq!(mail.to, vec!["irina@example.com".to_string()]);
    assert!(mail.header("From").unwrap().contains("<wfm@example.com>"));
    assert_eq!(mail.header("To").unwrap(), "irina@example.com");
    assert_eq!(mail.header("Subject").unwrap(), m.subject);
    let message_id = mail.header("Message-ID").unwrap();
    assert!(message_id.starts_with("<wfm-pulse.") && message_id.ends_with("@example.com>"));
    assert!(
        mail.header("Content-Type")
            .unwrap()
            .contains("charset=utf-8")
    );
    assert_eq!(mail.text(), text.replace('\n', "\r\n"));
    assert_eq!(
        sink.logins(),
        vec![("wfm".to_string(), "пароль".to_string())]
    );
}

#[tokio::test]
async fn smtp_4xx_and_lost_connections_are_retried_5xx_is_final() {
    let s = TestStore::new().await;
    let sink = SmtpSink::start().await;
    let notifier = s.notifier(NotifySettings {
        smtp: Some(smtp(sink.port)),
        ..settings()
    });
    let to = || Target::Email("irina@example.com".into());
    sink.refuse_recipients(2, "451 4.3.0 try again later");
    let id = notifier
        .send(to(), message("раз", Value::Null))
        .await
        .unwrap();
    assert!(notifier.idle(DEADLINE).await);
    let d = s.row(id).await;
    assert_eq!((d.status.as_str(), d.attempts), ("delivered", 3));
    assert_eq!(sink.messages().len(), 1);

    sink.refuse_recipients(1, "550 5.1.1 no such user");
    let id = notifier
        .send(to(), message("два", Value::Null))
        .await
        .unwrap();
    assert!(notifier.idle(DEADLINE).await);
    let d = s.row(id).await;
    assert_eq!((d.status.as_str(), d.attempts), ("failed", 1));
    assert!(d.last_error.unwrap().contains("550"));
    assert_eq!(sink.messages().len(), 1);

    // Nobody listens on the port: a connection error, retried to the last attempt.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let closed = s.notifier(NotifySettings {
        smtp: Some(smtp(port)),
        max_attempts: 2,
        ..settings()
    });
    let id = closed
        .send(to(), message("три", Value::Null))
        .await
        .unwrap();
    assert!(closed.idle(DEADLINE).await);
    let d = s.row(id).await;
    assert_eq!((d.status.as_str(), d.attempts), ("failed", 2));
    assert!(d.last_error.unwrap().starts_with("SMTP relay:"));
}

#[tokio::test]
async fn sms_goes_through_the_gateway_signed_with_the_number_and_the_first_480_chars() {
    let s = TestStore::new().await;
    let gateway = Receiver::start(&s, Behaviour::Accept).await;
    let notifier = s.notifier(NotifySettings {
        sms_gateway: Some(gateway.url.clone()),
        ..settings()
    });
    let text = "Щ".repeat(300) + &"ж".repeat(300);
    let id = notifier
        .send(
            Target::Sms("+79161234567".into()),
            message(&text, json!({})),
        )
        .await
        .unwrap();
    assert!(notifier.idle(DEADLINE).await);
    let hits = gateway.hits();
    assert_eq!(hits.len(), 1);
    assert_eq!(gateway.bad_signatures(), 0);
    assert_eq!(hits[0].delivery, Some(id));
    let expected: String = text.chars().take(480).collect();
    assert_eq!(
        hits[0].body,
        json!({"to": "+79161234567", "text": expected})
    );
    let d = s.row(id).await;
    assert_eq!(
        (d.channel.as_str(), d.status.as_str(), d.attempts),
        ("sms", "delivered", 1)
    );
}

#[tokio::test]
async fn unconfigured_channels_and_unusable_recipients_fail_at_once() {
    let s = TestStore::new().await;
    let bare = s.notifier(settings());
    let cases = [
        (Target::Email("irina@example.com".into()), "no SMTP relay"),
        (Target::Sms("+79161234567".into()), "no SMS gateway"),
        (
            Target::Webhook("ftp://hooks.example.com/x".into()),
            "is not http or https",
        ),
        (Target::Webhook("not a url".into()), "not valid"),
    ];
    for (target, why) in cases {
        let id = bare.send(target, message("x", json!({}))).await.unwrap();
        let d = s.wait_row(id, why, |d| d.status != "pending").await;
        assert_eq!((d.status.as_str(), d.attempts), ("failed", 0), "{why}");
        assert!(d.last_error.as_deref().unwrap().contains(why), "{d:?}");
    }
    // Configured channels, recipients they cannot take: nothing is sent.
    let gateway = Receiver::start(&s, Behaviour::Accept).await;
    let sink = SmtpSink::start().await;
    let configured = s.notifier(NotifySettings {
        sms_gateway: Some(gateway.url.clone()),
        smtp: Some(smtp(sink.port)),
        ..settings()
    });
    let cases = [
        (
            Target::Sms("8 916 123-45-67".into()),
            "international format",
        ),
        (
            Target::Email("irina at example".into()),
            "not an e-mail address",
        ),
    ];
    for (target, why) in cases {
        let id = configured
            .send(target, message("x", json!({})))
            .await
            .unwrap();
        let d = s.wait_row(id, why, |d| d.status != "pending").await;
        assert_eq!((d.status.as_str(), d.attempts), ("failed", 0), "{why}");
        assert!(d.last_error.as_deref().unwrap().contains(why), "{d:?}");
    }
    assert!(configured.idle(DEADLINE).await);
    assert!(gateway.hits().is_empty());
    assert!(sink.messages().is_empty());
}

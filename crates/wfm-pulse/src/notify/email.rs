//! E-mail through an SMTP relay (lettre): a UTF-8 plain-text message per delivery, sent over
//! plain SMTP, and what the relay's replies mean. The relay is one on a trusted network (a
//! local MTA or an internal relay); SMTP over TLS would take lettre's TLS features.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::{Attempt, Message, SmtpSettings};

/// The relay and the sender.
pub(super) struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: String,
    timeout: Duration,
}

impl Mailer {
    pub(super) fn new(smtp: &SmtpSettings, timeout: Duration) -> Self {
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.clone())
                .port(smtp.port)
                .timeout(Some(timeout));
        if let Some(user) = &smtp.username {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                smtp.password.clone().unwrap_or_default(),
            ));
        }
        Mailer {
            transport: builder.build(),
            from: smtp.from.clone(),
            timeout,
        }
    }

    /// One attempt: a new connection, the message, QUIT. `key` makes the Message-ID, the
    /// same for every attempt of a delivery.
    pub(super) async fn send(&self, to: &str, key: uuid::Uuid, message: &Message) -> Attempt {
        let email = match compose(&self.from, to, key, message) {
            Ok(email) => email,
            Err(why) => return Attempt::Final(why),
        };
        // lettre's timeout is per command; this one bounds the whole exchange.
        match tokio::time::timeout(self.timeout, self.transport.send(email)).await {
            Ok(Ok(_)) => Attempt::Delivered,
            Ok(Err(e)) => classify(&e),
            Err(_) => Attempt::Transient(
                format!(
                    "the SMTP relay did not finish within {} ms",
                    self.timeout.as_millis()
                ),
                None,
            ),
        }
    }
}

/// Whether `to` is an e-mail address (checked before the first attempt).
pub(super) fn check_address(to: &str) -> Result<(), String> {
    to.parse::<Mailbox>()
        .map(drop)
        .map_err(|e| format!("{to} is not an e-mail address: {e}"))
}

/// The message: From, To, Subject, Message-ID and the text (lettre picks a 7-bit-safe
/// encoding, so relays without 8BITMIME take it too).
fn compose(
    from: &str,
    to: &str,
    key: uuid::Uuid,
    message: &Message,
) -> Result<lettre::Message, String> {
    let from: Mailbox = from
        .parse()
        .map_err(|e| format!("the configured sender {from} is not an e-mail address: {e}"))?;
    let to: Mailbox = to
        .parse()
        .map_err(|e| format!("{to} is not an e-mail address: {e}"))?;
    let message_id = format!("<wfm-pulse.{}@{}>", key.simple(), from.email.domain());
    lettre::Message::builder()
        .message_id(Some(message_id))
        .from(from)
        .to(to)
        .subject(message.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(message.text.clone())
        .map_err(|e| format!("the e-mail could not be composed: {e}"))
}

/// A 5xx reply is final, a 4xx reply or a broken connection is worth another attempt; an
/// error of the client itself will not change by retrying.
fn classify(e: &lettre::transport::smtp::Error) -> Attempt {
    let what = format!("SMTP relay: {e}");
    if e.is_permanent() || e.is_client() {
        Attempt::Final(what)
    } else {
        Attempt::Transient(what, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message() -> Message {
        Message {
            alert_id: None,
            severity: "critical".into(),
            subject: "Уровень сервиса".into(),
            text: "Группа L1: уровень сервиса 61%".into(),
            payload: serde_json::Value::Null,
        }
    }

    #[test]
    fn the_message_has_sender_recipient_subject_and_a_utf8_text_body() {
        let key = uuid::Uuid::new_v4();
        let email = compose(
            "WFM Pulse <wfm@example.com>",
            "irina@example.com",
            key,
            &message(),
        )
        .unwrap();
        let raw = String::from_utf8(email.formatted()).unwrap();
        let id = format!("Message-ID: <wfm-pulse.{}@example.com>\r\n", key.simple());
        assert!(raw.contains(&id), "{raw}");
        assert!(
            raw.contains("From: \"WFM Pulse\" <wfm@example.com>\r\n"),
            "{raw}"
        );
        assert!(raw.contains("To: irina@example.com\r\n"), "{raw}");
        assert!(raw.contains("Subject: =?utf-8?"), "{raw}");
        assert!(
            raw.contains("Content-Type: text/plain; charset=utf-8\r\n"),
            "{raw}"
        );
        let envelope = email.envelope();
        assert_eq!(envelope.to()[0].to_string(), "irina@example.com");
    }

    #[test]
    fn bad_addresses_are_final_errors() {
        let key = uuid::Uuid::nil();
        let e = compose("wfm@example.com", "not an address", key, &message()).unwrap_err();
        assert!(
            e.starts_with("not an address is not an e-mail address"),
            "{e}"
        );
        let e = compose("nobody", "irina@example.com", key, &message()).unwrap_err();
        assert!(e.starts_with("the configured sender nobody"), "{e}");
    }
}

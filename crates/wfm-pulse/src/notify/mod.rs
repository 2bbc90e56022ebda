//! Alert notifications over webhook, e-mail and SMS: every notification is a delivery row in
//! the store, sent in its own task with bounded concurrency, retried with backoff while the
//! failure is transient, and each attempt's outcome is recorded and logged.

mod email;
mod sms;
mod webhook;

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;
use tokio::sync::{Semaphore, watch};
use wfm_store::Store;

use crate::integrations::resilience::backoff;

/// Header names of webhook and SMS-gateway deliveries.
pub const SIGNATURE_HEADER: &str = "X-WFM-Signature";
/// The delivery id, so that receivers can de-duplicate retries of the same delivery.
pub const DELIVERY_HEADER: &str = "X-WFM-Delivery";

/// The longest pause between two attempts.
const MAX_DELAY: Duration = Duration::from_secs(60);

/// The SMTP relay e-mail goes through (plain SMTP: a relay on a trusted network).
#[derive(Debug, Clone, PartialEq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    /// The sender, `address` or `Name <address>`.
    pub from: String,
    pub username: Option<String>,
    pub password: Option<String>,
}

/// How notifications are sent.
#[derive(Debug, Clone, PartialEq)]
pub struct NotifySettings {
    /// The relay for e-mail (None: e-mail deliveries fail at once).
    pub smtp: Option<SmtpSettings>,
    /// HMAC-SHA256 key of webhook and SMS-gateway deliveries (None: unsigned; so is "")
    pub signing_secret: Option<String>,
    /// The SMS gateway: a URL that takes POST {"to": "+7...", "text": "..."} JSON
    pub sms_gateway: Option<String>,
    /// Attempts per delivery, the first included.
    pub max_attempts: u32,
    /// The first retry's delay; it doubles per retry, with jitter, up to 60 s.
    pub base_delay: Duration,
    /// The limit of one attempt.
    pub timeout: Duration,
    /// Attempts in flight at once (a delivery waiting for its retry holds none).
    pub concurrency: usize,
}

impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings {
            smtp: None,
            signing_secret: None,
            sms_gateway: None,
            max_attempts: 5,
            base_delay: Duration::from_secs(1),
            timeout: Duration::from_secs(5),
            concurrency: 32,
        }
    }
}

/// Where a notification goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An e-mail address.
    Email(String),
    /// A phone number in international format (`+79161234567`).
    Sms(String),
    /// An http(s) URL that takes the payload as a JSON POST.
    Webhook(String),
}

impl Target {
    /// The channel name stored with the delivery: `email`, `sms` or `webhook`.
    pub fn channel(&self) -> &'static str {
        match self {
            Target::Email(_) => "email",
            Target::Sms(_) => "sms",
            Target::Webhook(_) => "webhook",
        }
    }

    /// The address, phone number or URL.
    pub fn recipient(&self) -> &str {
        match self {
            Target::Email(r) | Target::Sms(r) | Target::Webhook(r) => r,
        }
    }
}

/// What to say.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The alert the notification is about, if any.
    pub alert_id: Option<i64>,
    pub severity: String,
    /// The e-mail subject.
    pub subject: String,
    /// plain text, for e-mail and SMS (SMS takes the first 480 chars)
    pub text: String,
    /// the JSON body of webhooks
    pub payload: serde_json::Value,
}

/// The signature header value of a body: "sha256=" + lowercase hex of HMAC-SHA256(secret, body).
/// Exactly the body bytes are signed; receivers compute it over the raw body they got.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    // HMAC takes keys of any length, so this never fails.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The outcome of one attempt.
#[derive(Debug, Clone, PartialEq)]
enum Attempt {
    Delivered,
    /// Trying again may succeed; optionally not before the given delay (Retry-After).
    Transient(String, Option<Duration>),
    /// Trying again will not help.
    Final(String),
}

/// Sends notifications; one per process, shared behind an `Arc`.
pub struct Notifier {
    settings: NotifySettings,
    store: Arc<dyn Store>,
    http: reqwest::Client,
    mailer: Option<email::Mailer>,
    permits: Semaphore,
    in_flight: watch::Sender<usize>,
}

/// Counts a delivery in flight until it is dropped, even by a task that panicked.
struct InFlight(watch::Sender<usize>);

impl InFlight {
    fn start(counter: &watch::Sender<usize>) -> Self {
        counter.send_modify(|n| *n += 1);
        InFlight(counter.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n = n.saturating_sub(1));
    }
}

impl Notifier {
    /// A notifier with `settings`, recording deliveries in `store`.
    pub fn new(settings: NotifySettings, store: Arc<dyn Store>) -> Self {
        let http = webhook::client().unwrap_or_else(|e| {
            tracing::error!(error = %e, "notification HTTP client not configured; using defaults");
            reqwest::Client::new()
        });
        let mailer = settings
            .smtp
            .as_ref()
            .map(|smtp| email::Mailer::new(smtp, settings.timeout));
        let permits = Semaphore::new(settings.concurrency.max(1));
        Notifier {
            settings,
            store,
            http,
            mailer,
            permits,
            in_flight: watch::Sender::new(0),
        }
    }

    /// Records a pending delivery in the store and sends it in the background (its own task,
    /// bounded concurrency): a failing or slow recipient never delays the others. Transient
    /// failures (no answer, timeout, 5xx, 429; for SMTP a 4xx reply or connection error) are
    /// retried with backoff up to max_attempts; a 4xx webhook answer or SMTP 5xx is final.
    /// Every attempt's outcome updates the delivery (status pending/delivered/failed,
    /// attempts, last_error) and is logged with tracing. Returns the delivery id (None if
    /// even the record could not be written; then it is still sent).
    pub async fn send(self: &Arc<Self>, target: Target, message: Message) -> Option<i64> {
        let guard = InFlight::start(&self.in_flight);
        let id = match self
            .store
            .create_delivery(message.alert_id, target.channel(), target.recipient())
            .await
        {
            Ok(d) => Some(d.id),
            Err(e) => {
                tracing::error!(error = %e, channel = target.channel(),
                    "notification delivery not recorded; sending it anyway");
                None
            }
        };
        let this = Arc::clone(self);
        tokio::spawn(async move {
            this.deliver(id, &target, &message).await;
            drop(guard);
        });
        id
    }

    /// Waits until no delivery is in flight or `timeout` passes; true when idle (for shutdown
    /// and tests).
    pub async fn idle(&self, timeout: Duration) -> bool {
        let mut rx = self.in_flight.subscribe();
        matches!(
            tokio::time::timeout(timeout, rx.wait_for(|n| *n == 0)).await,
            Ok(Ok(_))
        )
    }

    /// Attempts until delivered, a final failure, or the last attempt.
    async fn deliver(&self, id: Option<i64>, target: &Target, message: &Message) {
        let max = self.settings.max_attempts.max(1);
        if let Some(why) = self.unsendable(target) {
            tracing::error!(delivery = id, channel = target.channel(), error = %why,
                "notification failed");
            self.record(id, "failed", 0, Some(&why)).await;
            return;
        }
        // One Message-ID for every attempt of an e-mail, so that a copy sent twice (an
        // attempt that timed out after the relay took it) can be recognized.
        let key = uuid::Uuid::new_v4();
        for attempt in 1..=max {
            // The permit covers the attempt only, so a delivery waiting for its retry leaves
            // room for others. The semaphore is never closed (None would send unbounded).
            let permit = self.permits.acquire().await.ok();
            let outcome = self.attempt(id, key, target, message).await;
            drop(permit);
            let (channel, recipient) = (target.channel(), target.recipient());
            match outcome {
                Attempt::Delivered => {
                    tracing::info!(
                        delivery = id,
                        channel,
                        recipient,
                        attempt,
                        "notification delivered"
                    );
                    self.record(id, "delivered", attempt, None).await;
                    return;
                }
                Attempt::Final(why) => {
                    tracing::error!(delivery = id, channel, recipient, attempt, error = %why,
                        "notification failed; not retried");
                    self.record(id, "failed", attempt, Some(&why)).await;
                    return;
                }
                Attempt::Transient(why, _) if attempt == max => {
                    tracing::error!(delivery = id, channel, recipient, attempt, error = %why,
                        "notification failed after its last attempt");
                    self.record(id, "failed", attempt, Some(&why)).await;
                    return;
                }
                Attempt::Transient(why, not_before) => {
                    tracing::warn!(delivery = id, channel, recipient, attempt, error = %why,
                        "notification attempt failed; will retry");
                    self.record(id, "pending", attempt, Some(&why)).await;
                    let jitter = rand::thread_rng().r#gen::<f64>();
                    let delay = backoff(attempt, self.settings.base_delay, MAX_DELAY, jitter);
                    let delay = not_before.map_or(delay, |d| d.min(MAX_DELAY).max(delay));
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// Why a delivery cannot be sent at all, before any attempt.
    fn unsendable(&self, target: &Target) -> Option<String> {
        match target {
            Target::Email(_) if self.mailer.is_none() => {
                Some("e-mail is not configured: no SMTP relay is set".into())
            }
            Target::Sms(_) if self.settings.sms_gateway.is_none() => {
                Some("SMS is not configured: no SMS gateway is set".into())
            }
            Target::Sms(phone) => sms::check_phone(phone)
                .and_then(|()| {
                    self.settings
                        .sms_gateway
                        .as_deref()
                        .map_or(Ok(()), webhook::check_url)
                })
                .err(),
            Target::Webhook(url) => webhook::check_url(url).err(),
            Target::Email(to) => email::check_address(to).err(),
        }
    }

    async fn attempt(
        &self,
        id: Option<i64>,
        key: uuid::Uuid,
        target: &Target,
        message: &Message,
    ) -> Attempt {
        let secret = self
            .settings
            .signing_secret
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(str::as_bytes);
        let timeout = self.settings.timeout;
        match target {
            Target::Webhook(url) => {
                let body = message.payload.to_string().into_bytes();
                webhook::post(&self.http, url, body, id, secret, timeout).await
            }
            Target::Sms(phone) => match &self.settings.sms_gateway {
                Some(gateway) => {
                    let body = sms::body(phone, &message.text);
                    webhook::post(&self.http, gateway, body, id, secret, timeout).await
                }
                None => Attempt::Final("SMS is not configured: no SMS gateway is set".into()),
            },
            Target::Email(to) => match &self.mailer {
                Some(mailer) => mailer.send(to, key, message).await,
                None => Attempt::Final("e-mail is not configured: no SMTP relay is set".into()),
            },
        }
    }

    /// Writes an attempt's outcome; a store that fails must not stop the delivery itself.
    async fn record(&self, id: Option<i64>, status: &str, attempts: u32, error: Option<&str>) {
        let Some(id) = id else { return };
        if let Err(e) = self
            .store
            .update_delivery(id, status, attempts, error)
            .await
        {
            tracing::error!(delivery = id, error = %e, "notification delivery not updated");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_of_the_body_in_lowercase_hex() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_ne!(
            signature(b"Jefe", b"what do ya want for nothing!"),
            signature(b"Jefe", b"what do ya want for nothing?")
        );
    }

    #[test]
    fn targets_name_their_channel_and_recipient() {
        let cases = [
            (Target::Email("a@b.ru".into()), "email", "a@b.ru"),
            (Target::Sms("+79161234567".into()), "sms", "+79161234567"),
            (
                Target::Webhook("http://h/x".into()),
                "webhook",
                "http://h/x",
            ),
        ];
        for (target, channel, recipient) in cases {
            assert_eq!(target.channel(), channel);
            assert_eq!(target.recipient(), recipient);
        }
    }

    #[test]
    fn defaults_are_five_attempts_from_one_second_five_second_timeout_32_at_once() {
        let d = NotifySettings::default();
        assert_eq!(d.max_attempts, 5);
        assert_eq!(d.base_delay, Duration::from_secs(1));
        assert_eq!(d.timeout, Duration::from_secs(5));
        assert_eq!(d.concurrency, 32);
        assert_eq!(
            (d.smtp, d.signing_secret, d.sms_gateway),
            (None, None, None)
        );
    }
}

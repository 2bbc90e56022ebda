//! Configuration: defaults, then a TOML file (`--config`), then `WFM_*` environment
//! variables. Secrets are never printed: `Debug` and `describe` mask them.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::http::conn::ConnLimits;
use crate::http::rate_limit::Limits;

/// A secret value; shows as `***`.
#[derive(Clone, PartialEq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// The service's settings, resolved. `Debug` masks the secret and any database password.
#[derive(Clone, PartialEq)]
pub struct Config {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    /// HS256 secret; when absent one is generated into the data directory on first start.
    pub jwt_secret: Option<Secret>,
    /// PEM file of an RS256 public key whose tokens are accepted too.
    pub jwt_public_key: Option<PathBuf>,
    /// Log filter; None: the command's default (`info`; the demo: see `telemetry`).
    pub log: Option<String>,
    pub log_format: LogFormat,
    pub rate_limit: Limits,
    /// Whether ingest creates agents and groups it does not know (else rejects them).
    pub ingest_create_unknown: bool,
    /// How alert notifications leave: SMTP relay, signing key, SMS gateway.
    pub notify: NotifyConfig,
    /// Days audit entries are kept; older ones are purged daily.
    pub audit_retention_days: u32,
    /// Header and body timeouts, and the limit on client connections.
    pub connections: ConnLimits,
    /// Asterisk's queue_log to follow, if any.
    pub queue_log: Option<PathBuf>,
    /// CSV of `member,login`: the queue_log member names that are not operators' logins.
    pub queue_log_members: Option<PathBuf>,
    /// How often the contact-center platform is polled (its `/online/*` endpoints, when
    /// enabled in the integration registry).
    pub contact_center_poll: std::time::Duration,
}

/// Alert notification settings.
#[derive(Clone, PartialEq, Default)]
pub struct NotifyConfig {
    /// `smtp://[user[:password]@]host[:port]` of the relay e-mail goes through.
    pub smtp_url: Option<String>,
    pub smtp_from: String,
    /// HMAC-SHA256 key signing webhook and SMS-gateway deliveries.
    pub secret: Option<Secret>,
    /// URL taking `POST {"to", "text"}`.
    pub sms_gateway: Option<String>,
}

impl fmt::Debug for NotifyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NotifyConfig")
            .field("smtp_url", &self.smtp_url.as_deref().map(mask_password))
            .field("smtp_from", &self.smtp_from)
            .field("secret", &self.secret)
            .field("sms_gateway", &self.sms_gateway)
            .finish()
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("database_url", &self.database_url_masked())
            .field("jwt_secret", &self.jwt_secret)
            .field("jwt_public_key", &self.jwt_public_key)
            .field("log", &self.log)
            .field("log_format", &self.log_format)
            .field("rate_limit", &self.rate_limit)
            .field("ingest_create_unknown", &self.ingest_create_unknown)
            .field("notify", &self.notify)
            .field("audit_retention_days", &self.audit_retention_days)
            .field("connections", &self.connections)
            .field("queue_log", &self.queue_log)
            .field("queue_log_members", &self.queue_log_members)
            .field("contact_center_poll", &self.contact_center_poll)
            .finish()
    }
}

/// One layer of settings (the file, or the environment); unset fields keep what is below.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Layer {
    bind: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    jwt_secret: Option<String>,
    jwt_public_key: Option<PathBuf>,
    log: Option<String>,
    log_format: Option<String>,
    rate_limit_read: Option<f64>,
    rate_limit_write: Option<f64>,
    rate_limit_ingest: Option<f64>,
    ingest_unknown: Option<String>,
    smtp_url: Option<String>,
    smtp_from: Option<String>,
    notify_secret: Option<String>,
    sms_gateway: Option<String>,
    audit_retention_days: Option<f64>,
    header_timeout_seconds: Option<f64>,
    body_timeout_seconds: Option<f64>,
    max_connections: Option<f64>,
    queue_log: Option<PathBuf>,
    queue_log_members: Option<PathBuf>,
    contact_center_poll_seconds: Option<f64>,
}

/// Audit entries are kept seven years by default (2557 days, leap days included).
pub const DEFAULT_AUDIT_RETENTION_DAYS: u32 = 2557;
/// Longest retention accepted: a hundred years.
const MAX_AUDIT_RETENTION_DAYS: u32 = 36_500;

/// The settings, their environment variable and what they mean (for docs and errors).
pub const SETTINGS: &[(&str, &str, &str)] = &[
    (
        "bind",
        "WFM_BIND",
        "listen address (default 127.0.0.1:8080)",
    ),
    (
        "data_dir",
        "WFM_DATA_DIR",
        "data directory (default ./data)",
    ),
    (
        "database_url",
        "WFM_DATABASE_URL",
        "sqlite://PATH or postgres://... (default: sqlite file wfm-pulse.db in the data directory)",
    ),
    (
        "jwt_secret",
        "WFM_JWT_SECRET",
        "HS256 secret, at least 32 characters (default: generated into DATA_DIR/jwt-secret)",
    ),
    (
        "jwt_public_key",
        "WFM_JWT_PUBLIC_KEY",
        "PEM file of an RS256 public key whose tokens are accepted too",
    ),
    (
        "log",
        "WFM_LOG",
        "log filter, e.g. info or wfm_pulse=debug (default info; demo: warn here, info to DATA_DIR/demo.log)",
    ),
    (
        "log_format",
        "WFM_LOG_FORMAT",
        "text or json (default text)",
    ),
    (
        "rate_limit_read",
        "WFM_RATE_LIMIT_READ",
        "read requests per second per caller (default 200)",
    ),
    (
        "rate_limit_write",
        "WFM_RATE_LIMIT_WRITE",
        "write requests per second per caller (default 20)",
    ),
    (
        "rate_limit_ingest",
        "WFM_RATE_LIMIT_INGEST",
        "ingest requests per second per caller (default 1000)",
    ),
    (
        "ingest_unknown",
        "WFM_INGEST_UNKNOWN",
        "reject or create agents and groups the feeds name but wfm-pulse does not know (default reject)",
    ),
    (
        "smtp_url",
        "WFM_SMTP_URL",
        "smtp://[user[:password]@]host[:port] of the relay alert e-mail goes through (default: no e-mail)",
    ),
    (
        "smtp_from",
        "WFM_SMTP_FROM",
        "sender of alert e-mail (default wfm-pulse@localhost)",
    ),
    (
        "notify_secret",
        "WFM_NOTIFY_SECRET",
        "HMAC-SHA256 key signing webhook and SMS-gateway deliveries (default: unsigned)",
    ),
    (
        "sms_gateway",
        "WFM_SMS_GATEWAY",
        "URL of the SMS gateway, taking POST {\"to\", \"text\"} (default: no SMS)",
    ),
    (
        "audit_retention_days",
        "WFM_AUDIT_RETENTION_DAYS",
        "days audit entries are kept, 1 to 36500; older ones are purged daily (default 2557, about 7 years)",
    ),
    (
        "header_timeout_seconds",
        "WFM_HEADER_TIMEOUT_SECONDS",
        "longest wait for a request's headers, and for the next request on an idle connection (default 10)",
    ),
    (
        "body_timeout_seconds",
        "WFM_BODY_TIMEOUT_SECONDS",
        "longest pause while a request body arrives (default 30)",
    ),
    (
        "max_connections",
        "WFM_MAX_CONNECTIONS",
        "client connections served at once; more wait to be accepted (default 4096)",
    ),
    (
        "queue_log",
        "WFM_QUEUE_LOG",
        "Asterisk queue_log file to follow, e.g. /var/log/asterisk/queue_log (default: none)",
    ),
    (
        "queue_log_members",
        "WFM_QUEUE_LOG_MEMBERS",
        "CSV file of member,login for queue_log members whose name is not the operator's login (default: none)",
    ),
    (
        "contact_center_poll_seconds",
        "WFM_CONTACT_CENTER_POLL_SECONDS",
        "how often the platform's /online/* endpoints are polled when enabled in the registry, 1 to 3600 (default 15)",
    ),
];

fn env_layer(env: &dyn Fn(&str) -> Option<String>) -> Result<Layer, String> {
    let number = |var: &str| -> Result<Option<f64>, String> {
        env(var)
            .map(|v| {
                v.trim()
                    .parse()
                    .map_err(|_| format!("{var} must be a number, not {v:?}"))
            })
            .transpose()
    };
    Ok(Layer {
        bind: env("WFM_BIND"),
        data_dir: env("WFM_DATA_DIR").map(PathBuf::from),
        database_url: env("WFM_DATABASE_URL"),
        jwt_secret: env("WFM_JWT_SECRET"),
        jwt_public_key: env("WFM_JWT_PUBLIC_KEY").map(PathBuf::from),
        log: env("WFM_LOG"),
        log_format: env("WFM_LOG_FORMAT"),
        rate_limit_read: number("WFM_RATE_LIMIT_READ")?,
        rate_limit_write: number("WFM_RATE_LIMIT_WRITE")?,
        rate_limit_ingest: number("WFM_RATE_LIMIT_INGEST")?,
        ingest_unknown: env("WFM_INGEST_UNKNOWN"),
        smtp_url: env("WFM_SMTP_URL"),
        smtp_from: env("WFM_SMTP_FROM"),
        notify_secret: env("WFM_NOTIFY_SECRET"),
        sms_gateway: env("WFM_SMS_GATEWAY"),
        audit_retention_days: number("WFM_AUDIT_RETENTION_DAYS")?,
        header_timeout_seconds: number("WFM_HEADER_TIMEOUT_SECONDS")?,
        body_timeout_seconds: number("WFM_BODY_TIMEOUT_SECONDS")?,
        max_connections: number("WFM_MAX_CONNECTIONS")?,
        queue_log: env("WFM_QUEUE_LOG").map(PathBuf::from),
        queue_log_members: env("WFM_QUEUE_LOG_MEMBERS").map(PathBuf::from),
        contact_center_poll_seconds: number("WFM_CONTACT_CENTER_POLL_SECONDS")?,
    })
}

impl Config {
    /// Loads from the optional TOML file and the process environment.
    pub fn load(file: Option<&Path>) -> Result<Config, String> {
        let text = match file {
            Some(p) => Some(
                std::fs::read_to_string(p)
                    .map_err(|e| format!("cannot read config file {}: {e}", p.display()))?,
            ),
            None => None,
        };
        Config::resolve(text.as_deref(), &|k| {
            std::env::var(k).ok().filter(|v| !v.is_empty())
        })
    }

    /// Layers `toml_text` and `env` over the defaults and checks the result.
    pub fn resolve(
        toml_text: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, String> {
        let file: Layer = match toml_text {
            Some(t) => toml::from_str(t).map_err(|e| format!("config file: {e}"))?,
            None => Layer::default(),
        };
        let env = env_layer(env)?;
        let connections = ConnLimits::from_settings(
            env.header_timeout_seconds.or(file.header_timeout_seconds),
            env.body_timeout_seconds.or(file.body_timeout_seconds),
            env.max_connections.or(file.max_connections),
        )?;
        let bind = env
            .bind
            .or(file.bind)
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        let bind = bind
            .parse()
            .map_err(|_| format!("bind must be an address like 127.0.0.1:8080, not {bind:?}"))?;
        let data_dir = env
            .data_dir
            .or(file.data_dir)
            .unwrap_or_else(|| "data".into());
        let database_url = env
            .database_url
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("wfm-pulse.db").display()));
        let jwt_secret = env.jwt_secret.or(file.jwt_secret).map(Secret);
        if let Some(s) = &jwt_secret {
            check_secret(&s.0)?;
        }
        let log_format = match env.log_format.or(file.log_format).as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => return Err(format!("log_format must be text or json, not {other:?}")),
        };
        let rate = |name: &str, v: Option<f64>, default: f64| -> Result<f64, String> {
            let v = v.unwrap_or(default);
            if v.is_finite() && v > 0.0 {
                Ok(v)
            } else {
                Err(format!(
                    "{name} must be a positive number of requests per second"
                ))
            }
        };
        let ingest_create_unknown = match env.ingest_unknown.or(file.ingest_unknown).as_deref() {
            None | Some("reject") => false,
            Some("create") => true,
            Some(other) => {
                return Err(format!(
                    "ingest_unknown must be reject or create, not {other:?}"
                ));
            }
        };
        let smtp_url = env.smtp_url.or(file.smtp_url);
        if let Some(u) = &smtp_url {
            let ok =
                reqwest::Url::parse(u).is_ok_and(|u| u.scheme() == "smtp" && u.host().is_some());
            if !ok {
                return Err(format!(
                    "smtp_url must look like smtp://host:25, not {:?}",
                    mask_password(u)
                ));
            }
        }
        let sms_gateway = env.sms_gateway.or(file.sms_gateway);
        if let Some(u) = &sms_gateway {
            if !reqwest::Url::parse(u).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) {
                return Err(format!(
                    "sms_gateway must be an http or https URL, not {u:?}"
                ));
            }
        }
        let notify = NotifyConfig {
            smtp_url,
            smtp_from: env
                .smtp_from
                .or(file.smtp_from)
                .unwrap_or_else(|| "wfm-pulse@localhost".into()),
            secret: env.notify_secret.or(file.notify_secret).map(Secret),
            sms_gateway,
        };
        let audit_retention_days = match env.audit_retention_days.or(file.audit_retention_days) {
            None => DEFAULT_AUDIT_RETENTION_DAYS,
            Some(d)
                if d.fract() == 0.0 && (1.0..=f64::from(MAX_AUDIT_RETENTION_DAYS)).contains(&d) =>
            {
                d as u32
            }
            Some(d) => {
                return Err(format!(
                    "audit_retention_days must be a whole number of days from 1 to {MAX_AUDIT_RETENTION_DAYS}, not {d}"
                ));
            }
        };
        let contact_center_poll = match env
            .contact_center_poll_seconds
            .or(file.contact_center_poll_seconds)
        {
            None => std::time::Duration::from_secs(15),
            Some(s) if s.fract() == 0.0 && (1.0..=3600.0).contains(&s) => {
                std::time::Duration::from_secs(s as u64)
            }
            Some(s) => {
                return Err(format!(
                    "contact_center_poll_seconds must be a whole number of seconds from 1 to 3600, not {s}"
                ));
            }
        };
        Ok(Config {
            contact_center_poll,
            queue_log: env.queue_log.or(file.queue_log),
            queue_log_members: env.queue_log_members.or(file.queue_log_members),
            connections,
            audit_retention_days,
            notify,
            ingest_create_unknown,
            bind,
            data_dir,
            database_url,
            jwt_secret,
            jwt_public_key: env.jwt_public_key.or(file.jwt_public_key),
            log: env.log.or(file.log),
            log_format,
            rate_limit: Limits {
                read: rate(
                    "rate_limit_read",
                    env.rate_limit_read.or(file.rate_limit_read),
                    200.0,
                )?,
                write: rate(
                    "rate_limit_write",
                    env.rate_limit_write.or(file.rate_limit_write),
                    20.0,
                )?,
                ingest: rate(
                    "rate_limit_ingest",
                    env.rate_limit_ingest.or(file.rate_limit_ingest),
                    1000.0,
                )?,
            },
        })
    }

    /// The database URL as it may be shown: any password replaced by `***`.
    pub fn database_url_masked(&self) -> String {
        mask_password(&self.database_url)
    }
}

fn check_secret(secret: &str) -> Result<(), String> {
    if secret.len() < 32 {
        return Err("jwt_secret must be at least 32 characters (256 bits for HS256)".into());
    }
    Ok(())
}

fn mask_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let rest = &url[scheme_end..];
    let host_start = rest.find('@');
    let path_start = rest.find('/').unwrap_or(rest.len());
    match (host_start, rest[..host_start.unwrap_or(0)].find(':')) {
        (Some(at), Some(colon)) if at < path_start => {
            format!(
                "{}{}:***{}",
                &url[..scheme_end],
                &rest[..colon],
                &rest[at..]
            )
        }
        _ => url.to_string(),
    }
}

mod secret;
#[cfg(test)]
mod tests;

pub use secret::{SecretSource, jwt_secret, jwt_secret_or_generate};

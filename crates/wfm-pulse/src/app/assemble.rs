//! The application's parts, assembled: the store opened and migrated, the keys loaded, the
//! first start's defaults installed, the live engine loaded from the log, and the sync
//! jobs, alerting, health and capacity parts made. Nothing here starts a background task.

use crate::integrations::queue_log::QueueLogFeed;
use std::sync::Arc;

use wfm_core::event::AgentState;
use wfm_store::Store;
use wfm_store::live::StateCode;
use wfm_store::model::Actor;

use crate::alerts::Alerting;
use crate::auth::token::TokenKeys;
use crate::config::{self, Config, NotifyConfig, SecretSource};
use crate::http::rate_limit::RateLimiter;
use crate::integrations::registry::{self, SystemConfig};
use crate::integrations::zup::client::ZupClient;
use crate::jobs::Jobs;
use crate::live::{IngestLimits, Live};
use crate::notify::{Notifier, NotifySettings, SmtpSettings};
use crate::state::{App, AppState};

/// Opens the configured store, creating the data directory (for its owner only) for an
/// embedded database.
pub async fn open_store(config: &Config) -> Result<Arc<dyn Store>, String> {
    if config.database_url.starts_with("sqlite:") {
        crate::files::create_private_dir(&config.data_dir).map_err(|e| {
            format!(
                "cannot create data directory {}: {e}",
                config.data_dir.display()
            )
        })?;
    }
    wfm_store::open(&config.database_url)
        .await
        .map_err(|e| format!("{e} ({})", config.database_url_masked()))
}

/// Everything the server needs, ready: the store migrated, the token keys loaded.
pub async fn prepare(config: &Config) -> Result<AppState, String> {
    let (secret, source) = config::jwt_secret_or_generate(config)?;
    match &source {
        // Routine on a first start, not a problem: said once, at info.
        SecretSource::Generated(path) => tracing::info!(
            path = %path.display(),
            "no JWT secret configured: generated one; tokens from `wfm-pulse token` use it"
        ),
        SecretSource::File(path) => tracing::info!(path = %path.display(), "JWT secret loaded"),
        SecretSource::Configured => tracing::info!("JWT secret from configuration"),
    }
    let public_key = match &config.jwt_public_key {
        Some(p) => Some(std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?),
        None => None,
    };
    let keys = TokenKeys::new(&secret, public_key.as_deref())?;
    let store = open_store(config).await?;
    let secret_file = match &source {
        SecretSource::File(p) | SecretSource::Generated(p) => Some(p.as_path()),
        SecretSource::Configured => None,
    };
    crate::files::warn_if_exposed(&crate::files::private_paths(
        &config.data_dir,
        &config.database_url,
        secret_file,
    ));
    let applied = store.migrate().await.map_err(|e| e.to_string())?;
    if !applied.is_empty() {
        tracing::info!(?applied, "migrations applied");
    }
    seed_state_map(&store).await?;
    let limits = IngestLimits {
        create_unknown: config.ingest_create_unknown,
        ..IngestLimits::default()
    };
    let live = Live::start(store.clone(), limits)
        .await
        .map_err(|e| format!("cannot load today's live state: {e}"))?;
    let zup = seed_registry(&store).await?;
    seed_calendars(&store).await?;
    let zup = Arc::new(ZupClient::new(zup, store.clone()));
    let jobs = Arc::new(Jobs::new(store.clone(), zup, live.clone()));
    seed_alert_rules(&store).await?;
    let notifier = Arc::new(Notifier::new(
        notify_settings(&config.notify),
        store.clone(),
    ));
    let alerts = Alerting::start(store.clone(), live.clone(), notifier)
        .await
        .map_err(|e| format!("cannot load the alert rules: {e}"))?;
    let health = Arc::new(crate::health::Health::new(
        store.clone(),
        live.clone(),
        jobs.clone(),
    ));
    alerts.watch_health(health.clone());
    let capacity =
        crate::capacity::Capacity::new(store.clone(), live.clone(), config.data_dir.clone());
    let queue_log = match &config.queue_log {
        None => None,
        Some(path) => Some(QueueLogFeed {
            path: path.clone(),
            members: match &config.queue_log_members {
                Some(file) => crate::integrations::queue_log::members(file)?,
                None => Default::default(),
            },
        }),
    };
    Ok(AppState::new(App {
        contact_center_poll: config.contact_center_poll,
        queue_log,
        capacity,
        audit_retention_days: config.audit_retention_days,
        connections: config.connections,
        alerts,
        store,
        keys: Arc::new(keys),
        limiter: Arc::new(RateLimiter::new(config.rate_limit)),
        live,
        jobs,
        health,
    }))
}

/// The notifier's settings from the configuration.
pub fn notify_settings(c: &NotifyConfig) -> NotifySettings {
    let smtp = c
        .smtp_url
        .as_deref()
        .and_then(|u| reqwest::Url::parse(u).ok())
        .and_then(|u| {
            Some(SmtpSettings {
                host: u.host_str()?.to_string(),
                port: u.port().unwrap_or(25),
                from: c.smtp_from.clone(),
                username: (!u.username().is_empty()).then(|| u.username().to_string()),
                password: u.password().map(str::to_string),
            })
        });
    NotifySettings {
        smtp,
        signing_secret: c.secret.as_ref().map(|s| s.0.clone()),
        sms_gateway: c.sms_gateway.clone(),
        ..NotifySettings::default()
    }
}

/// Installs the default alert rules on a first start (never again once rules were
/// configured, even if all were deleted since).
async fn seed_alert_rules(store: &Arc<dyn Store>) -> Result<(), String> {
    // Rules in place: configured. (Their audit entries may be past the retention, purged.)
    if !store
        .list_rules()
        .await
        .map_err(|e| e.to_string())?
        .is_empty()
    {
        return Ok(());
    }
    let configured = store
        .list_audit(&wfm_store::model::AuditFilter {
            entity: Some("alert_rule".into()),
            limit: 1,
            ..Default::default()
        })
        .await
        .map_err(|e| e.to_string())?;
    if !configured.is_empty() {
        return Ok(());
    }
    for rule in wfm_core::alerting::rule::default_rules() {
        let definition = serde_json::to_value(&rule).map_err(|e| e.to_string())?;
        store
            .create_rule(
                &rule.name,
                rule.enabled,
                &definition,
                &Actor::system("first-start"),
            )
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Stores the production calendars that ship with wfm-pulse on a first start; admins load
/// later years (and regional calendars) through `PUT /api/v1/integration/calendars/{year}`.
async fn seed_calendars(store: &Arc<dyn Store>) -> Result<(), String> {
    if !store
        .calendars()
        .await
        .map_err(|e| e.to_string())?
        .is_empty()
    {
        return Ok(());
    }
    for (year, xml) in wfm_core::zup::calendar::BUNDLED {
        store
            .put_calendar(*year, xml, &Actor::system("first-start"))
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Installs the default entries of the integration registry on a first start; returns the
/// 1C ZUP entry the client works with.
async fn seed_registry(store: &Arc<dyn Store>) -> Result<SystemConfig, String> {
    let stored = store
        .integration_systems()
        .await
        .map_err(|e| e.to_string())?;
    let mut zup = None;
    for default in [registry::default_zup(), registry::default_contact_center()] {
        let config = match stored.iter().find(|s| s.system == default.system) {
            Some(s) => serde_json::from_value(s.config.clone()).map_err(|e| {
                format!(
                    "the stored {} entry of the integration registry is unreadable: {e}",
                    s.system
                )
            })?,
            None => {
                let value = serde_json::to_value(&default).map_err(|e| e.to_string())?;
                let masked = serde_json::to_value(default.masked()).map_err(|e| e.to_string())?;
                store
                    .put_integration_system(
                        &default.system,
                        &value,
                        &masked,
                        &Actor::system("first-start"),
                    )
                    .await
                    .map_err(|e| e.to_string())?;
                default
            }
        };
        if config.system == "zup" {
            zup = Some(config);
        }
    }
    zup.ok_or_else(|| "no 1C ZUP entry in the integration registry".into())
}

/// Common status codes, installed on a first start so that a status push works at once;
/// replace them with the platform's own through `PUT /api/v1/ingest/state-map`.
const DEFAULT_STATE_CODES: &[(&str, &str, AgentState)] = &[
    ("Ready", "Ready", AgentState::Ready),
    ("Available", "Available", AgentState::Ready),
    ("Talk", "On a call", AgentState::OnContact),
    ("OnCall", "On a call", AgentState::OnContact),
    ("WrapUp", "After-call work", AgentState::WrapUp),
    ("Break", "Break", AgentState::Break),
    ("Lunch", "Lunch", AgentState::Lunch),
    ("Training", "Training", AgentState::Training),
    ("NotReady", "Not ready", AgentState::NotReady),
    ("LoggedOut", "Logged out", AgentState::LoggedOut),
];

async fn seed_state_map(store: &Arc<dyn Store>) -> Result<(), String> {
    if !store
        .state_codes()
        .await
        .map_err(|e| e.to_string())?
        .is_empty()
    {
        return Ok(());
    }
    let codes: Vec<StateCode> = DEFAULT_STATE_CODES
        .iter()
        .map(|(code, name, state)| StateCode {
            code: code.to_string(),
            name: name.to_string(),
            state: *state,
        })
        .collect();
    store
        .replace_state_codes(&codes, &Actor::system("first-start"))
        .await
        .map_err(|e| e.to_string())
}

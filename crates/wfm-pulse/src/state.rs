//! What every handler reaches: the application's parts (`App`), behind one `Arc`
//! (`AppState`). `app` assembles them; nothing below the handlers takes the whole.

use std::sync::Arc;

use wfm_store::Store;

use crate::alerts::Alerting;
use crate::auth::gate::Gate;
use crate::auth::token::TokenKeys;
use crate::http::conn::ConnLimits;
use crate::http::rate_limit::RateLimiter;
use crate::jobs::Jobs;
use crate::live::Live;

/// What every handler can reach: one shared `App`. Handlers, extractors and middleware
/// clone the state for every request; behind one `Arc` that is one count, where cloning
/// the parts counted eight (5 % of a cached realtime read's CPU).
#[derive(Clone)]
pub struct AppState(Arc<App>);

impl AppState {
    pub fn new(app: App) -> Self {
        AppState(Arc::new(app))
    }
}

impl std::ops::Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.0
    }
}

/// The application's parts.
pub struct App {
    pub store: Arc<dyn Store>,
    pub keys: Arc<TokenKeys>,
    pub limiter: Arc<RateLimiter>,
    pub live: Arc<Live>,
    /// Sync jobs with 1C ZUP, and the 1C ZUP client.
    pub jobs: Arc<Jobs>,
    /// Alert rules, the evaluator and notifications.
    pub alerts: Arc<Alerting>,
    /// Integration health: the 1C ZUP probe and every component's status.
    pub health: Arc<crate::health::Health>,
    /// Capacity figures: the request recorder and the resource sampler.
    pub capacity: Arc<crate::capacity::Capacity>,
    /// Days audit entries are kept (the daily retention purge removes older ones).
    pub audit_retention_days: u32,
    /// Timeouts and the limit on client connections.
    pub connections: ConnLimits,
    /// How often the contact-center platform is polled.
    pub contact_center_poll: std::time::Duration,
    /// Asterisk's queue_log to follow, when configured.
    pub queue_log: Option<crate::integrations::queue_log::QueueLogFeed>,
}

impl App {
    /// The protected API's gate, from the parts it needs.
    pub fn gate(&self) -> Gate {
        Gate {
            keys: self.keys.clone(),
            store: self.store.clone(),
            limiter: self.limiter.clone(),
        }
    }
}

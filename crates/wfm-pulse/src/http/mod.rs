//! The HTTP server: state, router assembly, OpenAPI document, and serving until shutdown.

pub mod conn;
pub mod drain;
pub mod error;
pub mod extract;
pub mod middleware;
pub mod page;
pub mod rate_limit;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use wfm_store::Store;

use crate::alerts::Alerting;
use crate::api;
use crate::auth::token::TokenKeys;
use crate::jobs::Jobs;
use crate::live::Live;
use rate_limit::RateLimiter;

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

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
    pub connections: conn::ConnLimits,
}

/// Workers running sync jobs in each instance.
const SYNC_WORKERS: usize = 2;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "wfm-pulse",
        description = "Real-time operations and integration service for contact-center workforce management."
    ),
    modifiers(&SecuritySchemes),
    components(schemas(error::ErrorBody, error::FieldErrorBody))
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-API-Key"))),
        );
    }
}

/// The whole application: public health and docs, and the authenticated API.
pub fn router(state: AppState) -> Router {
    let (protected, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(api::routes())
        .split_for_parts();
    let (sessions, sessions_doc) = api::people::session_routes().split_for_parts();
    doc.merge(sessions_doc);
    // The document never changes while the process runs: serialize it once.
    let doc = axum::body::Bytes::from(serde_json::to_vec(&doc).unwrap_or_default());
    let protected = protected.layer(axum::middleware::from_fn_with_state(
        state.clone(),
        middleware::authenticate,
    ));
    Router::new()
        .merge(protected)
        .merge(sessions)
        .merge(api::health::routes())
        .merge(crate::metrics::routes())
        .merge(crate::web::routes())
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let doc = doc.clone();
                async move {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        doc,
                    )
                }
            }),
        )
        .fallback(|| async { error::ApiError::NotFound("no such endpoint".into()) })
        // A day's timetable for thousands of operators is several megabytes.
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::compression::CompressionLayer::new())
        // A body that stalls fails its read after this pause (the handler answers 408 and the
        // connection closes) instead of holding the request forever.
        .layer(axum::middleware::from_fn_with_state(
            state.connections.body_timeout,
            middleware::edge,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::metrics::record,
        ))
        .with_state(state)
}

/// Serves on `listener` (and publishes live snapshots) until `shutdown` completes, then
/// finishes the requests under way.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let publisher = tokio::spawn(state.live.clone().run_publisher(stopped.clone()));
    let rebuilder = tokio::spawn(state.live.clone().run_rebuilder(stopped.clone()));
    let workers = tokio::spawn(state.jobs.clone().run(SYNC_WORKERS, stopped.clone()));
    let daily = tokio::spawn(crate::jobs::daily::run(state.jobs.clone(), stopped.clone()));
    let health = tokio::spawn(state.health.clone().run(stopped.clone()));
    let retention = tokio::spawn(api::access::run_retention(
        state.store.clone(),
        state.audit_retention_days,
        stopped.clone(),
    ));
    let capacity = tokio::spawn(state.capacity.clone().run(stopped.clone()));
    let alerting = tokio::spawn(state.alerts.clone().run(stopped));
    let live = state.live.clone();
    let limits = state.connections;
    conn::serve(listener, router(state), limits, async move {
        shutdown.await;
        live.close();
        let _ = stop.send(true);
    })
    .await;
    let _ = publisher.await;
    let _ = rebuilder.await;
    let _ = workers.await;
    let _ = daily.await;
    let _ = health.await;
    let _ = alerting.await;
    let _ = retention.await;
    let _ = capacity.await;
    Ok(())
}

//! The one place that starts and stops the application: assemble its parts (`assemble`),
//! start every background task under one supervisor (`tasks`), serve until the shutdown
//! signal, then finish the requests under way, stop the tasks and close the store.

pub mod assemble;
pub mod tasks;

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::config::Config;
use crate::http::conn;
use crate::state::AppState;
pub use assemble::{notify_settings, open_store, prepare};
use tasks::Tasks;

/// Workers running sync jobs in each instance.
const SYNC_WORKERS: usize = 2;

/// Starts every background task of the application.
fn start_tasks(state: &AppState) -> Tasks {
    let mut tasks = Tasks::default();
    let live = state.live.clone();
    tasks.start("publisher", move |s| live.clone().run_publisher(s));
    let live = state.live.clone();
    tasks.start("rebuilder", move |s| live.clone().run_rebuilder(s));
    let live = state.live.clone();
    tasks.start("recorder", move |s| live.clone().run_recorder(s));
    let live = state.live.clone();
    tasks.start("feed log", move |s| live.clone().run_feed_log(s));
    let jobs = state.jobs.clone();
    tasks.start("sync workers", move |s| jobs.clone().run(SYNC_WORKERS, s));
    let jobs = state.jobs.clone();
    tasks.start("daily sync", move |s| {
        crate::jobs::daily::run(jobs.clone(), s)
    });
    let health = state.health.clone();
    tasks.start("health", move |s| health.clone().run(s));
    let (store, days) = (state.store.clone(), state.audit_retention_days);
    tasks.start("audit retention", move |s| {
        crate::retention::run(store.clone(), days, s)
    });
    let capacity = state.capacity.clone();
    tasks.start("capacity sampler", move |s| capacity.clone().run(s));
    let alerts = state.alerts.clone();
    tasks.start("alerting", move |s| alerts.clone().run(s));
    let (live, store, period) = (
        state.live.clone(),
        state.store.clone(),
        state.contact_center_poll,
    );
    tasks.start("contact-center poller", move |s| {
        crate::integrations::contact_center::poller::run(live.clone(), store.clone(), period, s)
    });
    if let Some(feed) = state.queue_log.clone() {
        let (live, store) = (state.live.clone(), state.store.clone());
        tasks.start("queue_log follower", move |s| {
            crate::integrations::queue_log::run(live.clone(), store.clone(), feed.clone(), s)
        });
    }
    tasks
}

/// Serves on `listener`, with every background task running, until `shutdown` completes;
/// then finishes the requests under way and stops the tasks.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let tasks = start_tasks(&state);
    let live = state.live.clone();
    let limits = state.connections;
    conn::serve(listener, crate::api::router::router(state), limits, async {
        shutdown.await;
        live.close();
        tasks.signal();
    })
    .await;
    tasks.stop().await;
    Ok(())
}

/// Runs the server on the configured address until a shutdown signal.
pub async fn run(config: Arc<Config>) -> Result<(), String> {
    let state = prepare(&config).await?;
    let store = state.store.clone();
    let listener = TcpListener::bind(config.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
    tracing::info!(
        address = %config.bind,
        database = %config.database_url_masked(),
        version = env!("CARGO_PKG_VERSION"),
        "wfm-pulse listening"
    );
    let served = serve(listener, state, shutdown_signal()).await;
    store.close().await;
    tracing::info!("stopped");
    served.map_err(|e| format!("server failed: {e}"))
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests under way");
}

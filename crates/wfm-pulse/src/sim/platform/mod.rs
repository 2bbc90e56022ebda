//! A contact-center platform that serves the incumbent's pull contract (`/personnel`,
//! `/historic/*`, `/online/*`) from the simulated center's day as it happens, steerable for
//! drills under `/sim` (down, slow, errors) and counting the requests it is sent.
//! `wfm-pulse sim contact-center --serve ADDR` runs it.

mod http;
pub mod ledger;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use wfm_core::interval::IntervalGrid;
use wfm_sim::{Scenario, Simulator};

pub use ledger::Ledger;

use super::zup::Behaviour;

/// Target wait the platform counts `callAnsweredTst` against, seconds.
pub const TARGET_SECONDS: i64 = 20;

/// The running platform; clones share one state.
#[derive(Clone)]
pub struct PlatformSim {
    ledger: Arc<Mutex<Ledger>>,
    behaviour: Arc<Mutex<Behaviour>>,
    /// Requests served, by contract path.
    requests: Arc<Mutex<BTreeMap<String, u64>>>,
    grid: Arc<IntervalGrid>,
    name: Arc<str>,
}

impl PlatformSim {
    /// A platform with the scenario's groups and operators, its days in `grid`'s zone.
    pub fn new(scenario: &Scenario, grid: IntervalGrid) -> PlatformSim {
        let code = |id: i64| {
            scenario
                .groups
                .iter()
                .find(|g| g.id == id)
                .map(|g| g.code.clone())
        };
        let groups = scenario
            .groups
            .iter()
            .map(|g| (g.code.clone(), g.code.clone()))
            .collect();
        let agents = scenario
            .agents
            .iter()
            .map(|a| {
                (
                    a.login.clone(),
                    a.skills.iter().filter_map(|g| code(*g)).collect(),
                )
            })
            .collect();
        PlatformSim {
            ledger: Arc::new(Mutex::new(Ledger::new(groups, agents, TARGET_SECONDS))),
            behaviour: Arc::default(),
            requests: Arc::default(),
            grid: Arc::new(grid),
            name: "wfm-pulse platform simulator".into(),
        }
    }

    /// Records the center's events.
    pub fn record(&self, events: &[wfm_sim::FeedEvent]) {
        let mut ledger = self.ledger.lock();
        for e in events {
            ledger.record(e);
        }
    }

    /// The start of the platform's day holding `t`.
    fn day_start(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        self.grid.day_start(self.grid.local_date(t))
    }

    pub fn behaviour(&self) -> Behaviour {
        *self.behaviour.lock()
    }

    pub fn set_behaviour(&self, b: Behaviour) {
        *self.behaviour.lock() = b;
    }

    /// Requests served so far, by contract path.
    pub fn requests(&self) -> BTreeMap<String, u64> {
        self.requests.lock().clone()
    }

    /// The contract at the root and the drill controls under `/sim`.
    pub fn router(&self) -> axum::Router {
        http::router(self.clone())
    }

    /// Runs the center in real time into the ledger, a step a second, until `stop`; then
    /// closes it (callers hang up, operators log out).
    pub async fn drive(&self, mut sim: Simulator, stop: impl std::future::Future<Output = ()>) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = tick.tick() => self.record(&sim.advance(Utc::now())),
                _ = &mut stop => {
                    self.record(&sim.close(Utc::now()));
                    return;
                }
            }
        }
    }
}

/// `sim contact-center --serve ADDR`: the platform on `address` with the scenario's day
/// running, until `stop`.
pub async fn serve(
    address: std::net::SocketAddr,
    scenario: &Scenario,
    grid: IntervalGrid,
    stop: impl std::future::Future<Output = ()>,
) -> Result<(), String> {
    let platform = PlatformSim::new(scenario, grid);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| format!("cannot listen on {address}: {e}"))?;
    eprintln!(
        "serving the pull contract on http://{address} (/personnel, /historic/*, /online/*); \
         drills: PUT /sim/behaviour {{\"down\", \"delay_ms\", \"error_rate\"}}; Ctrl-C stops"
    );
    let (stopped, mut stopping) = tokio::sync::watch::channel(false);
    let router = platform.router();
    let server = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = stopping.changed().await;
            })
            .await
    });
    platform.drive(Simulator::new(scenario.clone()), stop).await;
    let _ = stopped.send(true);
    let _ = server.await;
    Ok(())
}

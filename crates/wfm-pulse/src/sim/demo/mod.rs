//! `wfm-pulse demo`: the server on the configured (by default embedded) database, the demo
//! contact center set up through the API with the site's clock where it is daytime now, the
//! 1C ZUP simulator on a free port with the registry pointed at it, and simulated traffic
//! until Ctrl-C or SIGTERM. It prints a few lines, the console's address and who signs in
//! last; the log goes to a file unless `WFM_LOG` asks for it on stderr.

pub mod center;
mod platform;
pub mod registry;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Offset, Utc};
use wfm_sim::Simulator;
use wfm_store::Store;
use wfm_store::model::{Actor, Role};
use wfm_store::people::{NewUser, UserChange};

use crate::config::Config;
use crate::http::rate_limit::Limits;
use crate::sim::client::Api;
use crate::state::AppState;

pub use center::{SITE_NAME, intraday_shape};

/// Writes of the demo's setup: the contact center's, and the registry's 1C ZUP entry.
const SETUP_WRITES: usize = center::SETUP_WRITES + 1;

/// How long the demo's tokens are valid.
const TOKEN_SECONDS: i64 = 7 * 86_400;

/// The demo server's rate limits: as configured, with a write limit at least as large as
/// the demo's own setup (whose writes then all fit in the burst of two seconds' worth), so
/// that setting up never waits for the limiter. Reads and ingest stay as configured.
pub fn demo_limits(configured: Limits) -> Limits {
    Limits {
        write: configured.write.max(SETUP_WRITES as f64),
        ..configured
    }
}

/// The demo's people: one account per role, viewer to admin, named after the role. Their
/// passwords are new on every start (and any lockout cleared), so the printed ones always
/// hold and no password is ever the same for two demos.
pub async fn demo_people(store: &dyn Store) -> Result<Vec<(String, String)>, String> {
    let actor = Actor {
        name: "demo".into(),
        correlation_id: uuid::Uuid::new_v4().to_string(),
    };
    let mut people = Vec::new();
    for role in [Role::Viewer, Role::Supervisor, Role::Manager, Role::Admin] {
        let name = role.as_str().to_string();
        let secret = demo_password();
        let hash = crate::auth::password::hash(secret.clone()).await;
        let fail = |e: wfm_store::StoreError| format!("cannot set up the demo user {name}: {e}");
        match store.find_user(&name).await.map_err(fail)? {
            Some(user) => {
                for change in [UserChange::Password(hash), UserChange::Role(role)] {
                    store
                        .change_user(user.id, &change, &actor)
                        .await
                        .map_err(fail)?;
                }
            }
            None => {
                let new = NewUser {
                    name: name.clone(),
                    role,
                    password_hash: hash,
                    locale: "en".into(),
                };
                store.create_user(&new, &actor).await.map_err(fail)?;
            }
        }
        people.push((name, secret));
    }
    Ok(people)
}

/// Three groups of four lowercase letters and digits: easy to type, 62 bits.
fn demo_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    (0..3)
        .map(|_| {
            (0..4)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// The lines the demo prints last: the console's address and who signs in with what.
pub fn sign_in_lines(base: &str, people: &[(String, String)]) -> Vec<String> {
    let mut lines = vec![
        format!("Console: {base}/"),
        "Sign in as (passwords are new on every start):".to_string(),
    ];
    lines.extend(
        people
            .iter()
            .map(|(name, secret)| format!("  {name:<11} {secret}")),
    );
    lines
}

/// How the demo's simulated contact center delivers its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DemoFeed {
    /// Posted to the event API.
    Events,
    /// Written to an Asterisk queue_log, which the server follows.
    QueueLog,
    /// Served by a platform that speaks the incumbent's pull contract, which the server
    /// polls.
    Pull,
}

/// Runs the demo until Ctrl-C or SIGTERM; `log_file` is where the log goes, if not stderr.
pub async fn run_demo(
    config: Arc<Config>,
    seed: u64,
    feed: DemoFeed,
    log_file: Option<PathBuf>,
) -> Result<(), String> {
    let mut config = (*config).clone();
    config.rate_limit = demo_limits(config.rate_limit);
    if feed == DemoFeed::QueueLog && config.queue_log.is_none() {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| format!("cannot create {}: {e}", config.data_dir.display()))?;
        config.queue_log = Some(config.data_dir.join("queue_log"));
    }
    // Created before the server starts, so that its follower begins at the file's end.
    let sink = match (&config.queue_log, feed) {
        (Some(path), DemoFeed::QueueLog) => Some(crate::sim::Sink::queue_log(path)?),
        _ => None,
    };
    let state = crate::app::prepare(&config).await?;
    // Taken now, so that a busy address fails at once; served once the demo is set up.
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let base = format!("http://{}", reachable(address));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let token = crate::auth::token::local_token(&config, "demo", Role::Admin, TOKEN_SECONDS)?;
    // Ingest takes the integration role only: the feed has a token of its own.
    let feed_api = Api::new(
        &base,
        crate::auth::token::local_token(&config, "demo-feed", Role::Integration, TOKEN_SECONDS)?,
    );

    let now = Utc::now();
    let zup = registry::start_simulator(center::site_grid(now)?.tz(), stopped.clone()).await;
    let setup = SetupServer::start(state.clone()).await?;
    let api = Api::new(&setup.base, token.clone());
    let zup_line = match zup {
        Ok(url) => match registry::point_registry_at(&api, &url).await {
            Ok(registry::Pointed::Simulator) => format!(
                "1C ZUP simulator: {url}; the integration registry's 1C ZUP entry points at it"
            ),
            Ok(registry::Pointed::LeftAlone { base_url, set_by }) => format!(
                "1C ZUP simulator: {url}; the integration registry's 1C ZUP entry was left at \
                 {base_url} (set by {set_by})"
            ),
            Err(e) => {
                tracing::warn!(error = %e, "cannot point the integration registry at the demo's 1C ZUP simulator");
                format!(
                    "1C ZUP simulator: {url}; the registry could not be pointed at it (see the log)"
                )
            }
        },
        Err(e) => {
            tracing::warn!(error = %e, "no 1C ZUP simulator");
            "no 1C ZUP simulator (see the log)".into()
        }
    };
    let site = center::set_up(&api, now).await?;
    let now = Utc::now();
    let scenario = crate::sim::scenario(&api, &site.grid, now, seed).await?;
    let platform = match feed {
        DemoFeed::Pull => {
            let platform = crate::sim::platform::PlatformSim::new(&scenario, site.grid);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .map_err(|e| format!("cannot listen for the platform simulator: {e}"))?;
            let url = format!(
                "http://{}",
                listener.local_addr().map_err(|e| e.to_string())?
            );
            let (router, mut stopped) = (platform.router(), stopped.clone());
            tokio::spawn(async move {
                axum::serve(listener, router)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.changed().await;
                    })
                    .await
            });
            platform::point_registry_at(&api, Some(&url)).await?;
            Some((platform, url))
        }
        _ => {
            platform::point_registry_at(&api, None).await?;
            None
        }
    };
    if api.rate_limited() > 0 {
        tracing::warn!(
            times = api.rate_limited(),
            "the demo's setup waited for the rate limit"
        );
    }
    setup.stop().await;
    let people = demo_people(state.store.as_ref()).await?;

    let server = {
        let mut stopped = stopped.clone();
        tokio::spawn(crate::app::serve(listener, state.clone(), async move {
            let _ = stopped.changed().await;
        }))
    };
    println!(
        "wfm-pulse demo: {} groups, {} operators, simulated calls and operator states from now on",
        scenario.groups.len(),
        scenario.agents.len()
    );
    println!("  {}", clock_line(&site, now));
    println!("  {zup_line}");
    if let Some(path) = &config.queue_log {
        println!(
            "  contact center: an Asterisk queue_log, {}, followed by the server",
            path.display()
        );
    }
    if let Some((_, url)) = &platform {
        println!(
            "  contact center: a platform speaking the incumbent's pull contract at {url}, polled every {} s",
            config.contact_center_poll.as_secs()
        );
    }
    match &log_file {
        Some(path) => println!(
            "  log: {} (WFM_LOG=info shows it here instead); Ctrl-C stops",
            path.display()
        ),
        None => println!("  Ctrl-C stops"),
    }
    println!(
        "  API: curl -s -H \"Authorization: Bearer $TOKEN\" {base}/api/v1/performance/metrics/realtime"
    );
    println!(
        "  with the admin's token, valid {} days: TOKEN={token}",
        TOKEN_SECONDS / 86_400
    );
    println!();
    for line in sign_in_lines(&base, &people) {
        println!("{line}");
    }

    let mut stopped_feed = stopped.clone();
    let feed_stop = async move {
        tokio::select! {
            _ = crate::app::shutdown_signal() => {}
            _ = stopped_feed.changed() => {}
        }
    };
    if let Some((platform, _)) = platform {
        platform.drive(Simulator::new(scenario), feed_stop).await;
        let _ = stop.send(true);
        let _ = server.await;
        state.store.close().await;
        println!("demo stopped; its platform's operators logged out");
        return Ok(());
    }
    let mut sink = sink.unwrap_or(crate::sim::Sink::Api(&feed_api));
    let stats = crate::sim::feed(&mut sink, Simulator::new(scenario), feed_stop).await;
    let _ = stop.send(true);
    let _ = server.await;
    state.store.close().await;
    let stats = stats?;
    println!(
        "demo stopped after {} events ({} accepted); its operators logged out",
        stats.sent, stats.accepted
    );
    Ok(())
}

/// The API on a private loopback port while the demo sets itself up, without the server's
/// background work (1C ZUP probes, alert evaluation, sync jobs): nothing judges a center
/// half set up, or a 1C ZUP entry not yet pointed at the simulator.
struct SetupServer {
    base: String,
    stop: tokio::sync::oneshot::Sender<()>,
    served: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl SetupServer {
    async fn start(state: AppState) -> Result<SetupServer, String> {
        let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|e| format!("cannot listen on loopback for the demo's setup: {e}"))?;
        let base = format!(
            "http://{}",
            listener.local_addr().map_err(|e| e.to_string())?
        );
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(
            axum::serve(listener, crate::api::router::router(state))
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .into_future(),
        );
        Ok(SetupServer { base, stop, served })
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.served.await;
    }
}

/// The address to show: a wildcard bind is reached on loopback.
fn reachable(address: SocketAddr) -> SocketAddr {
    let mut shown = address;
    if address.ip().is_unspecified() {
        shown.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    shown
}

/// The site's clock, as the demo says it.
fn clock_line(site: &center::DemoSite, now: DateTime<Utc>) -> String {
    let local = center::local_time(&site.grid, now);
    let mut line = if site.zone.starts_with("Etc/") {
        format!(
            "site clock: {} ({}), {local} there: night in Moscow, so the demo runs where it is day",
            site.zone,
            utc_offset(site.grid.tz(), now)
        )
    } else {
        format!("site clock: {}, {local} there", site.zone)
    };
    if let Some(before) = &site.moved_from {
        line.push_str(&format!(" (was {before}; the day's plan uploaded again)"));
    }
    line
}

/// `UTC+5`, `UTC-3`, `UTC`.
fn utc_offset(tz: chrono_tz::Tz, now: DateTime<Utc>) -> String {
    let seconds = now.with_timezone(&tz).offset().fix().local_minus_utc();
    match seconds / 3600 {
        0 => "UTC".into(),
        h => format!("UTC{h:+}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_demo_server_lets_its_whole_setup_through_in_one_burst() {
        let configured = Limits {
            read: 200.0,
            write: 20.0,
            ingest: 1000.0,
        };
        let limits = demo_limits(configured);
        // A bucket holds two seconds' worth; the setup's writes are sent at once.
        assert!(2.0 * limits.write >= SETUP_WRITES as f64);
        assert_eq!((limits.read, limits.ingest), (200.0, 1000.0));
        let generous = Limits {
            write: 5000.0,
            ..configured
        };
        assert_eq!(demo_limits(generous), generous);
    }

    #[test]
    fn offsets_and_addresses_read_plainly() {
        let now = Utc.with_ymd_and_hms(2026, 3, 14, 2, 25, 0).unwrap();
        assert_eq!(utc_offset(chrono_tz::Etc::GMTMinus9, now), "UTC+9");
        assert_eq!(utc_offset(chrono_tz::Etc::GMTPlus3, now), "UTC-3");
        assert_eq!(utc_offset(chrono_tz::Etc::GMT, now), "UTC");
        assert_eq!(
            reachable("0.0.0.0:8080".parse().unwrap()).to_string(),
            "127.0.0.1:8080"
        );
        assert_eq!(
            reachable("127.0.0.1:9000".parse().unwrap()).to_string(),
            "127.0.0.1:9000"
        );
    }

    #[test]
    fn the_last_lines_are_the_console_and_its_people() {
        let people = [("viewer".to_string(), "abcd-efgh-ijkm".to_string())];
        let lines = sign_in_lines("http://127.0.0.1:8080", &people);
        assert_eq!(lines[0], "Console: http://127.0.0.1:8080/");
        assert_eq!(lines.last().unwrap(), "  viewer      abcd-efgh-ijkm");
        let p = demo_password();
        assert_eq!((p.len(), p.matches('-').count()), (14, 2));
        assert_eq!(crate::auth::password::weakness("viewer", &p), None);
    }
}

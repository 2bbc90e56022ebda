//! The command line: `serve`, `migrate`, `token`, `user`, `erlang`, `config`, `import`,
//! `demo`, `sim`.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use wfm_store::model::Role;

use crate::auth::token::{TokenKeys, local_token};
use crate::calculator::{self, CalculatorInput};
use crate::config::{self, Config, SETTINGS};
use crate::{app, telemetry};

#[derive(Debug, Parser)]
#[command(
    name = "wfm-pulse",
    version,
    about = "Real-time operations and integration service for contact-center workforce management",
    after_help = "Settings come from defaults, then --config FILE (TOML), then WFM_* environment \
                  variables; `wfm-pulse config` shows the result."
)]
pub struct Cli {
    /// TOML configuration file.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs the server (applies pending migrations first). Stops cleanly on Ctrl-C or SIGTERM.
    Serve,
    /// Applies pending database migrations and exits.
    Migrate,
    /// Issues a JWT for a role, to bootstrap access. The token alone is on the last line.
    Token(TokenArgs),
    /// Console accounts: add, list, passwd, unlock (on the configured database).
    #[command(subcommand)]
    User(crate::accounts::UserCommand),
    /// Erlang C staffing calculator: agents needed for a load and a service-level target.
    Erlang(ErlangArgs),
    /// Shows the effective configuration (secrets masked) and where each setting comes from.
    Config,
    /// Prints the API's OpenAPI 3.1 document (the one `GET /api/v1/openapi.json` serves).
    Openapi,
    /// Imports a forecast or timetable CSV (all or nothing), or an Asterisk queue_log,
    /// through a running server.
    Import(ImportArgs),
    /// Runs the server on the configured (by default embedded) database with a demo contact
    /// center and simulated live traffic: the realtime endpoint moves within a minute.
    Demo(DemoArgs),
    /// Simulators of the systems around wfm-pulse, for integration and drills.
    #[command(subcommand)]
    Sim(SimCommand),
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Seed of the simulated traffic (same seed, same calls).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// How the simulated contact center's data comes in: through the event API, or as an
    /// Asterisk queue_log in the data directory that the server follows.
    #[arg(long, value_enum, default_value_t = crate::sim::demo::DemoFeed::Events)]
    pub feed: crate::sim::demo::DemoFeed,
}

#[derive(Debug, Subcommand)]
pub enum SimCommand {
    /// A contact-center platform: reads the server's groups, operators and today's plan, and
    /// sends calls and operator states through the public event API in real time.
    ContactCenter(ContactCenterArgs),
    /// 1C ZUP: serves the 1C ZUP HTTP service contract (agents, getNormHours, sendSchedule,
    /// getTimetypeInfo, sendFactWorkTime) for a generated organization, by the contract's
    /// rules, with drill controls under /sim.
    Zup(crate::sim::zup::ZupArgs),
}

#[derive(Debug, Args)]
pub struct ContactCenterArgs {
    /// The wfm-pulse server to feed.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub target: String,
    /// A token that reads the structure and plan, viewer or higher (default: one made with
    /// the local JWT secret).
    #[arg(long)]
    pub token: Option<String>,
    /// A bearer token of the integration role, which the events are sent with (default:
    /// one made with the local JWT secret).
    #[arg(long)]
    pub feed_token: Option<String>,
    /// Seed of the simulated traffic.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Writes the calls and operator states to this Asterisk queue_log (appending) instead
    /// of sending them; a server with WFM_QUEUE_LOG set to the same file follows it.
    #[arg(long, value_name = "FILE", conflicts_with = "serve")]
    pub queue_log: Option<PathBuf>,
    /// Serves the incumbent's pull contract (/personnel, /historic/*, /online/*) on this
    /// address instead of sending anything, with drill controls under /sim.
    #[arg(long, value_name = "ADDR")]
    pub serve: Option<std::net::SocketAddr>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Formats (header line first; times ISO 8601 with offset):\n  \
    forecast:  group,start,calls,aht_seconds,acd_percent,operators   (group: code or id; the last two optional)\n  \
    timetable: agent,start,end,activity,group   (agent: login; activity: line, break, lunch, training, meeting; group for line work)\n  \
    queue-log: Asterisk's queue_log as it is (time|callid|queue|agent|event|data...); queues are group codes, members logins or in WFM_QUEUE_LOG_MEMBERS; the live view takes the last 24 hours"
)]
pub struct ImportArgs {
    /// What the file holds.
    #[arg(value_enum)]
    pub kind: ImportKind,
    /// The file: CSV for a plan, the queue_log as Asterisk wrote it.
    pub file: PathBuf,
    /// The server (default: the configured bind address).
    #[arg(long)]
    pub url: Option<String>,
    /// The token to use (default: ones made with the local JWT secret: a manager's for a
    /// plan; for a queue_log, a viewer's to read the state map and an integration one to send).
    #[arg(long)]
    pub token: Option<String>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ImportKind {
    Forecast,
    Timetable,
    /// An Asterisk queue_log (members named as WFM_QUEUE_LOG_MEMBERS says).
    QueueLog,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    /// Role: viewer, supervisor, manager, admin or integration.
    #[arg(long, value_parser = parse_role)]
    pub role: Role,
    /// Who the token is for (the `sub` claim); appears in the audit log as user:<subject>.
    #[arg(long, default_value = "bootstrap")]
    pub subject: String,
    /// How long the token is valid: 90s, 30m, 12h, 7d.
    #[arg(long, default_value = "12h", value_parser = |s: &str| parse_duration(s, 1))]
    pub ttl: u64,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Example: wfm-pulse erlang --calls 100 --interval 30m --aht 180s --target 80/20 --shrinkage 0.3 --max-occupancy 0.85"
)]
pub struct ErlangArgs {
    /// Calls offered in the interval.
    #[arg(long)]
    pub calls: f64,
    /// Interval length: 15m, 30m, 1h (a bare number is minutes).
    #[arg(long, default_value = "15m", value_parser = |s: &str| parse_duration(s, 60))]
    pub interval: u64,
    /// Average handle time: 180s, 3m (a bare number is seconds).
    #[arg(long, value_parser = |s: &str| parse_duration(s, 1))]
    pub aht: u64,
    /// Service-level target as PERCENT/SECONDS, e.g. 80/20.
    #[arg(long, default_value = "80/20", value_parser = parse_target)]
    pub target: (f64, f64),
    /// Share of paid time off the line, 0 to below 1 (e.g. 0.3).
    #[arg(long, default_value_t = 0.0)]
    pub shrinkage: f64,
    /// Highest occupancy to plan for, above 0 up to 1 (e.g. 0.85).
    #[arg(long, default_value_t = 1.0)]
    pub max_occupancy: f64,
    /// Also show the performance of exactly this many agents.
    #[arg(long)]
    pub agents: Option<u32>,
    /// Print JSON with unrounded figures instead of the table.
    #[arg(long)]
    pub json: bool,
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| {
        let all: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("unknown role {s:?}; one of {}", all.join(", "))
    })
}

/// Seconds in `s` (`90s`, `30m`, `12h`, `7d`); a bare number counts `bare_unit` seconds each.
fn parse_duration(s: &str, bare_unit: u64) -> Result<u64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{s:?} is not a duration like 30m or 180s"))?;
    let unit = match unit {
        "" => bare_unit,
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        other => return Err(format!("unknown unit {other:?}; use s, m, h or d")),
    };
    match n.checked_mul(unit) {
        Some(0) | None => Err(format!("{s:?} must be a positive duration")),
        Some(v) => Ok(v),
    }
}

fn parse_target(s: &str) -> Result<(f64, f64), String> {
    let (p, t) = s
        .split_once('/')
        .ok_or_else(|| format!("{s:?} is not a target like 80/20"))?;
    let p: f64 = p
        .trim()
        .parse()
        .map_err(|_| format!("{p:?} is not a percent"))?;
    let t: f64 = t
        .trim()
        .parse()
        .map_err(|_| format!("{t:?} is not a number of seconds"))?;
    Ok((p, t))
}

/// Runs the command; the error is what to tell the user.
pub async fn run(cli: Cli) -> Result<(), String> {
    let load_config = || Config::load(cli.config.as_deref());
    match cli.command {
        Command::Erlang(args) => erlang(&args),
        Command::Openapi => {
            let doc = crate::api::router::document();
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?
            );
            Ok(())
        }
        Command::Config => {
            let c = load_config()?;
            println!("{c:#?}");
            println!("\nSettings (file key, environment variable, meaning):");
            for (key, var, what) in SETTINGS {
                println!("  {key:<22} {var:<26} {what}");
            }
            Ok(())
        }
        Command::Token(args) => {
            let token = issue_token(&load_config()?, &args)?;
            eprintln!(
                "token for {} with role {}, valid {} s:",
                args.subject,
                args.role.as_str(),
                args.ttl
            );
            println!("{token}");
            Ok(())
        }
        Command::User(command) => {
            let c = load_config()?;
            let store = app::open_store(&c).await?;
            store.migrate().await.map_err(|e| e.to_string())?;
            let done = crate::accounts::run(store.as_ref(), command).await;
            store.close().await;
            done
        }
        Command::Migrate => {
            let c = load_config()?;
            telemetry::init(&c);
            let store = app::open_store(&c).await?;
            let applied = store.migrate().await.map_err(|e| e.to_string())?;
            store.close().await;
            if applied.is_empty() {
                println!("the database is up to date");
            } else {
                println!("applied: {}", applied.join(", "));
            }
            Ok(())
        }
        Command::Demo(args) => {
            let c = load_config()?;
            let log_file = telemetry::init_demo(&c);
            crate::sim::run_demo(Arc::new(c), args.seed, args.feed, log_file).await
        }
        Command::Sim(SimCommand::ContactCenter(args)) => {
            let c = load_config()?;
            telemetry::init(&c);
            let token = match args.token {
                Some(t) => t,
                None => local_token(&c, "simulator", Role::Viewer, 86_400)?,
            };
            let feed_token = match args.feed_token {
                Some(t) => t,
                None => local_token(&c, "simulator", Role::Integration, 86_400)?,
            };
            let api = crate::sim::client::Api::new(&args.target, token);
            let feed_api = crate::sim::client::Api::new(&args.target, feed_token);
            let grid = crate::sim::first_site_grid(&api).await?;
            let scenario = crate::sim::scenario(&api, &grid, chrono::Utc::now(), args.seed).await?;
            eprintln!(
                "feeding {} with {} groups and {} operators; Ctrl-C stops",
                args.target,
                scenario.groups.len(),
                scenario.agents.len()
            );
            let stop = async {
                let _ = tokio::signal::ctrl_c().await;
            };
            if let Some(address) = args.serve {
                return crate::sim::platform::serve(address, &scenario, grid, stop).await;
            }
            let mut sink = match &args.queue_log {
                Some(path) => crate::sim::Sink::queue_log(path)?,
                None => crate::sim::Sink::Api(&feed_api),
            };
            let sim = wfm_sim::Simulator::new(scenario);
            let stats = crate::sim::feed(&mut sink, sim, stop).await?;
            match &args.queue_log {
                Some(path) => eprintln!("wrote {} events to {}", stats.sent, path.display()),
                None => eprintln!(
                    "sent {} events: {} accepted, {} rejected",
                    stats.sent, stats.accepted, stats.rejected
                ),
            }
            Ok(())
        }
        Command::Sim(SimCommand::Zup(args)) => {
            if let Ok(c) = load_config() {
                telemetry::init(&c);
            }
            crate::sim::zup::run(args).await
        }
        Command::Import(args) => {
            let c = load_config()?;
            let url = args.url.unwrap_or_else(|| format!("http://{}", c.bind));
            let target = |role: Role| -> Result<crate::import::Target, String> {
                let token = match &args.token {
                    Some(t) => t.clone(),
                    None => local_token(&c, "import", role, 600)?,
                };
                Ok(crate::import::Target {
                    url: url.clone(),
                    token,
                })
            };
            let summary = match args.kind {
                ImportKind::Forecast => {
                    crate::import::forecast(&args.file, &target(Role::Manager)?).await?
                }
                ImportKind::Timetable => {
                    crate::import::timetable(&args.file, &target(Role::Manager)?).await?
                }
                ImportKind::QueueLog => {
                    let members = match &c.queue_log_members {
                        Some(file) => crate::integrations::queue_log::members(file)?,
                        None => Default::default(),
                    };
                    let (reader, feeder) = (target(Role::Viewer)?, target(Role::Integration)?);
                    crate::import::queue_log(&args.file, &reader, &feeder, members).await?
                }
            };
            println!("{summary}");
            Ok(())
        }
        Command::Serve => {
            let c = load_config()?;
            telemetry::init(&c);
            app::run(Arc::new(c)).await
        }
    }
}

/// `wfm-pulse token`: a token signed with the server's JWT secret, which it only reads
/// (configured, or the file the server generated in its data dir); without one it fails
/// saying where it looked and how to fix that.
pub fn issue_token(c: &Config, args: &TokenArgs) -> Result<String, String> {
    let (secret, _) = config::jwt_secret(c)?;
    let keys = TokenKeys::new(&secret, None)?;
    let now = chrono::Utc::now().timestamp();
    let ttl = i64::try_from(args.ttl).map_err(|_| "ttl is too long".to_string())?;
    Ok(keys.issue(&args.subject, args.role, now, ttl))
}

fn erlang(args: &ErlangArgs) -> Result<(), String> {
    let input = CalculatorInput {
        calls: args.calls,
        interval_seconds: args.interval as f64,
        aht_seconds: args.aht as f64,
        target_percent: args.target.0,
        target_seconds: args.target.1,
        max_occupancy: args.max_occupancy,
        shrinkage: args.shrinkage,
        agents: args.agents,
    };
    let report = calculator::calculate(&input)
        .map_err(|(field, message)| format!("{}: {message}", field.replace('_', "-")))?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
        );
    } else {
        print!("{}", calculator::render(&report));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_targets() {
        assert_eq!(parse_duration("30m", 1), Ok(1800));
        assert_eq!(parse_duration("180s", 60), Ok(180));
        assert_eq!(parse_duration("30", 60), Ok(1800));
        assert_eq!(parse_duration("12h", 1), Ok(43_200));
        assert!(parse_duration("0s", 1).is_err());
        assert!(parse_duration("5 weeks", 1).is_err());
        assert!(parse_duration("m", 1).is_err());
        assert_eq!(parse_target("80/20"), Ok((80.0, 20.0)));
        assert!(parse_target("80").is_err());
    }

    #[test]
    fn token_without_a_secret_says_where_it_looked_and_creates_nothing() {
        let root = std::env::temp_dir().join(format!("wfm-token-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&root).unwrap();
        let args = TokenArgs {
            role: Role::Admin,
            subject: "bootstrap".into(),
            ttl: 60,
        };
        // An empty data dir, and one that does not exist.
        for data_dir in [root.clone(), root.join("data")] {
            let dir = data_dir.to_str().unwrap().to_string();
            let c = Config::resolve(None, &|k| (k == "WFM_DATA_DIR").then(|| dir.clone())).unwrap();
            let e = issue_token(&c, &args).unwrap_err();
            assert!(e.contains(&dir), "names the data dir {dir}: {e}");
            for fix in ["WFM_DATA_DIR", "WFM_JWT_SECRET"] {
                assert!(e.contains(fix), "says how to fix it ({fix}): {e}");
            }
            let left: Vec<_> = std::fs::read_dir(&root).unwrap().collect();
            assert!(left.is_empty(), "created {left:?}");
        }
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn the_cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}

//! The 1C ZUP simulator (`wfm-pulse sim zup`): an HTTP server speaking the 1C ZUP HTTP
//! service contract for a generated organization (or a given [`Roster`], as the demo's). It
//! keeps state (personnel, production calendars, Individual schedules, received shifts,
//! deviation documents) and computes every answer by the contract's rules with the same core
//! functions wfm-pulse uses, so a client can be tested against it as against a real 1C. Drill
//! controls live under `/sim`.

mod http;
mod methods;
mod org;
mod state;
mod timesheet;

#[cfg(test)]
mod tests;

use parking_lot::Mutex;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use wfm_core::zup::calendar::ProductionCalendar;
use wfm_core::zup::personnel::{Department, Employee};

pub use org::{Roster, RosterDepartment, RosterEmployee};
pub use state::{
    Document, EmployeePatch, Hire, RecordedRequest, ScheduleDayRecord, ScheduleRecord,
};

use state::ZupState;

/// What the simulated 1C looks like.
#[derive(Debug, Clone)]
pub struct ZupSimConfig {
    /// Seed of the generated organization (same seed and day, same organization).
    pub seed: u64,
    pub employees: usize,
    pub departments: usize,
    /// The HTTP Basic credentials of the integration user.
    pub user: String,
    pub password: String,
    /// Where the HTTP service is published, like `/zup/hs/wfm` (`/<base>/hs/<service>`).
    pub base_path: String,
    /// The zone of 1C's local dates ("today", shift dates, timesheet days).
    pub time_zone: chrono_tz::Tz,
}

impl Default for ZupSimConfig {
    fn default() -> Self {
        ZupSimConfig {
            seed: 1,
            employees: 200,
            departments: 20,
            user: "WFMSystem".into(),
            password: "wfm-sim".into(),
            base_path: "/zup/hs/wfm".into(),
            time_zone: chrono_tz::Europe::Moscow,
        }
    }
}

/// Faults to drill with; control endpoints are never affected.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Behaviour {
    /// Every contract request answers 503 from the web server in front of a stopped 1C.
    pub down: bool,
    /// Each contract request waits this long before it is handled.
    pub delay_ms: u64,
    /// Share (0 to 1) of contract requests answered with a plain 500.
    pub error_rate: f64,
}

/// Longest delay a behaviour may ask for.
pub const MAX_DELAY_MS: u64 = 600_000;

impl Behaviour {
    /// Why the behaviour cannot be applied, if it cannot.
    pub fn check(&self) -> Result<(), String> {
        if !(self.error_rate.is_finite() && (0.0..=1.0).contains(&self.error_rate)) {
            return Err("error_rate must be between 0 and 1".into());
        }
        if self.delay_ms > MAX_DELAY_MS {
            return Err(format!("delay_ms must be at most {MAX_DELAY_MS}"));
        }
        Ok(())
    }
}

/// The running simulator; clones share one state.
#[derive(Clone)]
pub struct ZupSim {
    config: Arc<ZupSimConfig>,
    base: Arc<str>,
    state: Arc<Mutex<ZupState>>,
}

impl ZupSim {
    /// Generates the organization as of today (local date in the configured zone).
    pub fn new(config: ZupSimConfig) -> ZupSim {
        ZupSim::build(config, None)
    }

    /// Holds the roster's departments and people instead of generated ones (the rest of
    /// what 1C knows about them generated from the seed); the configuration's `employees`
    /// and `departments` are ignored.
    pub fn with_roster(config: ZupSimConfig, roster: &Roster) -> ZupSim {
        ZupSim::build(config, Some(roster))
    }

    fn build(config: ZupSimConfig, roster: Option<&Roster>) -> ZupSim {
        let base = normalize_base_path(&config.base_path);
        let state = ZupState::generate(&config, roster);
        ZupSim {
            config: Arc::new(config),
            base: base.into(),
            state: Arc::new(Mutex::new(state)),
        }
    }

    pub fn config(&self) -> &ZupSimConfig {
        &self.config
    }

    /// The contract's base path as served (normalized: leading slash, no trailing one).
    pub fn base_path(&self) -> &str {
        &self.base
    }

    /// The contract under the base path (Basic auth) and the drill controls under `/sim`.
    pub fn router(&self) -> axum::Router {
        http::router(self.clone())
    }

    /// Serves on `listener` until `shutdown` completes, then finishes requests under way.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(listener, self.router())
            .with_graceful_shutdown(shutdown)
            .await
    }

    fn with<R>(&self, f: impl FnOnce(&mut ZupState) -> R) -> R {
        let mut state = self.state.lock();
        f(&mut state)
    }

    pub fn behaviour(&self) -> Behaviour {
        self.with(|s| s.behaviour)
    }

    /// Applies `b`, with the error rate clamped to [0, 1] and the delay to MAX_DELAY_MS.
    pub fn set_behaviour(&self, b: Behaviour) {
        let error_rate = if b.error_rate.is_finite() {
            b.error_rate.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let b = Behaviour {
            down: b.down,
            delay_ms: b.delay_ms.min(MAX_DELAY_MS),
            error_rate,
        };
        self.with(|s| s.behaviour = b);
    }

    /// 1C's "today": the local date in the configured zone, unless pinned by `set_today`.
    pub fn today(&self) -> NaiveDate {
        self.with(|s| s.today())
    }

    /// Pins "today" to a date (closed periods, termination filter, document dates), or
    /// back to the clock with `None`. The organization is not regenerated.
    pub fn set_today(&self, today: Option<NaiveDate>) {
        self.with(|s| s.clock = today);
    }

    pub fn departments(&self) -> Vec<Department> {
        self.with(|s| s.departments.clone())
    }

    /// Everyone, as 1C holds them today (also those no longer delivered by `agents`), with
    /// the vacation balance of the current month.
    pub fn employees(&self) -> Vec<Employee> {
        self.with(|s| s.employees_today())
    }

    /// Changes an employee as of today (a new position or weekly norm takes effect today).
    pub fn update_employee(&self, agent_id: &str, patch: EmployeePatch) -> Result<(), String> {
        self.with(|s| s.patch(agent_id, patch).map(|_| ()))
            .map_err(|e| e.to_string())
    }

    /// Hires an employee; missing names are generated, the hire date defaults to today.
    pub fn hire(&self, hire: Hire) -> Result<Employee, String> {
        self.with(|s| s.hire(hire))
    }

    /// Marks an employee as having asked for their personal data to be erased: `agents`
    /// then carries the WFM extension `"deletionRequested": true` for them.
    pub fn request_deletion(&self, agent_id: &str) -> Result<(), String> {
        self.with(|s| s.request_deletion(agent_id))
            .map_err(|e| e.to_string())
    }

    /// Deviation documents created by sendFactWorkTime, oldest first.
    pub fn documents(&self) -> Vec<Document> {
        self.with(|s| s.documents.clone())
    }

    /// The employee's Individual schedules, by month.
    pub fn schedules(&self, agent_id: &str) -> Vec<ScheduleRecord> {
        self.with(|s| s.schedule_records(agent_id))
    }

    /// Records a carried-out part-month Individual schedule (sendSchedule then refuses
    /// that month).
    pub fn add_part_month_schedule(&self, agent_id: &str, year: i32, month: u32) {
        self.with(|s| {
            s.part_month.insert((agent_id.to_string(), year, month));
        });
    }

    /// Forgets the production calendar of `year`.
    pub fn remove_calendar(&self, year: i32) {
        self.with(|s| {
            s.calendars.remove(&year);
        });
    }

    /// Loads (or replaces) a production calendar.
    pub fn add_calendar(&self, calendar: ProductionCalendar) {
        self.with(|s| {
            s.calendars.insert(calendar.year, calendar);
        });
    }

    /// The years whose production calendar is loaded.
    pub fn calendar_years(&self) -> Vec<i32> {
        self.with(|s| s.calendars.keys().copied().collect())
    }

    /// The contract requests received, oldest first (at most the last 10 000).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.with(|s| s.requests.iter().cloned().collect())
    }
}

/// `/zup/hs/wfm` from what the user gave: a leading slash, no trailing one, and only the
/// characters a plain path needs (so the router accepts it).
fn normalize_base_path(raw: &str) -> String {
    raw.split('/')
        .map(|segment| {
            segment
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~'))
                .collect::<String>()
        })
        .filter(|segment| !segment.is_empty())
        .map(|segment| format!("/{segment}"))
        .collect()
}

/// `wfm-pulse sim zup` options.
#[derive(Debug, clap::Args)]
pub struct ZupArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8090")]
    pub bind: SocketAddr,
    /// Employees of the generated organization.
    #[arg(long, default_value_t = 200)]
    pub employees: usize,
    /// Departments (a two-level hierarchy).
    #[arg(long, default_value_t = 20)]
    pub departments: usize,
    /// Seed of the organization (same seed and day, same organization).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// HTTP Basic user of the integration.
    #[arg(long, default_value = "WFMSystem")]
    pub user: String,
    /// HTTP Basic password of the integration user.
    #[arg(long, default_value = "wfm-sim")]
    pub password: String,
    /// Where the HTTP service is published.
    #[arg(long, default_value = "/zup/hs/wfm")]
    pub base_path: String,
    /// IANA time zone of 1C's local dates.
    #[arg(long, default_value = "Europe/Moscow", value_parser = parse_zone)]
    pub time_zone: chrono_tz::Tz,
}

fn parse_zone(s: &str) -> Result<chrono_tz::Tz, String> {
    s.parse::<chrono_tz::Tz>()
        .map_err(|_| format!("{s:?} is not an IANA time zone like Europe/Moscow"))
}

/// Runs `wfm-pulse sim zup` until Ctrl-C or SIGTERM.
pub async fn run(args: ZupArgs) -> Result<(), String> {
    let sim = ZupSim::new(ZupSimConfig {
        seed: args.seed,
        employees: args.employees,
        departments: args.departments,
        user: args.user.clone(),
        password: args.password.clone(),
        base_path: args.base_path.clone(),
        time_zone: args.time_zone,
    });
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.bind))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    println!(
        "1C ZUP simulator: {} departments, {} employees (seed {}), today {} in {}",
        sim.departments().len(),
        sim.employees().len(),
        args.seed,
        sim.today(),
        args.time_zone
    );
    println!("  base URL: http://{address}{}", sim.base_path());
    println!("  user:     {}", args.user);
    println!("  password: {}", args.password);
    println!("  drills:   http://{address}/sim (behaviour, employees, documents, requests)");
    println!("  (Ctrl-C stops)");
    sim.serve(listener, crate::app::shutdown_signal())
        .await
        .map_err(|e| format!("the simulator failed: {e}"))
}

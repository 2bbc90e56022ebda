//! The demo contact center: one site, two services, five groups, 100 operators with
//! skills, the day's forecast with a realistic intraday shape and a timetable of staggered
//! shifts with breaks and lunch. The site's clock is chosen so that it is daytime there
//! whenever the demo starts. Deterministic for an instant; set up through the public API.
//! Its 1C ZUP holds the same people and structure ([`zup_roster`]).

use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};
use serde_json::{Value, json};
use wfm_core::interval::IntervalGrid;
use wfm_core::zup::personnel::full_name;

use crate::sim::client::Api;
use crate::sim::zup::{Roster, RosterDepartment, RosterEmployee};

/// The demo site's name; a second `demo` start reuses the site it finds by this name.
pub const SITE_NAME: &str = "Demo contact center";

/// The demo's interval length, minutes.
const INTERVAL_MINUTES: u32 = 15;

/// The demo's services: 1C's top-level departments.
const SERVICES: [&str; 2] = ["Sales", "Service"];

/// (code, name, service index, peak calls per 15 minutes, AHT seconds)
const GROUPS: [(&str, &str, usize, f64, f64); 5] = [
    ("SALES", "Sales line", 0, 34.0, 210.0),
    ("RETENTION", "Retention", 0, 16.0, 330.0),
    ("SUPPORT", "Technical support", 1, 40.0, 270.0),
    ("BILLING", "Billing", 1, 24.0, 180.0),
    ("VIP", "Priority customers", 1, 8.0, 300.0),
];

/// Operators of the demo site; operator `n`'s primary group is `GROUPS[n % 5]`.
pub const OPERATORS: usize = 100;

/// Operator `n`'s (from 0) login: WFM's external id, and 1C's login.
fn operator_login(n: usize) -> String {
    format!("op{:03}", n + 1)
}

/// Operator `n`'s personnel number, in WFM and in 1C.
fn personnel_number(n: usize) -> String {
    format!("{:05}", 10_000 + n)
}

/// Operator `n`'s last and first name as 1C keeps them; WFM's full name joins them.
fn operator_name(n: usize) -> (String, String) {
    ("Operator".into(), format!("{:03}", n + 1))
}

/// The demo's people and structure as its 1C ZUP holds them: the services as top-level
/// departments with the groups below them, and each operator with the personnel number,
/// login and name WFM has, in the department of their primary group. A personnel sync then
/// finds every operator (by personnel number) and group (by name under its service) it
/// knows, and a schedule upload sends the demo's timetable.
pub fn zup_roster() -> Roster {
    let mut departments: Vec<RosterDepartment> = SERVICES
        .iter()
        .map(|name| RosterDepartment {
            name: name.to_string(),
            parent: None,
        })
        .collect();
    departments.extend(
        GROUPS
            .iter()
            .map(|(_, name, service, _, _)| RosterDepartment {
                name: name.to_string(),
                parent: Some(SERVICES[*service].to_string()),
            }),
    );
    let employees = (0..OPERATORS)
        .map(|n| {
            let (lastname, firstname) = operator_name(n);
            RosterEmployee {
                tab_n: personnel_number(n),
                login: Some(operator_login(n)),
                lastname,
                firstname,
                secondname: String::new(),
                department: GROUPS[n % GROUPS.len()].1.to_string(),
            }
        })
        .collect();
    Roster {
        departments,
        employees,
    }
}

/// Records the demo's setup writes at most: the site, two services, the groups, the
/// operators, a move of the site's clock and the two plan uploads. The demo server's
/// write limit lets them all through at once (see [`super::demo_limits`]).
pub const SETUP_WRITES: usize = 1 + SERVICES.len() + GROUPS.len() + OPERATORS + 1 + 2;

/// Share of the daily peak expected at a local hour: quiet at night, a morning peak,
/// a lunch dip and a second, lower afternoon peak.
pub fn intraday_shape(hour: f64) -> f64 {
    let bump = |centre: f64, width: f64| (-((hour - centre) / width).powi(2)).exp();
    (0.03 + bump(10.5, 2.2) + 0.8 * bump(15.5, 2.4) - 0.15 * bump(13.0, 0.7)).clamp(0.02, 1.0)
}

/// Shifts start every half hour from 07:00 to 14:30 local, eight hours with a short
/// break after two hours, lunch after four, another break after six.
fn shift_of(operator: usize) -> (i64, Vec<(i64, i64, &'static str)>) {
    let start = 7 * 60 + 30 * (operator % 16) as i64;
    let plan = vec![
        (0, 120, "line"),
        (120, 135, "break"),
        (135, 240, "line"),
        (240, 270, "lunch"),
        (270, 360, "line"),
        (360, 375, "break"),
        (375, 480, "line"),
    ];
    (start, plan)
}

/// Moscow's hours in which the demo site keeps Moscow's clock: the busy part of its day.
const MOSCOW_DAYTIME: std::ops::Range<u32> = 10..18;

/// The local hour at the demo site when it is not daytime in Moscow: late morning, by the
/// day's peak, with twelve hours of the day still to come.
const LATE_MORNING: i64 = 11;

/// The demo site's time zone at `now`: Europe/Moscow in Moscow's daytime, else the
/// fixed-offset zone (`Etc/GMT-5` is UTC+5) in which it is late morning, so that whenever
/// the demo starts its plan has operators on line and calls coming in.
pub fn site_zone(now: DateTime<Utc>) -> String {
    let moscow = now.with_timezone(&chrono_tz::Europe::Moscow).hour();
    if MOSCOW_DAYTIME.contains(&moscow) {
        return "Europe/Moscow".into();
    }
    // Offsets from -12 to +11 hours: all of them exist as Etc zones (-12 to +14).
    match LATE_MORNING - i64::from(now.hour()) {
        0 => "Etc/GMT".into(),
        east if east > 0 => format!("Etc/GMT-{east}"),
        west => format!("Etc/GMT+{}", -west),
    }
}

/// The demo site's grid at `now`: its zone (see [`site_zone`]) and 15-minute intervals.
pub fn site_grid(now: DateTime<Utc>) -> Result<IntervalGrid, String> {
    let tz = IntervalGrid::parse_tz(&site_zone(now)).map_err(|e| e.to_string())?;
    IntervalGrid::new(tz, INTERVAL_MINUTES).map_err(|e| e.to_string())
}

/// Calls expected in one interval of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedCalls {
    /// The group's code.
    pub group: &'static str,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub calls: f64,
    pub aht_seconds: f64,
}

/// One part of an operator's shift.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftPart {
    /// The operator's position among the site's operators.
    pub operator: usize,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// `line` (for the operator's primary group), `break` or `lunch`.
    pub activity: &'static str,
}

/// Every group's forecast for the local `day`.
pub fn forecast(grid: &IntervalGrid, day: NaiveDate) -> Vec<PlannedCalls> {
    let day_start = grid.day_start(day);
    let mut planned = Vec::new();
    for (code, _, _, peak, aht) in GROUPS {
        for i in grid.intervals(day) {
            let hour = (i.start - day_start).num_minutes() as f64 / 60.0 + 0.125;
            planned.push(PlannedCalls {
                group: code,
                start: i.start,
                end: i.end,
                calls: (peak * intraday_shape(hour) * 10.0).round() / 10.0,
                aht_seconds: aht,
            });
        }
    }
    planned
}

/// Every operator's shift on the local `day`.
pub fn shifts(grid: &IntervalGrid, day: NaiveDate) -> Vec<ShiftPart> {
    let day_start = grid.day_start(day);
    let mut parts = Vec::new();
    for operator in 0..OPERATORS {
        let (start, plan) = shift_of(operator);
        let at = |m: i64| day_start + Duration::minutes(start + m);
        for (from, to, activity) in plan {
            parts.push(ShiftPart {
                operator,
                start: at(from),
                end: at(to),
                activity,
            });
        }
    }
    parts
}

/// What [`set_up`] found and did.
#[derive(Debug, Clone)]
pub struct DemoSite {
    pub site_id: i64,
    /// The site's time zone now, and its grid.
    pub zone: String,
    pub grid: IntervalGrid,
    /// The zone the site had before this start, when the clock was moved.
    pub moved_from: Option<String>,
}

/// Creates the demo structure unless the site exists already, sets the site's clock so
/// that it is daytime there at `now`, and uploads the plan of the site's day.
pub async fn set_up(api: &Api, now: DateTime<Utc>) -> Result<DemoSite, String> {
    let zone = site_zone(now);
    let grid = site_grid(now)?;
    let sites = api.get("/api/v1/sites").await?;
    let existing = sites
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["name"] == SITE_NAME);
    let (site_id, moved_from) = match existing {
        Some(s) => {
            let id = s["id"].as_i64().unwrap_or_default();
            let before = s["time_zone"].as_str().unwrap_or_default().to_string();
            if before == zone && s["interval_minutes"] == INTERVAL_MINUTES {
                (id, None)
            } else {
                api.put(&format!("/api/v1/sites/{id}"), site_body(&zone))
                    .await?;
                (id, Some(before).filter(|b| *b != zone))
            }
        }
        None => (create_structure(api, &zone).await?, None),
    };
    upload_plan(api, site_id, &grid, grid.local_date(now)).await?;
    Ok(DemoSite {
        site_id,
        zone,
        grid,
        moved_from,
    })
}

fn site_body(zone: &str) -> Value {
    json!({"name": SITE_NAME, "time_zone": zone, "interval_minutes": INTERVAL_MINUTES})
}

async fn create_structure(api: &Api, zone: &str) -> Result<i64, String> {
    let site = api.post("/api/v1/sites", site_body(zone)).await?;
    let site_id = site["id"].as_i64().unwrap_or_default();
    let mut services = Vec::new();
    for name in SERVICES {
        let s = api
            .post(
                "/api/v1/services",
                json!({"site_id": site_id, "name": name}),
            )
            .await?;
        services.push(s["id"].as_i64().unwrap_or_default());
    }
    let mut groups = Vec::new();
    for (code, name, service, _, _) in GROUPS {
        let g = api
            .post(
                "/api/v1/groups",
                json!({"service_id": services[service], "name": name, "external_id": code,
                       "short_abandon_seconds": 5}),
            )
            .await?;
        groups.push(g["id"].as_i64().unwrap_or_default());
    }
    for n in 0..OPERATORS {
        api.post("/api/v1/agents", operator(n, site_id, &groups))
            .await?;
    }
    Ok(site_id)
}

/// Operator `n` as the demo creates it, `groups` being the ids of [`GROUPS`] in order.
fn operator(n: usize, site_id: i64, groups: &[i64]) -> Value {
    let primary = groups[n % groups.len()];
    let second = groups[(n + 2) % groups.len()];
    let (lastname, firstname) = operator_name(n);
    json!({"external_id": operator_login(n), "full_name": full_name(&lastname, &firstname, ""),
           "personnel_number": personnel_number(n), "site_id": site_id,
           "primary_group_id": primary,
           "skills": [{"group_id": primary, "priority": 1}, {"group_id": second, "priority": 2}]})
}

/// Uploads the forecast and the timetable of the local `day`, replacing what the demo
/// uploaded before for the same span.
async fn upload_plan(
    api: &Api,
    site_id: i64,
    grid: &IntervalGrid,
    day: NaiveDate,
) -> Result<(), String> {
    let groups: Vec<Value> = api
        .get("/api/v1/groups")
        .await?
        .as_array()
        .cloned()
        .unwrap_or_default();
    let code_id = |code: &str| {
        groups
            .iter()
            .find(|g| g["external_id"] == code)
            .and_then(|g| g["id"].as_i64())
    };
    let intervals: Vec<Value> = forecast(grid, day)
        .into_iter()
        .filter_map(|p| {
            let id = code_id(p.group)?;
            Some(json!({"group_id": id, "start": p.start, "calls": p.calls,
                         "aht_seconds": p.aht_seconds, "acd_percent": 92.0}))
        })
        .collect();
    api.put("/api/v1/plan/forecast", json!({"intervals": intervals}))
        .await?;

    let agents: Vec<Value> = api
        .get("/api/v1/agents")
        .await?
        .as_array()
        .cloned()
        .unwrap_or_default();
    let site_agents: Vec<&Value> = agents.iter().filter(|a| a["site_id"] == site_id).collect();
    let segments: Vec<Value> = shifts(grid, day)
        .into_iter()
        .filter_map(|p| {
            let a = site_agents.get(p.operator)?;
            let group = (p.activity == "line").then(|| a["primary_group_id"].clone());
            Some(json!({"agent_id": a["id"], "start": p.start, "end": p.end,
                         "activity": p.activity, "group_id": group}))
        })
        .collect();
    api.put("/api/v1/plan/timetable", json!({"segments": segments}))
        .await?;
    Ok(())
}

/// The local time at `now` in `grid`'s zone, `HH:MM`.
pub fn local_time(grid: &IntervalGrid, now: DateTime<Utc>) -> String {
    let local = now.with_timezone(&grid.tz());
    format!("{:02}:{:02}", local.hour(), local.minute())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_day_has_a_morning_peak_a_lunch_dip_and_quiet_nights() {
        assert!(intraday_shape(3.0) < 0.05);
        assert!(intraday_shape(10.5) > 0.95);
        assert!(intraday_shape(13.0) < intraday_shape(15.5));
        assert!(intraday_shape(15.5) < intraday_shape(10.5));
    }

    #[test]
    fn the_demos_1c_zup_holds_its_operators_groups_and_services() {
        let sim = crate::sim::demo::registry::simulator(chrono_tz::Europe::Moscow);
        let departments = sim.departments();
        let name_of = |id: &str| {
            departments
                .iter()
                .find(|d| d.id == id)
                .map(|d| d.name.as_str())
                .unwrap()
        };
        // Services at the top, each group below its service: what a sync maps onto WFM.
        let tops: Vec<&str> = departments
            .iter()
            .filter(|d| d.parent_id.is_none())
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(tops, SERVICES);
        for (_, name, service, _, _) in GROUPS {
            let d = departments.iter().find(|d| d.name == name).unwrap();
            assert_eq!(name_of(d.parent_id.as_deref().unwrap()), SERVICES[service]);
        }
        assert_eq!(departments.len(), SERVICES.len() + GROUPS.len());
        // Every operator the demo creates is an employee working today, with the same
        // personnel number, login and name, in the department of their primary group.
        let employees = sim.employees();
        assert_eq!(employees.len(), OPERATORS);
        let groups: Vec<i64> = (1..=GROUPS.len() as i64).map(|i| 100 + i).collect();
        for n in 0..OPERATORS {
            let agent = operator(n, 1, &groups);
            let e = employees
                .iter()
                .find(|e| agent["personnel_number"] == e.tab_n)
                .unwrap_or_else(|| panic!("no employee for {agent}"));
            assert_eq!(agent["external_id"], e.login.clone().unwrap());
            assert_eq!(agent["full_name"], e.full_name());
            let primary = agent["primary_group_id"].as_i64().unwrap();
            let group = GROUPS[groups.iter().position(|&g| g == primary).unwrap()];
            assert_eq!(name_of(&e.department_id), group.1);
            assert!(e.active_on(sim.today()));
        }
    }

    #[test]
    fn shifts_cover_the_day_and_fit_on_the_grid() {
        for n in 0..OPERATORS {
            let (start, plan) = shift_of(n);
            assert_eq!(start % 15, 0);
            assert!(plan.windows(2).all(|w| w[0].1 == w[1].0), "contiguous");
            assert!(plan.iter().all(|(a, b, _)| a % 15 == 0 && b % 15 == 0));
        }
    }

    /// Operators of each group on line at `t`, by the group's position.
    fn on_line(parts: &[ShiftPart], t: DateTime<Utc>) -> [usize; 5] {
        let mut per_group = [0; 5];
        for p in parts {
            if p.activity == "line" && p.start <= t && t < p.end {
                per_group[p.operator % GROUPS.len()] += 1;
            }
        }
        per_group
    }

    #[test]
    fn whenever_the_demo_starts_operators_are_on_line_and_calls_are_forecast() {
        let day = Utc.with_ymd_and_hms(2026, 3, 14, 0, 0, 0).unwrap();
        let mut failures = Vec::new();
        for hour in 0..24 {
            for minute in [0, 25, 59] {
                let now = day + Duration::minutes(hour * 60 + minute);
                let zone = site_zone(now);
                let grid = site_grid(now).unwrap();
                let local_day = grid.local_date(now);
                let online = on_line(&shifts(&grid, local_day), now);
                let calls: Vec<f64> = forecast(&grid, local_day)
                    .iter()
                    .filter(|p| p.start <= now && now < p.end)
                    .map(|p| p.calls)
                    .collect();
                let busy = online.iter().all(|&n| n >= 3)
                    && online.iter().sum::<usize>() >= 30
                    && calls.len() == GROUPS.len()
                    && calls.iter().all(|&c| c >= 1.0);
                if !busy {
                    failures.push(format!(
                        "{now} ({zone}, {} there): on line per group {online:?}, calls {calls:?}",
                        local_time(&grid, now)
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "not busy at:\n{}", failures.join("\n"));
    }
}

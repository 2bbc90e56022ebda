//! The demo contact center: one site, two services, five groups, 100 operators with
//! skills, today's forecast with a realistic intraday shape and a timetable of staggered
//! shifts with breaks and lunch. Deterministic; set up through the public API.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::{Value, json};
use wfm_core::interval::IntervalGrid;

use super::client::Api;

/// The demo site's name; a second `demo` start reuses the site it finds by this name.
pub const SITE_NAME: &str = "Demo contact center";

/// (code, name, service index, peak calls per 15 minutes, AHT seconds)
const GROUPS: [(&str, &str, usize, f64, f64); 5] = [
    ("SALES", "Sales line", 0, 34.0, 210.0),
    ("RETENTION", "Retention", 0, 16.0, 330.0),
    ("SUPPORT", "Technical support", 1, 40.0, 270.0),
    ("BILLING", "Billing", 1, 24.0, 180.0),
    ("VIP", "Priority customers", 1, 8.0, 300.0),
];

const OPERATORS: usize = 100;

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

/// Creates the demo structure and today's plan unless the site exists already.
pub async fn set_up(api: &Api, grid: &IntervalGrid, today: NaiveDate) -> Result<(), String> {
    let sites = api.get("/api/v1/sites").await?;
    let existing = sites
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["name"] == SITE_NAME);
    let site_id = match existing {
        Some(s) => s["id"].as_i64().unwrap_or_default(),
        None => create_structure(api).await?,
    };
    upload_plan(api, site_id, grid, today).await
}

async fn create_structure(api: &Api) -> Result<i64, String> {
    let site = api
        .post(
            "/api/v1/sites",
            json!({"name": SITE_NAME, "time_zone": "Europe/Moscow", "interval_minutes": 15}),
        )
        .await?;
    let site_id = site["id"].as_i64().unwrap_or_default();
    let mut services = Vec::new();
    for name in ["Sales", "Service"] {
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
        let primary = groups[n % groups.len()];
        let second = groups[(n + 2) % groups.len()];
        api.post(
            "/api/v1/agents",
            json!({"external_id": format!("op{:03}", n + 1), "full_name": format!("Operator {:03}", n + 1),
                   "personnel_number": format!("{:05}", 10_000 + n), "site_id": site_id,
                   "primary_group_id": primary,
                   "skills": [{"group_id": primary, "priority": 1}, {"group_id": second, "priority": 2}]}),
        )
        .await?;
    }
    Ok(site_id)
}

async fn upload_plan(
    api: &Api,
    site_id: i64,
    grid: &IntervalGrid,
    today: NaiveDate,
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
    let mut intervals = Vec::new();
    let day_start = grid.day_start(today);
    for (code, _, _, peak, aht) in GROUPS {
        let Some(id) = code_id(code) else { continue };
        for i in grid.intervals(today) {
            let hour = (i.start - day_start).num_minutes() as f64 / 60.0 + 0.125;
            let calls = (peak * intraday_shape(hour) * 10.0).round() / 10.0;
            intervals.push(json!({"group_id": id, "start": i.start, "calls": calls, "aht_seconds": aht, "acd_percent": 92.0}));
        }
    }
    api.put("/api/v1/plan/forecast", json!({"intervals": intervals}))
        .await?;

    let agents: Vec<Value> = api
        .get("/api/v1/agents")
        .await?
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut segments = Vec::new();
    for (n, a) in agents
        .iter()
        .filter(|a| a["site_id"] == site_id)
        .enumerate()
    {
        let (start, plan) = shift_of(n);
        for (from, to, activity) in plan {
            let at = |m: i64| -> DateTime<Utc> { day_start + Duration::minutes(start + m) };
            let group = (activity == "line").then(|| a["primary_group_id"].clone());
            segments.push(json!({"agent_id": a["id"], "start": at(from), "end": at(to), "activity": activity, "group_id": group}));
        }
    }
    api.put("/api/v1/plan/timetable", json!({"segments": segments}))
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_has_a_morning_peak_a_lunch_dip_and_quiet_nights() {
        assert!(intraday_shape(3.0) < 0.05);
        assert!(intraday_shape(10.5) > 0.95);
        assert!(intraday_shape(13.0) < intraday_shape(15.5));
        assert!(intraday_shape(15.5) < intraday_shape(10.5));
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
}

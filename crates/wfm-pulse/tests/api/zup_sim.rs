//! The 1C ZUP simulator over real HTTP on an ephemeral port: each contract method's answers
//! by the documented rules, the documented error texts, the drill behaviour and controls.

use std::time::Duration;

use chrono::{Datelike, Months, NaiveDate};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use wfm_core::zup::calendar::ProductionCalendar;
use wfm_pulse::integrations::zup::contract::{
    END_BEFORE_START, SCHEDULES_CREATED, employee_not_found, invalid_date, required_missing,
};
use wfm_pulse::sim::zup::{Hire, ZupSim, ZupSimConfig};

struct Sim {
    sim: ZupSim,
    root: String,
    base: String,
    client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<std::io::Result<()>>>,
}

impl Sim {
    async fn start(config: ZupSimConfig) -> Sim {
        let sim = ZupSim::new(config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let root = format!("http://{}", listener.local_addr().unwrap());
        let base = format!("{root}{}", sim.base_path());
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(sim.clone().serve(listener, async {
            let _ = rx.await;
        }));
        Sim {
            sim,
            root,
            base,
            client: reqwest::Client::new(),
            stop: Some(tx),
            handle: Some(handle),
        }
    }

    async fn small() -> Sim {
        Sim::start(ZupSimConfig {
            employees: 20,
            departments: 5,
            ..ZupSimConfig::default()
        })
        .await
    }

    /// A contract method, as the integration user.
    async fn post(&self, method: &str, body: Value) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}/{method}", self.base))
            .basic_auth("WFMSystem", Some("wfm-sim"))
            .json(&body)
            .send()
            .await
            .unwrap();
        read(response).await
    }

    async fn agents(&self, start: &str, end: &str) -> (u16, Value) {
        let response = self
            .client
            .get(format!("{}/agents/{start}/{end}", self.base))
            .basic_auth("WFMSystem", Some("wfm-sim"))
            .send()
            .await
            .unwrap();
        read(response).await
    }

    /// A drill control (no auth).
    async fn control(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self.client.request(method, format!("{}{path}", self.root));
        if let Some(b) = body {
            request = request.json(&b);
        }
        read(request.send().await.unwrap()).await
    }

    fn hire(&self, startwork: NaiveDate) -> String {
        self.sim
            .hire(Hire {
                startwork: Some(startwork),
                ..Hire::default()
            })
            .unwrap()
            .id
    }

    /// The current year's calendar, loaded when wfm-pulse ships none for it.
    fn ensure_calendar(&self) {
        let year = self.sim.today().year();
        if !self.sim.calendar_years().contains(&year) {
            let xml = format!("<calendar year=\"{year}\"><days></days></calendar>");
            self.sim
                .add_calendar(ProductionCalendar::parse_xml(&xml).unwrap());
        }
    }

    async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            h.await.unwrap().unwrap();
        }
    }
}

/// Status and body: JSON, a string when not JSON, Null when empty.
async fn read(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn month_start(today: NaiveDate) -> NaiveDate {
    today.with_day(1).unwrap()
}

fn month_end(today: NaiveDate) -> NaiveDate {
    month_start(today)
        .checked_add_months(Months::new(1))
        .unwrap()
        .pred_opt()
        .unwrap()
}

/// Periods in the system, a quarter hour each, from a local time for `hours`.
fn presence(from: &str, hours: i64) -> Value {
    let start = chrono::NaiveDateTime::parse_from_str(from, "%Y-%m-%dT%H:%M:%S").unwrap();
    (0..hours * 4)
        .map(|i| {
            let t = start + chrono::TimeDelta::minutes(15 * i);
            json!({"start": t.format("%Y-%m-%dT%H:%M:%S").to_string(), "time": 900_000})
        })
        .collect()
}

/// Plans one day shift of `hours` from 09:00 on `day` (in the current month).
async fn plan(sim: &Sim, agent: &str, day: NaiveDate, hours: i64) {
    let today = sim.sim.today();
    let (status, body) = sim
        .post(
            "sendSchedule",
            json!({"agentId": agent, "period1": month_start(today).to_string(),
                   "period2": month_end(today).to_string(),
                   "shift": [{"date_start": format!("{day}T09:00:00"),
                              "daily_hours": hours * 3_600_000, "night_hours": 0}]}),
        )
        .await;
    assert_eq!((status, &body["result"]), (200, &json!("true")), "{body}");
}

mod drills;
mod personnel;
mod schedules;
mod timesheet;

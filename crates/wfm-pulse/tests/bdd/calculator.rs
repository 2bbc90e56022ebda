//! Steps about the Erlang C staffing calculator.

use cucumber::{then, when};
use reqwest::Method;
use serde_json::json;

use crate::Pulse;

#[when(
    regex = r"^I size (\d+) calls in (\d+) minutes with an AHT of (\d+) seconds for (\d+)/(\d+)(?: with (\d+)% shrinkage and occupancy at most (\d+)%)?$"
)]
// One argument per capture of the step's sentence.
#[allow(clippy::too_many_arguments)]
async fn size(
    w: &mut Pulse,
    calls: f64,
    minutes: f64,
    aht: f64,
    percent: f64,
    seconds: f64,
    shrinkage: String,
    occupancy: String,
) {
    let mut body = json!({
        "calls": calls,
        "interval_seconds": minutes * 60.0,
        "aht_seconds": aht,
        "target_percent": percent,
        "target_seconds": seconds,
    });
    if !shrinkage.is_empty() {
        body["shrinkage"] = json!(shrinkage.parse::<f64>().unwrap() / 100.0);
        body["max_occupancy"] = json!(occupancy.parse::<f64>().unwrap() / 100.0);
    }
    w.send(Method::POST, "/api/v1/staffing/erlang-c", Some(body))
        .await;
}

fn required(w: &Pulse, field: &str) -> f64 {
    assert_eq!(w.last.0, 200, "{}", w.last.1);
    w.last.1["required"][field].as_f64().unwrap()
}

#[then(expr = "{int} agents are needed on line")]
fn agents(w: &mut Pulse, n: u32) {
    assert_eq!(required(w, "agents"), f64::from(n));
}

#[then(expr = "{int} must be scheduled")]
fn scheduled(w: &mut Pulse, n: u32) {
    assert_eq!(required(w, "scheduled"), f64::from(n));
}

#[then(expr = "they answer {float}% of calls within target")]
fn service_level(w: &mut Pulse, percent: f64) {
    let shown = (required(w, "service_level") * 1000.0).round() / 10.0;
    assert_eq!(shown, percent);
}

#[then(expr = "the average speed of answer is {float} seconds")]
fn asa(w: &mut Pulse, seconds: f64) {
    let shown = (required(w, "asa_seconds") * 10.0).round() / 10.0;
    assert_eq!(shown, seconds);
}

#[then(expr = "their occupancy is {float}%")]
fn occupancy(w: &mut Pulse, percent: f64) {
    let shown = (required(w, "occupancy") * 1000.0).round() / 10.0;
    assert_eq!(shown, percent);
}

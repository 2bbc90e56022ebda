//! The staffing calculator analysts use (CLI `erlang` and `POST /api/v1/staffing/erlang-c`):
//! one request in, the requirement and a table of nearby agent counts out.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wfm_core::erlang::{
    self, ErlangError, Load, Performance, ServiceTarget, Staffing, StaffingRequest,
};

/// What to staff for, in the analyst's terms.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalculatorInput {
    /// Calls offered in the interval.
    pub calls: f64,
    /// Interval length in seconds (e.g. 1800 for 30 minutes).
    pub interval_seconds: f64,
    /// Average handle time in seconds.
    pub aht_seconds: f64,
    /// Service level: `target_percent` % answered within `target_seconds` (default 80/20).
    #[serde(default = "default_target_seconds")]
    pub target_seconds: f64,
    #[serde(default = "default_target_percent")]
    pub target_percent: f64,
    /// Highest occupancy to plan for, (0, 1]; default 1 (no cap).
    #[serde(default = "default_max_occupancy")]
    pub max_occupancy: f64,
    /// Share of paid time off the line, [0, 1); default 0.
    #[serde(default)]
    pub shrinkage: f64,
    /// Also report the performance of exactly this many agents.
    #[serde(default)]
    pub agents: Option<u32>,
}

fn default_target_seconds() -> f64 {
    20.0
}
fn default_target_percent() -> f64 {
    80.0
}
fn default_max_occupancy() -> f64 {
    1.0
}

/// The answer: the requirement, the asked-for agent count, and the neighbourhood.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CalculatorReport {
    pub input: CalculatorInput,
    pub traffic_erlangs: f64,
    #[schema(value_type = Object)]
    pub required: Staffing,
    #[schema(value_type = Option<Object>)]
    pub with_agents: Option<Performance>,
    /// Performance from a few agents below the requirement to a few above.
    #[schema(value_type = Vec<Object>)]
    pub table: Vec<Performance>,
}

impl CalculatorInput {
    fn request(&self) -> StaffingRequest {
        StaffingRequest {
            load: Load {
                calls: self.calls,
                interval_seconds: self.interval_seconds,
                aht_seconds: self.aht_seconds,
            },
            target: ServiceTarget {
                answer_within_seconds: self.target_seconds,
                percent: self.target_percent,
            },
            max_occupancy: self.max_occupancy,
            shrinkage: self.shrinkage,
        }
    }
}

/// Computes the report; errors name the input field at fault.
pub fn calculate(input: &CalculatorInput) -> Result<CalculatorReport, (String, String)> {
    let req = input.request();
    let field = |e: ErlangError| {
        let name = match e.field() {
            Some("load.calls") => "calls",
            Some("load.interval_seconds") => "interval_seconds",
            Some("load.aht_seconds") => "aht_seconds",
            Some("target.answer_within_seconds") | Some("target_seconds") => "target_seconds",
            Some("target.percent") => "target_percent",
            Some(other) => other,
            None => "calls",
        };
        (name.to_string(), e.to_string())
    };
    let required = erlang::required_agents(&req).map_err(field)?;
    let perf = |n: u32| erlang::performance(&req.load, n, input.target_seconds).map_err(field);
    let with_agents = input.agents.map(perf).transpose()?;
    let low = required.agents.saturating_sub(3).max(1);
    let table = (low..=required.agents + 3)
        .map(perf)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CalculatorReport {
        input: *input,
        traffic_erlangs: required.traffic_erlangs,
        required,
        with_agents,
        table,
    })
}

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

fn asa(p: Option<f64>) -> String {
    p.map_or("unbounded".into(), |s| format!("{s:.1} s"))
}

/// The report as a readable table.
pub fn render(r: &CalculatorReport) -> String {
    let i = &r.input;
    let q = &r.required;
    let mut out = format!(
        "Load            {} calls in {} min, AHT {} s = {:.3} Erlangs\n\
         Target          {}% answered within {} s",
        i.calls,
        i.interval_seconds / 60.0,
        i.aht_seconds,
        r.traffic_erlangs,
        i.target_percent,
        i.target_seconds,
    );
    if i.max_occupancy < 1.0 {
        out += &format!(", occupancy at most {}", percent(i.max_occupancy));
    }
    out += &format!(
        "\n\nRequired agents {}   (unrounded {:.2})\n\
         Service level   {}\nASA             {}\nOccupancy       {}\nWait probability {}\n\
         Scheduled       {}   (unrounded {:.2}, shrinkage {})\n",
        q.agents,
        q.agents_unrounded,
        percent(q.service_level),
        asa(q.asa_seconds),
        percent(q.occupancy),
        percent(q.wait_probability),
        q.scheduled,
        q.scheduled_unrounded,
        percent(i.shrinkage),
    );
    if let Some(p) = &r.with_agents {
        out += &format!(
            "\nWith {} agents: service level {}, ASA {}, occupancy {}\n",
            p.agents,
            percent(p.service_level),
            asa(p.asa_seconds),
            percent(p.occupancy)
        );
    }
    out += "\n  agents  service level        ASA  occupancy  wait prob.\n";
    for p in &r.table {
        let mark = if p.agents == q.agents { ">" } else { " " };
        out += &format!(
            "{mark} {:>6}  {:>13}  {:>9}  {:>9}  {:>10}\n",
            p.agents,
            percent(p.service_level),
            asa(p.asa_seconds),
            percent(p.occupancy),
            percent(p.wait_probability)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn design_case() -> CalculatorInput {
        CalculatorInput {
            calls: 100.0,
            interval_seconds: 1800.0,
            aht_seconds: 180.0,
            target_seconds: 20.0,
            target_percent: 80.0,
            max_occupancy: 1.0,
            shrinkage: 0.0,
            agents: None,
        }
    }

    #[test]
    fn the_design_worked_check() {
        let r = calculate(&design_case()).unwrap();
        assert_eq!(r.required.agents, 14);
        let text = render(&r);
        assert!(text.contains("Required agents 14"), "{text}");
        assert!(text.contains("Service level   88.8%"), "{text}");
        assert!(text.contains("ASA             7.8 s"), "{text}");
        assert!(text.contains("Occupancy       71.4%"), "{text}");

        let r = calculate(&CalculatorInput {
            shrinkage: 0.3,
            max_occupancy: 0.85,
            agents: Some(13),
            ..design_case()
        })
        .unwrap();
        assert_eq!(r.required.scheduled, 20);
        assert!((r.with_agents.unwrap().service_level - 0.7956).abs() < 5e-5);
        assert!(render(&r).contains("Scheduled       20"));
        assert_eq!(r.table.first().unwrap().agents, 11);
        assert_eq!(r.table.last().unwrap().agents, 17);
    }

    #[test]
    fn errors_name_the_input_field() {
        let bad = CalculatorInput {
            target_percent: 100.0,
            ..design_case()
        };
        assert_eq!(calculate(&bad).unwrap_err().0, "target_percent");
        let bad = CalculatorInput {
            calls: -1.0,
            ..design_case()
        };
        assert_eq!(calculate(&bad).unwrap_err().0, "calls");
        let bad = CalculatorInput {
            shrinkage: 1.0,
            ..design_case()
        };
        assert_eq!(calculate(&bad).unwrap_err().0, "shrinkage");
    }
}

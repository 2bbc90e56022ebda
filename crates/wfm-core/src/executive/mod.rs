//! The executive view over every group of every site: aggregates for the whole operation
//! and per service from the groups' summed counts, group importance and the order groups
//! are shown in, benchmarking (ranks by service-level attainment, schedule adherence and
//! forecast accuracy), and operator moves from surplus to shortage groups.

mod aggregate;
mod benchmark;
mod reallocation;

#[cfg(test)]
mod tests;

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::event::GroupId;
use crate::live::Figures;
use crate::threshold::Color;

pub use aggregate::{Aggregate, aggregate};
pub use benchmark::{Benchmark, benchmarks, forecast_accuracy, ranks};
pub use reallocation::{Reallocation, reallocations};

/// How much a group matters to the business; shortage groups that matter more get
/// operators first, and the dashboard lists them first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Importance {
    /// Served before everything else.
    Critical,
    /// Served before normal groups.
    High,
    /// The default.
    #[default]
    Normal,
    /// Served last; gives operators first.
    Low,
}

impl Importance {
    /// Every level, most important first.
    pub const ALL: [Importance; 4] = [
        Importance::Critical,
        Importance::High,
        Importance::Normal,
        Importance::Low,
    ];

    /// The snake_case name used in the API and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Importance::Critical => "critical",
            Importance::High => "high",
            Importance::Normal => "normal",
            Importance::Low => "low",
        }
    }

    /// The level named `name`, if any.
    pub fn parse(name: &str) -> Option<Importance> {
        Importance::ALL.into_iter().find(|i| i.as_str() == name)
    }
}

impl fmt::Display for Importance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How alarming a color is: red, then yellow, then grey (unknown), then green.
fn alarm(color: Color) -> u8 {
    match color {
        Color::Red => 3,
        Color::Yellow => 2,
        Color::Grey => 1,
        Color::Green => 0,
    }
}

/// The worst color among a group's indicators, and how many indicators show it.
pub fn worst_color(figures: &Figures) -> (Color, usize) {
    let worst = figures
        .indicators
        .iter()
        .map(|i| i.color)
        .max_by_key(|c| alarm(*c))
        .unwrap_or(Color::Grey);
    let count = figures
        .indicators
        .iter()
        .filter(|i| i.color == worst)
        .count();
    (worst, count)
}

/// The dashboard order of two groups: the more important first, then the worse
/// worst color, then the more indicators in that color, then by group id.
pub fn attention_order(
    a: (Importance, GroupId, &Figures),
    b: (Importance, GroupId, &Figures),
) -> Ordering {
    let (color_a, many_a) = worst_color(a.2);
    let (color_b, many_b) = worst_color(b.2);
    a.0.cmp(&b.0)
        .then(alarm(color_b).cmp(&alarm(color_a)))
        .then(many_b.cmp(&many_a))
        .then(a.1.cmp(&b.1))
}

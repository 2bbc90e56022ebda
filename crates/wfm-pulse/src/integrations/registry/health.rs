//! The health policy of an integration system in the registry: when it counts as degraded
//! or down, how often 1C ZUP is probed, and when a consistency check halts automatic
//! synchronization.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Integration health thresholds (the monitoring scenario's by default): no data (a feed)
/// or no answer (1C ZUP) for 1 minute is degraded and for 2 minutes down; events arriving
/// more than 5 minutes after they happened are a feed delay; under 50 % of the expected
/// status updates in a minute, or under 95 % successful, is degraded. 1C ZUP is probed every
/// 30 s; a consistency check with more than 5 % of the employees differing, or a personnel
/// number held twice, halts automatic synchronization.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct HealthPolicy {
    #[schema(minimum = 1000, maximum = 86400000)]
    pub degraded_after_ms: u64,
    #[schema(minimum = 1000, maximum = 86400000)]
    pub down_after_ms: u64,
    #[schema(minimum = 1000, maximum = 86400000)]
    pub max_delay_ms: u64,
    #[schema(minimum = 0, maximum = 100)]
    pub min_update_percent: f64,
    #[schema(minimum = 0, maximum = 100)]
    pub min_success_percent: f64,
    /// The window update rates are counted over; the 15 windows before it give the
    /// expected rate.
    #[schema(minimum = 1000, maximum = 225000)]
    pub rate_window_ms: u64,
    /// How often 1C ZUP is asked whether it answers (1C ZUP only).
    #[schema(minimum = 200, maximum = 3600000)]
    pub probe_every_ms: u64,
    #[schema(minimum = 0, maximum = 100)]
    pub max_discrepancy_percent: f64,
    pub halt_on_duplicate_tab_n: bool,
}

impl Default for HealthPolicy {
    fn default() -> Self {
        HealthPolicy {
            degraded_after_ms: 60_000,
            down_after_ms: 120_000,
            max_delay_ms: 300_000,
            min_update_percent: 50.0,
            min_success_percent: 95.0,
            rate_window_ms: 60_000,
            probe_every_ms: 30_000,
            max_discrepancy_percent: 5.0,
            halt_on_duplicate_tab_n: true,
        }
    }
}

fn millis(ms: u64) -> chrono::TimeDelta {
    chrono::TimeDelta::milliseconds(i64::try_from(ms).unwrap_or(i64::MAX))
}

impl HealthPolicy {
    /// The thresholds of the health rules.
    pub fn thresholds(&self) -> wfm_core::health::Thresholds {
        wfm_core::health::Thresholds {
            degraded_after: millis(self.degraded_after_ms),
            down_after: millis(self.down_after_ms),
            max_delay: millis(self.max_delay_ms),
            min_update_ratio: self.min_update_percent / 100.0,
            min_success_ratio: self.min_success_percent / 100.0,
            rate_window: millis(self.rate_window_ms),
            ..wfm_core::health::Thresholds::default()
        }
    }

    /// When a consistency check is corruption.
    pub fn consistency(&self) -> wfm_core::quality::ConsistencyPolicy {
        wfm_core::quality::ConsistencyPolicy {
            max_discrepancy_percent: self.max_discrepancy_percent,
            halt_on_duplicate_tab_n: self.halt_on_duplicate_tab_n,
        }
    }

    pub(super) fn validate(&self, check: &mut impl FnMut(bool, String, &str)) {
        const DAY: u64 = 86_400_000;
        check(
            (1_000..=DAY).contains(&self.degraded_after_ms),
            "health.degraded_after_ms".into(),
            "must be from 1000 to 86400000",
        );
        check(
            self.down_after_ms >= self.degraded_after_ms && self.down_after_ms <= DAY,
            "health.down_after_ms".into(),
            "must be at least degraded_after_ms and at most 86400000",
        );
        check(
            (1_000..=DAY).contains(&self.max_delay_ms),
            "health.max_delay_ms".into(),
            "must be from 1000 to 86400000",
        );
        for (field, v) in [
            ("health.min_update_percent", self.min_update_percent),
            ("health.min_success_percent", self.min_success_percent),
            (
                "health.max_discrepancy_percent",
                self.max_discrepancy_percent,
            ),
        ] {
            check(
                (0.0..=100.0).contains(&v),
                field.into(),
                "must be from 0 to 100",
            );
        }
        // The history kept (an hour) must hold the window and the 15 before it.
        check(
            (1_000..=225_000).contains(&self.rate_window_ms),
            "health.rate_window_ms".into(),
            "must be from 1000 to 225000",
        );
        check(
            (200..=3_600_000).contains(&self.probe_every_ms),
            "health.probe_every_ms".into(),
            "must be from 200 to 3600000",
        );
    }
}

//! The alert state machine: from readings of each rule for each scope at given instants,
//! when an alert fires (once the breach has held), escalates (by the rule's ladder until
//! acknowledged) and resolves (once the figure has been clear long enough, by a margin).
//! Time is an input; nothing here reads a clock.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::metric;
use super::rule::{Comparison, RuleDefinition, Trigger};
use crate::health::{Component, ComponentSignal};
use crate::live::Figures;

/// What an alert is about: one group, a whole site (for site figures), or an integration
/// component (for component figures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertScope {
    /// A group, by id.
    Group(i64),
    /// A site, by id.
    Site(i64),
    /// An integration component.
    Component(Component),
}

impl AlertScope {
    /// The scope as the store keys it: `group:3`, `site:1`, `component:call_events`.
    pub fn key(&self) -> String {
        match self {
            AlertScope::Group(id) => format!("group:{id}"),
            AlertScope::Site(id) => format!("site:{id}"),
            AlertScope::Component(c) => format!("component:{}", c.as_str()),
        }
    }

    /// The scope of a [`AlertScope::key`]; `None` for anything else, including
    /// non-canonical numbers such as `group:+3` or `group:03`.
    pub fn parse(s: &str) -> Option<Self> {
        let (kind, id) = s.split_once(':')?;
        let scope = match kind {
            "group" => AlertScope::Group(id.parse().ok()?),
            "site" => AlertScope::Site(id.parse().ok()?),
            "component" => AlertScope::Component(Component::parse(id)?),
            _ => return None,
        };
        (scope.key() == s).then_some(scope)
    }

    /// The group, for a group scope.
    pub fn group_id(&self) -> Option<i64> {
        match self {
            AlertScope::Group(id) => Some(*id),
            AlertScope::Site(_) | AlertScope::Component(_) => None,
        }
    }
}

/// A reading of one rule for one scope at one instant: the watched figure or the
/// prediction; None when undefined (counts as clear).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    pub rule_id: i64,
    pub scope: AlertScope,
    pub value: Option<f64>,
}

/// Threshold rules' observations from the figures: group figures for group metrics (only
/// the rule's groups when it lists any), site figures for site metrics. Predictive and
/// disabled rules give none.
pub fn observe(
    rules: &[(i64, &RuleDefinition)],
    groups: &[(i64, &Figures)],
    sites: &[(i64, &Figures)],
) -> Vec<Observation> {
    let mut observations = Vec::new();
    for &(rule_id, rule) in rules {
        let Trigger::Threshold { metric, .. } = rule.trigger else {
            continue;
        };
        if !rule.enabled || metric.is_component_figure() {
            continue;
        }
        let reading = |scope, figures| Observation {
            rule_id,
            scope,
            value: metric::value(figures, metric),
        };
        if metric.is_site_figure() {
            for &(site, figures) in sites {
                observations.push(reading(AlertScope::Site(site), figures));
            }
        } else {
            for &(group, figures) in groups {
                if rule.groups.is_empty() || rule.groups.contains(&group) {
                    observations.push(reading(AlertScope::Group(group), figures));
                }
            }
        }
    }
    observations
}

/// Threshold rules' observations of component figures, one per rule and component.
/// Other and disabled rules give none.
pub fn observe_components(
    rules: &[(i64, &RuleDefinition)],
    components: &[ComponentSignal],
) -> Vec<Observation> {
    let mut observations = Vec::new();
    for &(rule_id, rule) in rules {
        let Trigger::Threshold { metric, .. } = rule.trigger else {
            continue;
        };
        if !rule.enabled || !metric.is_component_figure() {
            continue;
        }
        for signal in components {
            observations.push(Observation {
                rule_id,
                scope: AlertScope::Component(signal.component),
                value: metric::component_value(signal, metric),
            });
        }
    }
    observations
}

/// What a step of the evaluator decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// The breach has held for the rule's for_seconds: open an alert (once per rule and
    /// scope).
    Fire {
        rule_id: i64,
        scope: AlertScope,
        at: DateTime<Utc>,
        value: f64,
        threshold: f64,
    },
    /// An open, unacknowledged alert has been open long enough for `level` (one Change per
    /// level crossed, in order; levels due at 0 minutes come right after Fire in the same
    /// step).
    Escalate {
        rule_id: i64,
        scope: AlertScope,
        level: u32,
        at: DateTime<Utc>,
    },
    /// Clear for clear_seconds (by clear_margin beyond the threshold): resolve. Also when
    /// the rule is gone or disabled.
    Resolve {
        rule_id: i64,
        scope: AlertScope,
        at: DateTime<Utc>,
        value: Option<f64>,
    },
}

/// An open alert as the evaluator tracks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenAlert {
    pub fired_at: DateTime<Utc>,
    pub acknowledged: bool,
    /// The highest escalation level notified so far; 0 before any.
    pub level: u32,
}

/// Where a reading stands against a rule's threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Standing {
    /// Strictly beyond the threshold, on the comparison's side.
    Breach(f64),
    /// Undefined, or back past the threshold by the clear margin.
    Clear,
    /// Not a breach, but within the clear margin of the threshold.
    Margin,
}

fn standing(rule: &RuleDefinition, value: Option<f64>) -> Standing {
    let (comparison, threshold) = rule.trigger.breach();
    // An invalid margin is no margin, rather than one that never clears.
    let margin = if rule.clear_margin.is_finite() {
        rule.clear_margin.max(0.0)
    } else {
        0.0
    };
    let Some(value) = value.filter(|v| v.is_finite()) else {
        return Standing::Clear;
    };
    let (breach, clear) = match comparison {
        Comparison::Below => (value < threshold, value >= threshold + margin),
        Comparison::Above => (value > threshold, value <= threshold - margin),
    };
    if breach {
        Standing::Breach(value)
    } else if clear {
        Standing::Clear
    } else {
        Standing::Margin
    }
}

/// Whether a condition that began at `since` has held for `seconds` at `now`.
fn held(since: DateTime<Utc>, now: DateTime<Utc>, seconds: u32) -> bool {
    TimeDelta::try_seconds(i64::from(seconds))
        .is_some_and(|hold| now.signed_duration_since(since) >= hold)
}

/// When a level `after_minutes` past `fired_at` is due; `None` past the calendar's end.
fn due(fired_at: DateTime<Utc>, after_minutes: u32) -> Option<DateTime<Utc>> {
    TimeDelta::try_minutes(i64::from(after_minutes)).and_then(|d| fired_at.checked_add_signed(d))
}

/// The ladder's (level, after_minutes), by level.
fn rungs(rule: &RuleDefinition) -> Vec<(u32, u32)> {
    let mut rungs: Vec<(u32, u32)> = rule
        .escalation
        .iter()
        .map(|rung| (rung.level, rung.after_minutes))
        .collect();
    rungs.sort_unstable();
    rungs
}

/// Whether `rule` watches `scope`: group scopes for group metrics among its groups, site
/// scopes for site metrics, component scopes for component metrics; predictions may be of
/// a group or a site.
fn watches(rule: &RuleDefinition, scope: AlertScope) -> bool {
    let (site_figure, component_figure) = match &rule.trigger {
        Trigger::Threshold { metric, .. } => {
            (Some(metric.is_site_figure()), metric.is_component_figure())
        }
        Trigger::Predictive { .. } => (None, false),
    };
    match scope {
        AlertScope::Component(_) => component_figure,
        _ if component_figure => false,
        AlertScope::Group(group) => {
            site_figure != Some(true) && (rule.groups.is_empty() || rule.groups.contains(&group))
        }
        AlertScope::Site(_) => site_figure != Some(false),
    }
}

/// The evaluator's knowledge of one rule and scope.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Track {
    /// Start of the current unbroken breach, while no alert is open.
    breach_since: Option<DateTime<Utc>>,
    /// Start of the current unbroken clear, while an alert is open.
    clear_since: Option<DateTime<Utc>>,
    open: Option<OpenAlert>,
    /// Resolved by a person: no new alert before a clear reading.
    awaiting_clear: bool,
}

impl Track {
    fn is_idle(&self) -> bool {
        self.open.is_none() && self.breach_since.is_none() && !self.awaiting_clear
    }

    fn read(
        &mut self,
        (rule_id, scope): (i64, AlertScope),
        rule: &RuleDefinition,
        value: Option<f64>,
        now: DateTime<Utc>,
        changes: &mut Vec<Change>,
    ) {
        let standing = standing(rule, value);
        if self.open.is_some() {
            if standing != Standing::Clear {
                self.clear_since = None;
                return;
            }
            let since = *self.clear_since.get_or_insert(now);
            if held(since, now, rule.clear_seconds) {
                *self = Track::default();
                changes.push(Change::Resolve {
                    rule_id,
                    scope,
                    at: now,
                    value: value.filter(|v| v.is_finite()),
                });
            }
            return;
        }
        match standing {
            Standing::Breach(_) if self.awaiting_clear => {}
            Standing::Breach(value) => {
                let since = *self.breach_since.get_or_insert(now);
                if held(since, now, rule.for_seconds) {
                    *self = Track {
                        open: Some(OpenAlert {
                            fired_at: now,
                            acknowledged: false,
                            level: 0,
                        }),
                        ..Track::default()
                    };
                    changes.push(Change::Fire {
                        rule_id,
                        scope,
                        at: now,
                        value,
                        threshold: rule.trigger.breach().1,
                    });
                }
            }
            Standing::Clear => {
                self.breach_since = None;
                self.awaiting_clear = false;
            }
            Standing::Margin => self.breach_since = None,
        }
    }

    fn escalate(
        &mut self,
        (rule_id, scope): (i64, AlertScope),
        rule: &RuleDefinition,
        now: DateTime<Utc>,
        changes: &mut Vec<Change>,
    ) {
        let Some(open) = self.open.as_mut().filter(|open| !open.acknowledged) else {
            return;
        };
        for (level, after_minutes) in rungs(rule) {
            if level <= open.level {
                continue;
            }
            // Levels go out in order: none before the one below it is due.
            if due(open.fired_at, after_minutes).is_none_or(|at| at > now) {
                break;
            }
            open.level = level;
            changes.push(Change::Escalate {
                rule_id,
                scope,
                level,
                at: now,
            });
        }
    }
}

/// Fires, escalates and resolves alerts from readings given with their instant. One
/// alert at most per rule and scope.
#[derive(Debug, Clone, Default)]
pub struct Evaluator {
    tracks: BTreeMap<(i64, AlertScope), Track>,
}

impl Evaluator {
    /// An evaluator with no alerts open.
    pub fn new() -> Self {
        Evaluator::default()
    }

    /// One evaluation at `now`. Observations of rules not in `rules` are ignored. Breach =
    /// value strictly below/above the threshold per the trigger's comparison. An alert
    /// fires once the breach has held continuously for for_seconds (a breach interrupted
    /// resets the clock); while open, no second alert for the same rule and scope;
    /// escalation per the rule's ladder measured from fired_at, stopped by acknowledge;
    /// resolution after clear_seconds of continuous clear (value None, or beyond the
    /// threshold by clear_margin); a clear interrupted by a breach resets the clear clock.
    ///
    /// A reading within the clear margin (neither breach nor clear) resets both clocks.
    /// A rule and scope with no observation in a step stays as it was (its escalation
    /// still runs), unless the rule is gone, disabled or no longer watches the scope (a
    /// group taken off its list): then its alert resolves with no value. Changes come in
    /// (rule id, scope) order; of two observations of one rule and scope, the later
    /// counts.
    pub fn step(
        &mut self,
        rules: &[(i64, &RuleDefinition)],
        observations: &[Observation],
        now: DateTime<Utc>,
    ) -> Vec<Change> {
        let rules: BTreeMap<i64, &RuleDefinition> = rules
            .iter()
            .copied()
            .filter(|(_, rule)| rule.enabled)
            .collect();
        let readings: BTreeMap<(i64, AlertScope), Option<f64>> = observations
            .iter()
            .map(|o| ((o.rule_id, o.scope), o.value))
            .collect();
        let keys: BTreeSet<(i64, AlertScope)> =
            self.tracks.keys().chain(readings.keys()).copied().collect();
        let mut changes = Vec::new();
        for key in keys {
            let rule = rules
                .get(&key.0)
                .copied()
                .filter(|rule| watches(rule, key.1));
            let Some(rule) = rule else {
                if let Some(Track { open: Some(_), .. }) = self.tracks.remove(&key) {
                    changes.push(Change::Resolve {
                        rule_id: key.0,
                        scope: key.1,
                        at: now,
                        value: None,
                    });
                }
                continue;
            };
            let mut track = self.tracks.remove(&key).unwrap_or_default();
            if let Some(value) = readings.get(&key) {
                track.read(key, rule, *value, now, &mut changes);
            }
            track.escalate(key, rule, now, &mut changes);
            if !track.is_idle() {
                self.tracks.insert(key, track);
            }
        }
        changes
    }

    /// A person acknowledged: no more escalation. Unknown alerts are ignored.
    pub fn acknowledge(&mut self, rule_id: i64, scope: AlertScope) {
        if let Some(open) = self
            .tracks
            .get_mut(&(rule_id, scope))
            .and_then(|track| track.open.as_mut())
        {
            open.acknowledged = true;
        }
    }

    /// A person resolved it: closed now, and it cannot fire again for that rule and scope
    /// until the figure has been clear once (so a standing breach does not re-fire at
    /// once). Unknown alerts are ignored.
    pub fn resolve(&mut self, rule_id: i64, scope: AlertScope) {
        if let Some(track) = self.tracks.get_mut(&(rule_id, scope)) {
            if track.open.is_some() {
                *track = Track {
                    awaiting_clear: true,
                    ..Track::default()
                };
            }
        }
    }

    /// Takes up an alert that was open before a restart.
    pub fn restore(&mut self, rule_id: i64, scope: AlertScope, open: OpenAlert) {
        self.tracks.insert(
            (rule_id, scope),
            Track {
                open: Some(open),
                ..Track::default()
            },
        );
    }

    /// The open alerts now.
    pub fn open(&self) -> Vec<(i64, AlertScope, OpenAlert)> {
        self.tracks
            .iter()
            .filter_map(|(&(rule_id, scope), track)| track.open.map(|open| (rule_id, scope, open)))
            .collect()
    }
}

/// When each level of a ladder is due for an alert fired at `fired_at` (for the alert's
/// "escalation timeline"), by level.
pub fn timeline(rule: &RuleDefinition, fired_at: DateTime<Utc>) -> Vec<(u32, DateTime<Utc>)> {
    rungs(rule)
        .into_iter()
        .filter_map(|(level, after_minutes)| due(fired_at, after_minutes).map(|at| (level, at)))
        .collect()
}

#[cfg(test)]
mod tests;

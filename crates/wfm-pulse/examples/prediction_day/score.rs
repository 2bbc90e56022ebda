//! One simulated day scored: every minute each kind is predicted by the model and by the
//! naive baseline for every group; the first prediction per (kind, group, target
//! interval) is kept and, at the end of its target interval, both are scored against what
//! happened, with the lead time of each hit.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use wfm_core::alerting::predict::baseline::baseline;
use wfm_core::alerting::predict::{Forecasted, actual, actual_peak_load, predict};
use wfm_core::alerting::rule::{Comparison, PredictionKind};
use wfm_core::event::GroupId;
use wfm_core::live::{Figures, Scope};
use wfm_core::threshold::Indicator;

use super::scenario::{Day, GROUPS};

/// What is predicted: kind, lead (the low end of its range), threshold; the thresholds
/// of the installed threshold rules where there is one (SL below 70 %).
pub const RULES: [(PredictionKind, u32, f64); 4] = [
    (PredictionKind::SlBreach, 15, 70.0),
    (PredictionKind::StaffingShortfall, 60, 1.0),
    (PredictionKind::CoverageGap, 30, 1.0),
    (PredictionKind::PeakLoad, 120, 20.0),
];

/// One target scored for both sides: breach foreseen by each, the breach that happened,
/// and for a hit the minutes from the prediction to the first minute the group's live
/// figure breached (0 when it already had: the alarm told nothing new).
#[derive(Debug, Clone, Copy)]
pub struct Scored {
    pub kind: PredictionKind,
    pub model: bool,
    pub baseline: bool,
    pub actual: bool,
    pub model_lead: Option<i64>,
    pub baseline_lead: Option<i64>,
}

/// The day's scored targets and what it was.
pub struct DayRun {
    pub scored: Vec<Scored>,
    /// Targets left out: nobody planned on line for the group (night), or no baseline or
    /// no actual at the target.
    pub unstaffed: u64,
    pub unscorable: u64,
    pub offered: u64,
    /// SL today per group at the start of the day's last minute, in GROUPS order.
    pub sl_today: Vec<Option<f64>>,
}

/// A kept prediction awaiting its target's end.
struct Pending {
    model: Forecasted,
    baseline: f64,
    threshold: f64,
}

/// The live figures of a group at one minute that the leads are read from.
#[derive(Clone, Copy, Default)]
struct Live {
    sl: Option<f64>,
    gap: Option<f64>,
    window_offered: u64,
}

pub fn run(mut day: Day) -> DayRun {
    let minutes = (day.end - day.start).num_minutes() as usize;
    // Per minute of the day (1 = the first minute's end), per group.
    let mut live: Vec<Vec<Live>> = vec![vec![Live::default(); GROUPS.len()]; minutes + 1];
    type Key = (PredictionKind, GroupId, DateTime<Utc>);
    let mut seen: BTreeSet<Key> = BTreeSet::new();
    // By the end of the target interval, so the due ones come off the front.
    let mut pending: BTreeMap<(DateTime<Utc>, Key), Pending> = BTreeMap::new();
    let mut run = DayRun {
        scored: Vec::new(),
        unstaffed: 0,
        unscorable: 0,
        offered: 0,
        sl_today: Vec::new(),
    };
    let mut seq = 0;
    for minute in 1..=minutes {
        let now = day.start + Duration::minutes(minute as i64);
        run.offered += day.advance(now, &mut seq);
        let snapshot = day.center.snapshot(now);
        let groups: Vec<&Figures> = snapshot.groups.iter().collect();
        for (g, figures) in groups.iter().enumerate() {
            live[minute][g] = Live {
                sl: figures.sl_window_percent,
                gap: actual(PredictionKind::StaffingShortfall, figures),
                window_offered: figures.counts.window_offered,
            };
        }
        // The last minute of the day: at its end the next day has begun.
        if minute + 1 == minutes {
            run.sl_today = groups
                .iter()
                .map(|f| indicator(f, Indicator::ServiceLevel))
                .collect();
        }

        while let Some(entry) = pending.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let p = entry.remove();
            let f = p.model;
            let value = match f.kind {
                PredictionKind::PeakLoad => actual_peak_load(&day.center, &f),
                kind => figure_of(&groups, f.group_id).and_then(|figures| actual(kind, figures)),
            };
            let Some(value) = value else {
                run.unscorable += 1;
                continue;
            };
            let happened = breaches(f.kind, value, p.threshold);
            let model = breaches(f.kind, f.value, p.threshold);
            let naive = breaches(f.kind, p.baseline, p.threshold);
            let lead = || lead_minutes(&live, &day, &f, p.threshold, minute);
            run.scored.push(Scored {
                kind: f.kind,
                model,
                baseline: naive,
                actual: happened,
                model_lead: (model && happened).then(lead).flatten(),
                baseline_lead: (naive && happened).then(lead).flatten(),
            });
        }

        for figures in &groups {
            let Scope::Group(g) = figures.scope else {
                continue;
            };
            let deviation = indicator(figures, Indicator::LoadDeviation);
            for (kind, lead, threshold) in RULES {
                let Some(f) = predict(&day.center, g, kind, lead, now, deviation) else {
                    continue;
                };
                if !seen.insert((kind, g, f.target)) {
                    continue;
                }
                // Night targets, nobody planned, are no one's concern: alarms there are
                // left out of both sides alike.
                if day
                    .center
                    .outlook(g, f.target)
                    .is_none_or(|o| o.planned == 0)
                {
                    run.unstaffed += 1;
                    continue;
                }
                let Some(naive) = baseline(kind, figures) else {
                    run.unscorable += 1;
                    continue;
                };
                let end = day.grid.interval_at(f.target).end;
                pending.insert(
                    (end, (kind, g, f.target)),
                    Pending {
                        model: f,
                        baseline: naive,
                        threshold,
                    },
                );
            }
        }
    }
    // Targets past the day's end are not scored.
    run.unscorable += pending.len() as u64;
    run
}

/// Minutes from the prediction to the first minute (up to `upto`) at which the group's
/// live figure breached: the window SL, required - online, or for peak load the window's
/// calls over those of the interval the prediction was made in.
fn lead_minutes(
    live: &[Vec<Live>],
    day: &Day,
    f: &Forecasted,
    threshold: f64,
    upto: usize,
) -> Option<i64> {
    let minute_of = |at: DateTime<Utc>| (at - day.start).num_minutes().max(0) as usize;
    let g = usize::try_from(f.group_id - 1).ok()?;
    let made = minute_of(f.made_at);
    let then_end = minute_of(day.grid.interval_at(f.made_at).end);
    let then = live.get(then_end)?.get(g)?.window_offered;
    (made..=upto).find_map(|m| {
        let now = live.get(m)?.get(g)?;
        let value = match f.kind {
            PredictionKind::SlBreach => now.sl,
            PredictionKind::StaffingShortfall | PredictionKind::CoverageGap => now.gap,
            PredictionKind::PeakLoad => (m >= then_end && then > 0)
                .then(|| (now.window_offered as f64 / then as f64 - 1.0) * 100.0),
        }?;
        breaches(f.kind, value, threshold).then_some((m - made) as i64)
    })
}

fn figure_of<'a>(groups: &[&'a Figures], g: GroupId) -> Option<&'a Figures> {
    groups.iter().copied().find(|f| f.scope == Scope::Group(g))
}

/// Whether `value` breaches `threshold` for `kind`: below for SL, above for the others.
pub fn breaches(kind: PredictionKind, value: f64, threshold: f64) -> bool {
    match kind.comparison() {
        Comparison::Below => value < threshold,
        Comparison::Above => value > threshold,
    }
}

/// The value of `indicator` in `figures`.
fn indicator(figures: &Figures, indicator: Indicator) -> Option<f64> {
    let found = figures.indicators.iter().find(|i| i.indicator == indicator);
    found.and_then(|i| i.value)
}

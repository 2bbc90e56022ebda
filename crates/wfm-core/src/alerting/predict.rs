//! Predictions of trouble ahead for one group, and what actually happened at their
//! target: pure functions of the live center and the instant `now`, which is an input.
//!
//! A prediction made at `now` with lead L is for its target: the start of the grid
//! interval holding `now + L`. "Planned" is the timetable's line operators for the group
//! at the target (breaks and lunches excluded). The models:
//!
//! - **SL breach** (15-30 minutes ahead): the arrival rate at the middle of the target
//!   interval, read off the least-squares line through the rates of today's last 4 closed
//!   intervals (at their middles) and, once a third of the current interval has passed,
//!   the current interval's rate so far (at the middle of the part passed); never below
//!   0. AHT: today's actual once 10 calls have been handled, the target's forecast AHT
//!   before. The staff: the operators on line for the group now, plus the change the
//!   timetable plans from now to the target (lunches starting take people off, shifts
//!   starting add them), never below 0. Erlang C with that staff and the group's answer
//!   time gives the service level, in % (0 when the traffic reaches the staff). No
//!   planned operators at the target, no arrivals to fit or no AHT: no prediction.
//! - **Staffing shortfall** (1-2 hours ahead): the target interval's forecast calls
//!   scaled by today's load deviation (calls x (1 + deviation / 100); none given is 0),
//!   the operators Erlang C requires for them (the group's SL target and occupancy cap),
//!   minus planned. A non-voice group takes the forecast's operators, scaled the same
//!   way, as the requirement; without them there is no prediction.
//! - **Coverage gap** (30-60 minutes ahead): the requirement for the plain forecast of the
//!   target interval minus planned; planned leaves out operators on break or lunch, so
//!   overlapping breaks show up as people short.
//! - **Peak load** (2-4 hours ahead): the forecast arrival rate of the target interval
//!   over that of the current one, as a rise in % (rate / rate now - 1) x 100; no
//!   prediction when the current forecast is 0 or either is missing.
//!
//! People short are positive, a surplus negative.

use chrono::{DateTime, Duration, Utc};

use crate::erlang::{Load, ServiceTarget, StaffingRequest, performance, required_agents};
use crate::event::GroupId;
use crate::live::{Center, Figures, GroupSettings, Outlook, Recent};

use super::rule::PredictionKind;

/// Closed intervals of today the arrival trend is fitted through.
const TREND_INTERVALS: usize = 4;

/// Calls handled today from which the actual AHT replaces the forecast's (DESIGN.md,
/// operator requirement).
const ACTUAL_AHT_FROM_CALLS: u64 = 10;

/// What a prediction says, for `target` (the start of the interval `lead_minutes` ahead).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Forecasted {
    /// What is predicted.
    pub kind: PredictionKind,
    /// The group it is for.
    pub group_id: GroupId,
    /// The instant it was made at.
    pub made_at: DateTime<Utc>,
    /// Start of the interval it is for.
    pub target: DateTime<Utc>,
    /// SL % (SlBreach), people short (StaffingShortfall, CoverageGap; negative = surplus),
    /// forecast rise % (PeakLoad).
    pub value: f64,
}

/// The prediction of `kind` for `group_id`, `lead_minutes` from `now`; None when the
/// inputs are missing (no forecast, no staff, unknown group).
pub fn predict(
    center: &Center,
    group_id: GroupId,
    kind: PredictionKind,
    lead_minutes: u32,
    now: DateTime<Utc>,
    load_deviation_percent: Option<f64>,
) -> Option<Forecasted> {
    let settings = center.group_settings(group_id)?;
    let ahead = now.checked_add_signed(Duration::minutes(i64::from(lead_minutes)))?;
    let target = center.outlook(group_id, center.outlook(group_id, ahead)?.interval_start)?;
    let value = match kind {
        PredictionKind::SlBreach => sl_breach(center, group_id, settings, &target, now),
        PredictionKind::StaffingShortfall => {
            staffing_shortfall(center, group_id, settings, &target, load_deviation_percent)
        }
        PredictionKind::CoverageGap => coverage_gap(center, group_id, settings, &target),
        PredictionKind::PeakLoad => peak_load(&center.outlook(group_id, now)?, &target),
    }
    .filter(|v| v.is_finite())?;
    Some(Forecasted {
        kind,
        group_id,
        made_at: now,
        target: target.interval_start,
        value,
    })
}

/// What happened at a prediction's target, from the figures of the group then: the window
/// SL % (SlBreach), required - online (StaffingShortfall, CoverageGap). A group's figures
/// hold no per-interval offered calls, so PeakLoad is always None here: score it with
/// [`actual_peak_load`].
pub fn actual(kind: PredictionKind, figures: &Figures) -> Option<f64> {
    match kind {
        PredictionKind::SlBreach => figures.sl_window_percent,
        PredictionKind::StaffingShortfall | PredictionKind::CoverageGap => figures
            .required
            .map(|required| required - f64::from(figures.online)),
        PredictionKind::PeakLoad => None,
    }
}

/// What a peak-load prediction's rise turned out to be, in %: (the rate of the calls
/// offered in the target interval / that in the interval holding `made_at` - 1) x 100;
/// None for another kind, an unknown group or no calls in the interval of `made_at`.
/// Score it once the target interval has closed.
pub fn actual_peak_load(center: &Center, prediction: &Forecasted) -> Option<f64> {
    if prediction.kind != PredictionKind::PeakLoad {
        return None;
    }
    let group_id = prediction.group_id;
    let offered_rate = |outlook: Outlook| {
        let end = outlook.interval_start
            + Duration::milliseconds((outlook.interval_seconds * 1000.0).round() as i64);
        let offered = center.offered_between(group_id, outlook.interval_start, end)?;
        Some(f64::from(offered) / outlook.interval_seconds)
    };
    let then = offered_rate(center.outlook(group_id, prediction.made_at)?)?;
    let target = offered_rate(center.outlook(group_id, prediction.target)?)?;
    (then > 0.0).then(|| (target / then - 1.0) * 100.0)
}

/// The service level Erlang C gives the operators available at the target for the
/// arrival rate the recent trend leads to, in %.
fn sl_breach(
    center: &Center,
    group_id: GroupId,
    settings: &GroupSettings,
    target: &Outlook,
    now: DateTime<Utc>,
) -> Option<f64> {
    if target.planned == 0 {
        return None;
    }
    let recent = center.recent(group_id, now, TREND_INTERVALS)?;
    let rate = trend_rate(center, group_id, &recent, target, now)?;
    let aht = if center.handled_today(group_id, now)? >= ACTUAL_AHT_FROM_CALLS {
        recent.aht_seconds
    } else {
        target.forecast_aht_seconds
    }?;
    let load = Load {
        calls: rate * target.interval_seconds,
        interval_seconds: target.interval_seconds,
        aht_seconds: aht,
    };
    let staff = available_at(center, group_id, target, now)?;
    let predicted = performance(&load, staff, f64::from(settings.sl_seconds)).ok()?;
    Some(predicted.service_level * 100.0)
}

/// Operators available to the group at the target: those on line for it now, plus the
/// timetable's change from now to the target; never below 0.
///
/// Not the planned count alone: multi-skilled operators of other groups take the group's
/// calls and count for it while they do, and absent or late ones do not, so the planned
/// count can sit well below (or above) the operators actually answering. Taking the
/// planned count made a group at 100 % SL with a surplus of 5 look like a 31.7 % breach.
fn available_at(
    center: &Center,
    group_id: GroupId,
    target: &Outlook,
    now: DateTime<Utc>,
) -> Option<u32> {
    let online = i64::from(center.online_now(group_id, now)?);
    let planned_now = i64::from(center.outlook(group_id, now)?.planned);
    let staff = online + i64::from(target.planned) - planned_now;
    Some(u32::try_from(staff.max(0)).unwrap_or(u32::MAX))
}

/// Calls per second in the middle of the target interval, by the trend of the recent
/// arrival rates.
fn trend_rate(
    center: &Center,
    group_id: GroupId,
    recent: &Recent,
    target: &Outlook,
    now: DateTime<Utc>,
) -> Option<f64> {
    let from_now = |at: DateTime<Utc>| (at - now).num_milliseconds() as f64 / 1000.0;
    let mut rates: Vec<(f64, f64)> = recent
        .offered
        .iter()
        .map(|&(start, calls)| {
            let middle = from_now(start) + recent.interval_seconds / 2.0;
            (middle, f64::from(calls) / recent.interval_seconds)
        })
        .collect();
    let current = center.outlook(group_id, now)?;
    let passed = -from_now(current.interval_start);
    // Less than a third of an interval is too few calls to read a rate from.
    if passed > 0.0 && passed * 3.0 >= current.interval_seconds {
        let so_far = center.offered_between(group_id, current.interval_start, now)?;
        rates.push((-passed / 2.0, f64::from(so_far) / passed));
    }
    let middle = from_now(target.interval_start) + target.interval_seconds / 2.0;
    fitted(&rates, middle).map(|rate| rate.max(0.0))
}

/// The least-squares line through `points` (x, y), read at `x`: the mean of y when the
/// points do not spread along x (a single one, say); None without points.
fn fitted(points: &[(f64, f64)], x: f64) -> Option<f64> {
    if points.is_empty() {
        return None;
    }
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let (sxx, sxy) = points.iter().fold((0.0, 0.0), |(sxx, sxy), &(px, py)| {
        let dx = px - mean_x;
        (sxx + dx * dx, sxy + dx * (py - mean_y))
    });
    if sxx == 0.0 {
        return Some(mean_y);
    }
    Some(mean_y + sxy / sxx * (x - mean_x))
}

/// Operators required at the target for its forecast scaled by the load deviation, less
/// those planned.
fn staffing_shortfall(
    center: &Center,
    group_id: GroupId,
    settings: &GroupSettings,
    target: &Outlook,
    load_deviation_percent: Option<f64>,
) -> Option<f64> {
    let scale = (1.0 + load_deviation_percent.unwrap_or(0.0) / 100.0).max(0.0);
    let required = requirement(center, group_id, settings, target, scale)?;
    Some(required - f64::from(target.planned))
}

/// Operators required at the target for its plain forecast, less those planned (breaks
/// and lunches thin the planned count).
fn coverage_gap(
    center: &Center,
    group_id: GroupId,
    settings: &GroupSettings,
    target: &Outlook,
) -> Option<f64> {
    let required = requirement(center, group_id, settings, target, 1.0)?;
    Some(required - f64::from(target.planned))
}

/// Operators the target interval needs for `scale` x its forecast: Erlang C for a voice
/// group, the forecast's operators otherwise.
fn requirement(
    center: &Center,
    group_id: GroupId,
    settings: &GroupSettings,
    target: &Outlook,
    scale: f64,
) -> Option<f64> {
    if !settings.voice {
        return center
            .forecast_operators(group_id, target.interval_start)
            .map(|operators| operators * scale);
    }
    let request = StaffingRequest {
        load: Load {
            calls: target.forecast_calls? * scale,
            interval_seconds: target.interval_seconds,
            aht_seconds: target.forecast_aht_seconds?,
        },
        target: ServiceTarget {
            answer_within_seconds: f64::from(settings.sl_seconds),
            percent: settings.sl_percent,
        },
        max_occupancy: settings.max_occupancy,
        shrinkage: 0.0,
    };
    required_agents(&request).ok().map(|s| f64::from(s.agents))
}

/// The forecast's rise in arrival rate from the current interval to the target's, in %.
fn peak_load(current: &Outlook, target: &Outlook) -> Option<f64> {
    let now = current.forecast_calls? / current.interval_seconds;
    let then = target.forecast_calls? / target.interval_seconds;
    (now > 0.0).then(|| (then / now - 1.0) * 100.0)
}

pub mod baseline;

#[cfg(test)]
mod tests;

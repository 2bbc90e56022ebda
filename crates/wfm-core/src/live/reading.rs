//! Readings: the counts the indicators are computed from, for a group at one instant as
//! they stood then (recomputed from the minute history), and their sums over groups for
//! services and the site.

use crate::erlang::{Load, ServiceTarget, StaffingRequest, required_agents};
use crate::sample::MIN_CALLS;

use super::calls::{MinuteTally, OpenHandle};
use super::center::{Center, GroupLive};
use super::forecast::{ForecastSum, PlannedLoad};
use super::settings::GroupSettings;
use super::time::{Day, MINUTE_MS, minute_of};

/// Calls handled today from which the actual AHT replaces the forecast's in the
/// operator requirement (DESIGN.md).
const ACTUAL_AHT_FROM_CALLS: i64 = 10;

/// The handle time the operator requirement takes: the forecast's below 10 handled calls;
/// from then on a censoring-aware actual, the total handle time spent (completed calls,
/// and calls still in conversation or wrap-up as far as they have got) over the calls
/// completed. Completed calls alone are biased low early in the day, when the short ones
/// have ended and the long ones have not (155 s against 270 s forecast was observed);
/// time over completions is the estimate for right-censored durations, and tends to the
/// plain mean as the open calls end.
fn requirement_aht(known: &Known, open: OpenHandle, forecast: Option<f64>) -> Option<f64> {
    if known.handled >= ACTUAL_AHT_FROM_CALLS {
        Some((known.handle_seconds + open.seconds) / known.handled as f64)
    } else {
        forecast.or(known.aht_seconds())
    }
}

/// An instant figures are read at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Point {
    pub(super) ms: i64,
    pub(super) minute: i64,
    /// The local day holding the instant: "today" for it.
    pub(super) day: Day,
}

impl Point {
    pub(super) fn new(ms: i64, day: Day) -> Self {
        Point {
            ms,
            minute: minute_of(ms),
            day,
        }
    }
}

/// Today's call counts up to an instant.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(super) struct Known {
    pub(super) sl_offered: i64,
    pub(super) sl_within: i64,
    pub(super) acd_offered: i64,
    pub(super) answered: i64,
    pub(super) abandoned: i64,
    pub(super) short_abandoned: i64,
    pub(super) handled: i64,
    pub(super) wait_seconds: f64,
    pub(super) handle_seconds: f64,
}

impl Known {
    fn add_minute(&mut self, m: &MinuteTally) {
        self.sl_offered += i64::from(m.sl_offered);
        self.sl_within += i64::from(m.sl_within);
        self.acd_offered += i64::from(m.acd_offered);
        self.answered += i64::from(m.answered);
        self.abandoned += i64::from(m.abandoned);
        self.short_abandoned += i64::from(m.short_abandoned);
        self.handled += i64::from(m.handled);
        self.wait_seconds += m.wait_seconds;
        self.handle_seconds += m.handle_seconds;
    }

    fn add(&mut self, other: &Known) {
        self.sl_offered += other.sl_offered;
        self.sl_within += other.sl_within;
        self.acd_offered += other.acd_offered;
        self.answered += other.answered;
        self.abandoned += other.abandoned;
        self.short_abandoned += other.short_abandoned;
        self.handled += other.handled;
        self.wait_seconds += other.wait_seconds;
        self.handle_seconds += other.handle_seconds;
    }

    /// Mean handle time of the calls handled, seconds.
    pub(super) fn aht_seconds(&self) -> Option<f64> {
        (self.handled > 0).then(|| self.handle_seconds / self.handled as f64)
    }
}

/// Service-level targets of the groups read, weighted by the calls each offered.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(super) struct Target {
    weighted: f64,
    weight: f64,
    sum: f64,
    groups: u32,
}

impl Target {
    fn of(percent: f64, offered: i64) -> Self {
        let weight = offered.max(0) as f64;
        Target {
            weighted: percent * weight,
            weight,
            sum: percent,
            groups: 1,
        }
    }

    /// The offered-weighted mean target; the plain mean when nothing was offered.
    pub(super) fn percent(&self) -> Option<f64> {
        if self.weight > 0.0 {
            Some(self.weighted / self.weight)
        } else {
            (self.groups > 0).then(|| self.sum / f64::from(self.groups))
        }
    }
}

/// What the six indicators of a scope are computed from, at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(super) struct Reading {
    pub(super) planned: u32,
    pub(super) online: u32,
    /// Calls offered in the window (t - W, t].
    pub(super) window_offered: u64,
    /// Calls the forecast expects in the window.
    pub(super) window_forecast: Option<f64>,
    pub(super) required: Option<f64>,
    /// Today up to t, calls waiting longer than T included as offered.
    pub(super) known: Known,
    /// The forecast from the day's start to t.
    pub(super) forecast_today: Option<ForecastSum>,
    pub(super) target: Target,
}

impl Reading {
    /// Adds another scope's reading: counts add up (operators count for one group
    /// each, so sums count each once); requirements add up where known.
    pub(super) fn add(&mut self, other: &Reading) {
        self.planned += other.planned;
        self.online += other.online;
        self.window_offered += other.window_offered;
        self.window_forecast = add_option(self.window_forecast, other.window_forecast);
        self.required = add_option(self.required, other.required);
        self.known.add(&other.known);
        self.forecast_today = match (self.forecast_today, other.forecast_today) {
            (Some(mut sum), Some(more)) => {
                sum.add(&more);
                Some(sum)
            }
            (sum, more) => sum.or(more),
        };
        self.target.weighted += other.target.weighted;
        self.target.weight += other.target.weight;
        self.target.sum += other.target.sum;
        self.target.groups += other.target.groups;
    }
}

fn add_option(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a + b),
        (a, b) => a.or(b),
    }
}

impl Center {
    /// Readings of group `group` at `points`; `online[i]` holds the online counts per
    /// group at `points[i]`; `open` the handle time of the calls open at `points[0]`
    /// (earlier points read completed calls only: what was open then is not kept).
    pub(super) fn readings(
        &self,
        group: usize,
        points: &[Point],
        online: &[Vec<u32>],
        open: OpenHandle,
    ) -> Vec<Reading> {
        let Some(live) = self.groups.get(group) else {
            return vec![Reading::default(); points.len()];
        };
        let settings = &live.settings;
        let window_ms = self.interval_ms();
        let window_minutes = window_ms / MINUTE_MS;
        let knowns = known_at(live, points);
        points
            .iter()
            .zip(knowns)
            .zip(online)
            .enumerate()
            .map(|(i, ((point, mut known), online))| {
                let missed = waiting_between(
                    &live.waiting,
                    point.day.start_ms,
                    point.ms.saturating_sub(settings.sl_ms()),
                );
                known.sl_offered += missed;
                known.acd_offered += missed;
                let window_offered =
                    offered_between(live, point.minute - window_minutes + 1, point.minute);
                let open = if i == 0 { open } else { OpenHandle::default() };
                // The window as far as the feed covered it: an hour-old window of a feed
                // connected a minute ago holds a minute of calls, not a quarter hour's.
                let covered_from = self
                    .presence
                    .since()
                    .filter(|&since| since <= point.ms)
                    .map(|since| since.max(point.ms.saturating_sub(window_ms)));
                let window_forecast = covered_from
                    .and_then(|from| live.forecast.integrate(from, point.ms))
                    .map(|f| f.calls);
                let window = Window {
                    offered: window_offered,
                    forecast: window_forecast,
                    covered_ms: covered_from.map_or(0, |from| point.ms - from),
                };
                let required =
                    required(settings, &known, open, &window, live.forecast.at(point.ms));
                Reading {
                    planned: self.timetable.planned_at(group, point.ms),
                    online: online.get(group).copied().unwrap_or(0),
                    window_offered,
                    window_forecast,
                    required,
                    known,
                    forecast_today: live.forecast.integrate(point.day.start_ms, point.ms),
                    target: Target::of(settings.sl_percent, known.sl_offered),
                }
            })
            .collect()
    }
}

/// The trailing window as the feed covered it.
struct Window {
    offered: u64,
    /// Calls the forecast expects over the covered part.
    forecast: Option<f64>,
    covered_ms: i64,
}

/// Operators required at a point: Erlang C for a voice group on the window's arrival
/// rate over the part the feed covered (below 10 calls offered there, the forecast's
/// calls for it: a credibility floor, so one call does not make a surplus of ten), AHT
/// by [`requirement_aht`]; the forecast's operators for other groups.
fn required(
    settings: &GroupSettings,
    known: &Known,
    open: OpenHandle,
    window: &Window,
    forecast: Option<&PlannedLoad>,
) -> Option<f64> {
    if !settings.voice {
        return forecast.and_then(|f| f.operators);
    }
    if window.covered_ms <= 0 {
        return None;
    }
    let aht = requirement_aht(known, open, forecast.map(|f| f.aht_seconds))?;
    let observed = window.offered as f64;
    let calls = match window.forecast {
        Some(expected) if observed < MIN_CALLS => expected,
        _ => observed,
    };
    let request = StaffingRequest {
        load: Load {
            calls,
            interval_seconds: window.covered_ms as f64 / 1000.0,
            aht_seconds: aht,
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

/// Today's counts of the group up to each point, in one pass over each day's minutes.
fn known_at(live: &GroupLive, points: &[Point]) -> Vec<Known> {
    let mut order: Vec<(usize, &Point)> = points.iter().enumerate().collect();
    order.sort_by_key(|(_, p)| (p.day.date, p.minute));
    let mut known = vec![Known::default(); points.len()];
    let mut running = Known::default();
    let mut date = None;
    let mut next = 0;
    for (i, point) in order {
        if date != Some(point.day.date) {
            date = Some(point.day.date);
            running = Known::default();
            next = 0;
        }
        let Some(tally) = live.days.get(&point.day.date) else {
            continue;
        };
        let Ok(upto) = usize::try_from(point.minute - tally.day.first_minute() + 1) else {
            continue;
        };
        let upto = upto.min(tally.minutes.len());
        for minute in tally.minutes.get(next..upto).unwrap_or(&[]) {
            running.add_minute(minute);
        }
        next = next.max(upto);
        if let Some(slot) = known.get_mut(i) {
            *slot = running;
        }
    }
    known
}

/// Calls waiting that were offered in [from, to).
pub(super) fn waiting_between(waiting: &[(i64, i64)], from: i64, to: i64) -> i64 {
    let first = waiting.partition_point(|&(offered, _)| offered < from);
    let end = waiting.partition_point(|&(offered, _)| offered < to);
    i64::try_from(end.saturating_sub(first)).unwrap_or(i64::MAX)
}

/// Calls offered in the minute buckets [from, to], on whichever day they fall.
fn offered_between(live: &GroupLive, from: i64, to: i64) -> u64 {
    let mut offered = 0;
    for tally in live.days.values() {
        let first = tally.day.first_minute();
        let lo = usize::try_from((from - first).max(0)).unwrap_or(usize::MAX);
        let Ok(hi) = usize::try_from(to - first + 1) else {
            continue;
        };
        let hi = hi.min(tally.minutes.len());
        for minute in tally.minutes.get(lo..hi).unwrap_or(&[]) {
            offered += u64::from(minute.offered);
        }
    }
    offered
}

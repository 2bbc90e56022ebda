//! Snapshots: every group's figures at an instant, with the trend against 15 minutes
//! earlier and the sparkline of today's last 24 intervals, and the same for each
//! service and the whole site from the groups' summed counts.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use crate::erlang::{Load, performance};
use crate::event::AgentState;
use crate::sample;
use crate::threshold::{Indicator, Thresholds};
use crate::trend::{sparkline, trend};

use super::center::Center;
use super::figures::{Counts, Figures, IndicatorValue, Scope, Snapshot, count, finite, percent};
use super::indicators::{evaluate, unit};
use super::operators::state_index;
use super::presence::Coverage;
use super::reading::{Point, Reading, waiting_between};
use super::time::{Day, MINUTE_MS, elapsed_ms, minute_of, seconds, to_ms};

/// Whether an earlier point's value of `indicator` is shown, given what the feed covered
/// in its interval: while the feed was down the day's running figures (SL, ACD, AHT)
/// still stand and the ones of the moment (online, load, requirement) are a gap; before
/// it was connected every figure is a gap.
fn shows(coverage: Coverage, indicator: Indicator) -> bool {
    match coverage {
        Coverage::Fed => true,
        Coverage::Down => matches!(
            indicator,
            Indicator::ServiceLevel | Indicator::Acd | Indicator::AhtTrend
        ),
        Coverage::NotYet => false,
    }
}

/// Points of a sparkline: today's last 24 interval ends.
const SPARKLINE_POINTS: usize = 24;

/// How far back the trend looks.
const TREND_MINUTES: i64 = 15;

/// Figures that exist only for the present instant, summable over groups.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Details {
    queue: u32,
    longest_wait_ms: i64,
    by_state: [u32; 8],
    busy: u32,
    on_line: u32,
    window_offered: i64,
    window_within: i64,
    /// Predicted service level x forecast calls, and the calls.
    predicted_weighted: f64,
    predicted_weight: f64,
    predicted_sum: f64,
    predicted_groups: u32,
    newest_ms: Option<i64>,
    window_ms: i64,
    /// The group's answer time T; an aggregate has none.
    sl_seconds: Option<u32>,
    /// The forecast AHT of the current interval; an aggregate has none.
    forecast_aht_now: Option<f64>,
}

impl Details {
    fn add(&mut self, other: &Details) {
        self.queue += other.queue;
        self.longest_wait_ms = self.longest_wait_ms.max(other.longest_wait_ms);
        for (mine, theirs) in self.by_state.iter_mut().zip(other.by_state) {
            *mine += theirs;
        }
        self.busy += other.busy;
        self.on_line += other.on_line;
        self.window_offered += other.window_offered;
        self.window_within += other.window_within;
        self.predicted_weighted += other.predicted_weighted;
        self.predicted_weight += other.predicted_weight;
        self.predicted_sum += other.predicted_sum;
        self.predicted_groups += other.predicted_groups;
        self.newest_ms = self.newest_ms.max(other.newest_ms);
        self.window_ms = self.window_ms.max(other.window_ms);
    }

    fn predicted(&self) -> Option<f64> {
        if self.predicted_weight > 0.0 {
            finite(Some(self.predicted_weighted / self.predicted_weight))
        } else {
            finite(
                (self.predicted_groups > 0)
                    .then(|| self.predicted_sum / f64::from(self.predicted_groups)),
            )
        }
    }
}

impl Center {
    /// Figures of every group, service and the whole site at `now`.
    pub fn snapshot(&self, now: DateTime<Utc>) -> Snapshot {
        let now_ms = to_ms(now);
        let today = Day::of(&self.grid, now);
        let points = self.points(now, today);
        let fed = self.fed_points(&points, now_ms);
        let online: Vec<Vec<u32>> = points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if i == 0 {
                    self.online_at(p.ms)
                } else {
                    self.online_then(p.ms)
                }
            })
            .collect();
        let mut details = self.operator_details(now_ms, today);
        let open = self.open_handle(now_ms);
        let readings: Vec<Vec<Reading>> = (0..self.groups.len())
            .map(|g| {
                let open = open.get(g).copied().unwrap_or_default();
                self.readings(g, &points, &online, open)
            })
            .collect();
        for (g, detail) in details.iter_mut().enumerate() {
            let planned = readings
                .get(g)
                .and_then(|r| r.first())
                .map_or(0, |r| r.planned);
            self.call_details(g, now_ms, planned, detail);
        }
        let groups = self
            .groups
            .iter()
            .zip(&readings)
            .zip(&details)
            .map(|((group, readings), details)| {
                let scope = Scope::Group(group.settings.id);
                figures(
                    scope,
                    readings,
                    &fed,
                    details,
                    &group.settings.thresholds,
                    now,
                )
            })
            .collect();
        let mut services: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
        for (g, group) in self.groups.iter().enumerate() {
            services
                .entry(group.settings.service_id)
                .or_default()
                .push(g);
        }
        let aggregate = |scope: Scope, members: &[usize]| {
            let mut sum = vec![Reading::default(); points.len()];
            let mut detail = Details::default();
            for &g in members {
                for (total, reading) in sum.iter_mut().zip(readings.get(g).into_iter().flatten()) {
                    total.add(reading);
                }
                if let Some(d) = details.get(g) {
                    detail.add(d);
                }
            }
            figures(scope, &sum, &fed, &detail, &Thresholds::default(), now)
        };
        let everyone: Vec<usize> = (0..self.groups.len()).collect();
        Snapshot {
            at: now,
            services: services
                .iter()
                .map(|(id, members)| aggregate(Scope::Service(*id), members))
                .collect(),
            all: aggregate(Scope::All, &everyone),
            groups,
        }
    }

    /// The instants a snapshot reads: now, 15 minutes earlier, and the ends of today's
    /// last 24 ended intervals.
    fn points(&self, now: DateTime<Utc>, today: Day) -> Vec<Point> {
        let now_ms = to_ms(now);
        let earlier = now
            .checked_sub_signed(Duration::minutes(TREND_MINUTES))
            .unwrap_or(now);
        let earlier_ms = to_ms(earlier);
        let earlier_day = if today.contains(earlier_ms) {
            today
        } else {
            Day::of(&self.grid, earlier)
        };
        let mut points = vec![
            Point::new(now_ms, today),
            Point::new(earlier_ms, earlier_day),
        ];
        let interval_ms = self.interval_ms();
        let ended = usize::try_from(elapsed_ms(today.start_ms, now_ms) / interval_ms).unwrap_or(0);
        let first = ended.saturating_sub(SPARKLINE_POINTS);
        for k in first..ended {
            let offset = i64::try_from(k + 1)
                .unwrap_or(i64::MAX)
                .saturating_mul(interval_ms);
            let end = today.start_ms.saturating_add(offset).min(today.end_ms);
            points.push(Point::new(end, today));
        }
        points
    }

    /// What the feed had delivered by each point (the present is always read as it
    /// is). A sparkline point is an interval's end and belongs to that interval.
    fn fed_points(&self, points: &[Point], now_ms: i64) -> Vec<Coverage> {
        let interval_ms = self.interval_ms();
        points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if i == 0 {
                    return Coverage::Fed;
                }
                let ms = if i >= 2 { p.ms.saturating_sub(1) } else { p.ms };
                let index = i64::try_from(p.day.interval_index(ms, interval_ms)).unwrap_or(0);
                let start = p
                    .day
                    .start_ms
                    .saturating_add(index.saturating_mul(interval_ms));
                let end = start.saturating_add(interval_ms).min(p.day.end_ms);
                self.presence.coverage(start, end, now_ms)
            })
            .collect()
    }

    /// Per group: operators by state, on line and busy at `now_ms`. An operator logged
    /// out with no line work today counts nowhere.
    fn operator_details(&self, now_ms: i64, today: Day) -> Vec<Details> {
        let mut details = vec![Details::default(); self.groups.len()];
        for (operator, o) in self.operators.iter().enumerate() {
            if o.state == AgentState::LoggedOut
                && !self
                    .timetable
                    .has_line_between(operator, today.start_ms, today.end_ms)
            {
                continue;
            }
            let Some(d) = self
                .counts_for(operator, now_ms)
                .and_then(|g| details.get_mut(g))
            else {
                continue;
            };
            if let Some(n) = d.by_state.get_mut(state_index(o.state)) {
                *n += 1;
            }
            if o.state.is_on_line() {
                d.on_line += 1;
                d.busy += u32::from(matches!(
                    o.state,
                    AgentState::OnContact | AgentState::WrapUp
                ));
            }
        }
        details
    }

    /// The queue, the window's service level, the predicted service level and the
    /// freshness of group `g` at `now_ms`.
    fn call_details(&self, g: usize, now_ms: i64, planned: u32, details: &mut Details) {
        let Some(live) = self.groups.get(g) else {
            return;
        };
        let settings = &live.settings;
        details.newest_ms = live.newest_ms;
        details.window_ms = self.interval_ms();
        details.sl_seconds = Some(settings.sl_seconds);
        details.queue = u32::try_from(live.waiting.len())
            .unwrap_or(u32::MAX)
            .saturating_add(live.reports.queue);
        details.longest_wait_ms = live
            .waiting
            .first()
            .map_or(0, |&(offered, _)| elapsed_ms(offered, now_ms));
        let window_minutes = self.interval_ms() / MINUTE_MS;
        let last = minute_of(now_ms);
        let first = last - window_minutes + 1;
        for m in live.minutes(first, last) {
            details.window_offered += i64::from(m.settled);
            details.window_within += i64::from(m.settled_within);
        }
        details.window_offered += waiting_between(
            &live.waiting,
            first.saturating_mul(MINUTE_MS).saturating_add(1),
            now_ms.saturating_sub(settings.sl_ms()),
        );
        if let Some(load) = live.forecast.at(now_ms) {
            details.forecast_aht_now = finite(Some(load.aht_seconds));
            let erlang_load = Load {
                calls: load.calls,
                interval_seconds: load.length_seconds(),
                aht_seconds: load.aht_seconds,
            };
            let predicted = performance(&erlang_load, planned, f64::from(settings.sl_seconds))
                .ok()
                .and_then(|p| finite(Some(p.service_level * 100.0)));
            if let Some(predicted) = predicted {
                details.predicted_weighted += predicted * load.calls;
                details.predicted_weight += load.calls;
                details.predicted_sum += predicted;
                details.predicted_groups += 1;
            }
        }
    }
}

/// The figures of a scope from its readings (now, 15 minutes earlier, then the
/// sparkline points; `fed[i]` what the feed had delivered by then) and
/// present-instant details.
fn figures(
    scope: Scope,
    readings: &[Reading],
    fed: &[Coverage],
    details: &Details,
    thresholds: &Thresholds,
    now: DateTime<Utc>,
) -> Figures {
    let current = readings.first().copied().unwrap_or_default();
    let earlier = readings.get(1).zip(fed.get(1));
    let ends = readings.get(2..).unwrap_or(&[]);
    let ends_fed = fed.get(2..).unwrap_or(&[]);
    let freshness = details
        .newest_ms
        .map(|newest| seconds(elapsed_ms(newest, to_ms(now))));
    let indicators = Indicator::ALL
        .into_iter()
        .map(|indicator| {
            let evaluation = evaluate(indicator, &current, thresholds);
            let before = earlier
                .filter(|(_, fed)| shows(**fed, indicator))
                .and_then(|(r, _)| evaluate(indicator, r, thresholds).value);
            let values: Vec<Option<f64>> = ends
                .iter()
                .zip(ends_fed)
                .map(|(r, fed)| {
                    shows(*fed, indicator).then(|| evaluate(indicator, r, thresholds).value)?
                })
                .collect();
            IndicatorValue {
                indicator,
                value: evaluation.value,
                unit: unit(indicator),
                plan: evaluation.plan,
                deviation: evaluation.deviation,
                color: evaluation.color,
                sample_calls: evaluation.sample,
                too_few_calls: sample::too_few(evaluation.sample),
                trend: trend(evaluation.value, before),
                sparkline: sparkline(&values, SPARKLINE_POINTS),
                updated_at: now,
                freshness_seconds: freshness,
            }
        })
        .collect();
    let known = &current.known;
    let kept_abandons = known.abandoned - known.short_abandoned;
    Figures {
        scope,
        indicators,
        online: current.online,
        planned: current.planned,
        required: finite(current.required),
        queue_now: details.queue,
        longest_wait_seconds: seconds(details.longest_wait_ms),
        agents_by_state: AgentState::ALL.into_iter().zip(details.by_state).collect(),
        offered_today: count(known.sl_offered),
        answered_today: count(known.answered),
        answered_within_target_today: count(known.sl_within),
        abandoned_today: count(known.abandoned),
        short_abandoned_today: count(known.short_abandoned),
        sl_window_percent: percent(details.window_within as f64, details.window_offered as f64)
            .map(|v| v.clamp(0.0, 100.0)),
        sl_predicted_percent: details.predicted(),
        asa_seconds: finite(
            (known.answered > 0).then(|| known.wait_seconds / known.answered as f64),
        ),
        abandonment_percent: percent(
            known.abandoned as f64,
            (known.answered + known.abandoned) as f64,
        ),
        abandonment_excluding_short_percent: percent(
            kept_abandons as f64,
            (known.answered + kept_abandons) as f64,
        ),
        occupancy_percent: percent(f64::from(details.busy), f64::from(details.on_line)),
        counts: Counts {
            window_seconds: seconds(details.window_ms),
            window_offered: current.window_offered,
            window_forecast_calls: finite(current.window_forecast),
            acd_offered_today: count(known.acd_offered),
            handled_today: count(known.handled),
            handle_seconds_today: known.handle_seconds,
            forecast_calls_today: current.forecast_today.map(|f| f.calls),
            forecast_answered_today: current.forecast_today.map(|f| f.answered),
            forecast_handle_seconds_today: current.forecast_today.map(|f| f.handle_seconds),
            sl_seconds: details.sl_seconds,
            forecast_aht_now_seconds: details.forecast_aht_now,
        },
    }
}

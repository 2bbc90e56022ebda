//! Labor-law checks of a proposed change to an operator's shifts (an extension, an added
//! shift, a moved break) and the pay of overtime and day-off work, with Russian
//! labor-code (TK RF) defaults that a site may configure.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// The limits a change must respect and the pay multipliers, per site.
///
/// Minutes throughout; every default cites where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct LaborRules {
    /// Longest shift, start to end including its breaks: 720 (12 h). The scenarios forbid
    /// more than 12 hours of continuous work; exactly 12 h is allowed.
    #[cfg_attr(feature = "openapi", schema(minimum = 60, maximum = 1440))]
    pub max_shift_minutes: u32,
    /// Longest stretch of work without a break: 240 (4 h), from the scenarios. TK RF
    /// art. 108 requires a rest and meal break of 30 min to 2 h within the shift.
    #[cfg_attr(feature = "openapi", schema(minimum = 30, maximum = 1440))]
    pub max_work_without_break_minutes: u32,
    /// Shortest pause that counts as a break for the 4-hour rule: 15.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 240))]
    pub min_break_minutes: u32,
    /// Shortest rest between the end of one shift and the start of the next: 720 (12 h).
    /// TK RF art. 103 forbids two shifts in a row but names no figure: 12 h is the usual
    /// rule and a configurable default, not a statute figure.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 2880))]
    pub min_rest_between_shifts_minutes: u32,
    /// Shortest uninterrupted weekly rest within a calendar week: 2520 (42 h), TK RF art. 110.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10080))]
    pub min_weekly_rest_minutes: u32,
    /// Most overtime over two consecutive days: 240 (4 h), TK RF art. 99.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 2880))]
    pub max_overtime_two_days_minutes: u32,
    /// Most overtime in a calendar week: 960 (16 h). Not a statute figure: the two-day
    /// limit of art. 99 (4 h per two days) allows at most 16 h over a week of 4 pairs of
    /// days at most, hence the default; configurable.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10080))]
    pub max_overtime_week_minutes: u32,
    /// Most overtime in a year: 7200 (120 h), TK RF art. 99.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 527040))]
    pub max_overtime_year_minutes: u32,
    /// Overtime minutes of a day paid at `overtime_first_multiplier`: 120 (the first
    /// two hours), TK RF art. 152.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1440))]
    pub overtime_first_minutes: u32,
    /// Pay multiplier of the first overtime hours: 1.5, TK RF art. 152.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10))]
    pub overtime_first_multiplier: f64,
    /// Pay multiplier of overtime after the first hours: 2.0, TK RF art. 152.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10))]
    pub overtime_after_multiplier: f64,
    /// Pay multiplier of work on a day off: 2.0, TK RF art. 153.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10))]
    pub day_off_multiplier: f64,
}

impl Default for LaborRules {
    fn default() -> Self {
        LaborRules {
            max_shift_minutes: 720,
            max_work_without_break_minutes: 240,
            min_break_minutes: 15,
            min_rest_between_shifts_minutes: 720,
            min_weekly_rest_minutes: 2520,
            max_overtime_two_days_minutes: 240,
            max_overtime_week_minutes: 960,
            max_overtime_year_minutes: 7200,
            overtime_first_minutes: 120,
            overtime_first_multiplier: 1.5,
            overtime_after_multiplier: 2.0,
            day_off_multiplier: 2.0,
        }
    }
}

const WEEK_MINUTES: u32 = 7 * 24 * 60;

impl LaborRules {
    /// Every field's problem, as (field, message); empty when the rules are usable.
    pub fn validate(&self) -> Vec<(&'static str, String)> {
        let mut errors = Vec::new();
        let mut minutes = |field: &'static str, v: u32, lo: u32, hi: u32| {
            if v < lo || v > hi {
                errors.push((field, format!("must be between {lo} and {hi} minutes")));
            }
        };
        minutes("max_shift_minutes", self.max_shift_minutes, 60, 24 * 60);
        minutes(
            "max_work_without_break_minutes",
            self.max_work_without_break_minutes,
            30,
            24 * 60,
        );
        minutes("min_break_minutes", self.min_break_minutes, 1, 240);
        minutes(
            "min_rest_between_shifts_minutes",
            self.min_rest_between_shifts_minutes,
            0,
            48 * 60,
        );
        minutes(
            "min_weekly_rest_minutes",
            self.min_weekly_rest_minutes,
            0,
            WEEK_MINUTES,
        );
        minutes(
            "max_overtime_two_days_minutes",
            self.max_overtime_two_days_minutes,
            0,
            48 * 60,
        );
        minutes(
            "max_overtime_week_minutes",
            self.max_overtime_week_minutes,
            0,
            WEEK_MINUTES,
        );
        minutes(
            "max_overtime_year_minutes",
            self.max_overtime_year_minutes,
            0,
            366 * 24 * 60,
        );
        minutes(
            "overtime_first_minutes",
            self.overtime_first_minutes,
            0,
            24 * 60,
        );
        for (field, v) in [
            ("overtime_first_multiplier", self.overtime_first_multiplier),
            ("overtime_after_multiplier", self.overtime_after_multiplier),
            ("day_off_multiplier", self.day_off_multiplier),
        ] {
            if !(v.is_finite() && (1.0..=10.0).contains(&v)) {
                errors.push((field, "must be a number between 1 and 10".to_owned()));
            }
        }
        errors
    }
}

/// One shift of an operator, [start, end), with its breaks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shift {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Breaks and lunches inside the shift, [start, end), in time order.
    pub breaks: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// Minutes of the shift that are overtime.
    pub overtime_minutes: u32,
}

impl Shift {
    /// A shift without breaks or overtime.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        Shift {
            start,
            end,
            breaks: Vec::new(),
            overtime_minutes: 0,
        }
    }
}

/// An operator's shifts around a change (a week either side suffices) and the year's
/// overtime so far.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkHistory {
    /// Shifts in time order.
    pub shifts: Vec<Shift>,
    /// Overtime already worked this calendar year, minutes.
    pub overtime_year_minutes: u32,
    /// The site's time zone: days and weeks are local.
    pub tz: Tz,
}

/// A proposed change to an operator's shifts.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Lengthen shift `shift` (an index into [`WorkHistory::shifts`]) at its end by
    /// `minutes` of overtime.
    Extend { shift: usize, minutes: u32 },
    /// Add a shift: a call-in on a day off (no overtime) or an extra shift on a working
    /// day (its minutes are overtime, set in the shift).
    AddShift(Shift),
    /// Move the break of shift `shift` that starts at `from` to start at `to`, keeping
    /// its length.
    MoveBreak {
        shift: usize,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
}

/// A labor rule a change would break.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// Stable id of the rule: the name of its [`LaborRules`] field without the unit,
    /// e.g. `max_shift_length`.
    pub rule: String,
    /// What is broken, with the figures.
    pub message: String,
}

fn violation(rule: &str, message: String) -> Violation {
    Violation {
        rule: rule.to_owned(),
        message,
    }
}

fn minutes(d: Duration) -> i64 {
    d.num_minutes()
}

fn hours(m: i64) -> String {
    let (h, m) = (m / 60, m % 60);
    if m == 0 {
        format!("{h} h")
    } else {
        format!("{h} h {m} min")
    }
}

/// The shifts after `change`, in time order, and the position of the changed shift; a
/// change naming no shift or break is itself a violation (`invalid_change`).
pub fn apply(history: &WorkHistory, change: &Change) -> Result<(Vec<Shift>, usize), Violation> {
    let mut shifts = history.shifts.clone();
    let invalid = |what: &str| violation("invalid_change", what.to_owned());
    let changed = match change {
        Change::Extend { shift, minutes } => {
            let s = shifts
                .get_mut(*shift)
                .ok_or_else(|| invalid("no such shift"))?;
            s.end += Duration::minutes(i64::from(*minutes));
            s.overtime_minutes += minutes;
            *shift
        }
        Change::AddShift(new) => {
            if new.end <= new.start {
                return Err(invalid("the shift ends before it starts"));
            }
            let at = shifts.partition_point(|s| s.start <= new.start);
            shifts.insert(at, new.clone());
            at
        }
        Change::MoveBreak { shift, from, to } => {
            let s = shifts
                .get_mut(*shift)
                .ok_or_else(|| invalid("no such shift"))?;
            let b = s
                .breaks
                .iter_mut()
                .find(|b| b.0 == *from)
                .ok_or_else(|| invalid("no break starts there"))?;
            let length = b.1 - b.0;
            *b = (*to, *to + length);
            if b.0 < s.start || b.1 > s.end {
                return Err(invalid("the break would leave the shift"));
            }
            s.breaks.sort();
            *shift
        }
    };
    Ok((shifts, changed))
}

/// Every rule `change` would break, given the operator's `history`. Rules already broken
/// before the change and not touched by it are not reported.
pub fn check(rules: &LaborRules, history: &WorkHistory, change: &Change) -> Vec<Violation> {
    let (shifts, at) = match apply(history, change) {
        Ok(applied) => applied,
        Err(v) => return vec![v],
    };
    let shift = &shifts[at];
    let mut found = Vec::new();

    let length = minutes(shift.end - shift.start);
    if length > i64::from(rules.max_shift_minutes) {
        found.push(violation(
            "max_shift_length",
            format!(
                "the shift would last {} ({}), more than the {} allowed",
                hours(length),
                span(shift, history.tz),
                hours(rules.max_shift_minutes.into())
            ),
        ));
    }

    let stretch = longest_work_without_break(shift, rules.min_break_minutes);
    if stretch > i64::from(rules.max_work_without_break_minutes) {
        found.push(violation(
            "max_work_without_break",
            format!(
                "{} of work without a break of at least {} min, more than the {} allowed",
                hours(stretch),
                rules.min_break_minutes,
                hours(rules.max_work_without_break_minutes.into())
            ),
        ));
    }

    let neighbours = [at.checked_sub(1).map(|p| (p, at)), Some((at, at + 1))];
    for (before, after) in neighbours.into_iter().flatten() {
        let (Some(a), Some(b)) = (shifts.get(before), shifts.get(after)) else {
            continue;
        };
        let rest = minutes(b.start - a.end);
        if rest < i64::from(rules.min_rest_between_shifts_minutes) {
            found.push(violation(
                "min_rest_between_shifts",
                format!(
                    "only {} of rest between the shift ending {} and the one starting {}, \
                     less than the {} required",
                    hours(rest.max(0)),
                    local(a.end, history.tz),
                    local(b.start, history.tz),
                    hours(rules.min_rest_between_shifts_minutes.into())
                ),
            ));
        }
    }

    // A shift crossing Sunday midnight takes rest from two weeks.
    let first_week = week_of(shift.start, history.tz);
    let last_week = week_of(shift.end - Duration::milliseconds(1), history.tz);
    for week in [
        Some(first_week),
        (last_week != first_week).then_some(last_week),
    ]
    .into_iter()
    .flatten()
    {
        let rest = longest_rest(&shifts, week);
        if rest < i64::from(rules.min_weekly_rest_minutes) {
            found.push(violation(
                "min_weekly_rest",
                format!(
                    "the longest rest in the week from {} would be {}, less than the {} required",
                    local(week.0, history.tz),
                    hours(rest),
                    hours(rules.min_weekly_rest_minutes.into())
                ),
            ));
            break;
        }
    }

    if shift.overtime_minutes > 0 {
        overtime_limits(rules, history, &shifts, at, &mut found);
    }
    found
}

fn overtime_limits(
    rules: &LaborRules,
    history: &WorkHistory,
    shifts: &[Shift],
    at: usize,
    found: &mut Vec<Violation>,
) {
    let tz = history.tz;
    let day_of = |s: &Shift| tz.from_utc_datetime(&s.start.naive_utc()).date_naive();
    let overtime_on = |d: NaiveDate| -> i64 {
        shifts
            .iter()
            .filter(|s| day_of(s) == d)
            .map(|s| i64::from(s.overtime_minutes))
            .sum()
    };
    let day = day_of(&shifts[at]);
    for first in [day.pred_opt(), Some(day)].into_iter().flatten() {
        let Some(second) = first.succ_opt() else {
            continue;
        };
        let two = overtime_on(first) + overtime_on(second);
        if two > i64::from(rules.max_overtime_two_days_minutes) {
            found.push(violation(
                "max_overtime_two_days",
                format!(
                    "{} of overtime on {first} and {second}, more than the {} allowed",
                    hours(two),
                    hours(rules.max_overtime_two_days_minutes.into())
                ),
            ));
            break;
        }
    }
    let week = week_of(shifts[at].start, tz);
    let weekly: i64 = shifts
        .iter()
        .filter(|s| s.start >= week.0 && s.start < week.1)
        .map(|s| i64::from(s.overtime_minutes))
        .sum();
    if weekly > i64::from(rules.max_overtime_week_minutes) {
        found.push(violation(
            "max_overtime_week",
            format!(
                "{} of overtime in the week from {}, more than the {} allowed",
                hours(weekly),
                local(week.0, tz),
                hours(rules.max_overtime_week_minutes.into())
            ),
        ));
    }
    let added = i64::from(shifts[at].overtime_minutes)
        - history
            .shifts
            .iter()
            .find(|s| s.start == shifts[at].start)
            .map_or(0, |s| i64::from(s.overtime_minutes));
    let yearly = i64::from(history.overtime_year_minutes) + added;
    if yearly > i64::from(rules.max_overtime_year_minutes) {
        found.push(violation(
            "max_overtime_year",
            format!(
                "{} of overtime this year, more than the {} allowed",
                hours(yearly),
                hours(rules.max_overtime_year_minutes.into())
            ),
        ));
    }
}

/// Longest run of work in `shift` between breaks of at least `min_break` minutes.
fn longest_work_without_break(shift: &Shift, min_break: u32) -> i64 {
    let mut longest = 0;
    let mut from = shift.start;
    for &(start, end) in &shift.breaks {
        if minutes(end - start) < i64::from(min_break) {
            continue;
        }
        longest = longest.max(minutes(start - from));
        from = from.max(end);
    }
    longest.max(minutes(shift.end - from))
}

/// The local calendar week (Monday 00:00 to the next Monday 00:00) holding `at`.
fn week_of(at: DateTime<Utc>, tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    let date = tz.from_utc_datetime(&at.naive_utc()).date_naive();
    let monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
    let start_of = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| tz.from_local_datetime(&t).earliest())
            .map_or(at, |t| t.with_timezone(&Utc))
    };
    (start_of(monday), start_of(monday + Duration::days(7)))
}

/// Longest time without work inside `window`, the edges of the window bounding it.
fn longest_rest(shifts: &[Shift], window: (DateTime<Utc>, DateTime<Utc>)) -> i64 {
    let mut longest = 0;
    let mut free_from = window.0;
    for s in shifts {
        if s.end <= window.0 || s.start >= window.1 {
            continue;
        }
        longest = longest.max(minutes(s.start - free_from));
        free_from = free_from.max(s.end);
    }
    longest.max(minutes(window.1 - free_from))
}

fn local(at: DateTime<Utc>, tz: Tz) -> String {
    tz.from_utc_datetime(&at.naive_utc())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn span(shift: &Shift, tz: Tz) -> String {
    format!("{} to {}", local(shift.start, tz), local(shift.end, tz))
}

/// Pay of `added` overtime minutes at `hourly_rate` on a day that already has `already`
/// overtime minutes: the first [`LaborRules::overtime_first_minutes`] of the day at the
/// first multiplier, the rest at the second (TK RF art. 152).
pub fn overtime_pay(rules: &LaborRules, hourly_rate: f64, already: u32, added: u32) -> f64 {
    let first_left = rules.overtime_first_minutes.saturating_sub(already);
    let first = added.min(first_left);
    let after = added - first;
    hourly_rate / 60.0
        * (f64::from(first) * rules.overtime_first_multiplier
            + f64::from(after) * rules.overtime_after_multiplier)
}

/// Pay of `minutes` of work on a day off at `hourly_rate` (TK RF art. 153).
pub fn day_off_pay(rules: &LaborRules, hourly_rate: f64, minutes: u32) -> f64 {
    hourly_rate / 60.0 * f64::from(minutes) * rules.day_off_multiplier
}

#[cfg(test)]
mod tests;

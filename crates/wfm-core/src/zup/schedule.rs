//! Work schedules as sendSchedule carries them: the day and night milliseconds WFM sends
//! for a shift, and the rules 1C ZUP applies when it turns the shifts into full-month
//! Individual schedules (closed periods, employment dates, calendars, refusals).

use chrono::{Datelike, Month, Months, NaiveDate, NaiveDateTime};

use super::deviation::{Span, merge, split_day_night, subtract};
use super::time_type::TimeType;

/// Day and night milliseconds of a shift [start, end) minus unpaid breaks (night = 22:00-06:00 local), as sendSchedule's daily_hours / night_hours.
pub fn shift_millis(shift: Span, unpaid: &[Span]) -> (i64, i64) {
    let paid = subtract(&merge(&[shift]), &merge(unpaid));
    let (mut day, mut night) = (0i64, 0i64);
    for piece in paid {
        for (part, is_night) in split_day_night(piece) {
            let ms = part.millis();
            if is_night {
                night = night.saturating_add(ms);
            } else {
                day = day.saturating_add(ms);
            }
        }
    }
    (day, night)
}

/// Why 1C refuses to create schedules; Display gives 1C's exact message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleRefusal {
    /// "It is forbidden to modify schedules for past periods. Individual schedules have not been created."
    #[error(
        "It is forbidden to modify schedules for past periods. Individual schedules have not been created."
    )]
    PastPeriod,
    /// "For 2021, the RF production calendar has not been filled in! Individual schedules have not been created."
    #[error(
        "For {year}, the RF production calendar has not been filled in! Individual schedules have not been created."
    )]
    MissingCalendar { year: i32 },
    /// "For September 2019, there is a part-month schedule for an employee. Delete this schedule in 1C:ZUP and re-upload the schedules from WFM."  (English month name)
    #[error(
        "For {} {year}, there is a part-month schedule for an employee. Delete this schedule in 1C:ZUP and re-upload the schedules from WFM.",
        month_name(*.month)
    )]
    PartMonth { year: i32, month: u32 },
    /// "There is no data for the employee. Individual schedules have not been created."
    #[error("There is no data for the employee. Individual schedules have not been created.")]
    NoData,
}

impl ScheduleRefusal {
    /// What the user must do: "Use current month or later", "Load production calendar", "Delete existing schedule", "Provide shift data" (from the feature file's tables).
    pub fn action(&self) -> &'static str {
        match self {
            ScheduleRefusal::PastPeriod => "Use current month or later",
            ScheduleRefusal::MissingCalendar { .. } => "Load production calendar",
            ScheduleRefusal::PartMonth { .. } => "Delete existing schedule",
            ScheduleRefusal::NoData => "Provide shift data",
        }
    }
}

/// One day of an Individual schedule: None for the blank days before hire / after termination.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleDay {
    pub date: NaiveDate,
    pub time_type: Option<TimeType>,
    pub hours: f64,
}

/// One employee's Individual schedule for one full month.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthSchedule {
    pub year: i32,
    pub month: u32,
    /// Every day of the month, in order.
    pub days: Vec<ScheduleDay>,
}

/// A shift as received: its local start and its day and night milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReceivedShift {
    pub start: NaiveDateTime,
    pub day_ms: i64,
    pub night_ms: i64,
}

/// What 1C knows when it receives a sendSchedule request.
pub struct ScheduleContext<'a> {
    /// The local date of the request; months before its month are closed.
    pub today: NaiveDate,
    pub hired: NaiveDate,
    pub terminated: Option<NaiveDate>,
    /// Whether the RF production calendar of a year is loaded.
    pub has_calendar: &'a dyn Fn(i32) -> bool,
    /// Whether a carried-out part-month Individual schedule exists for (year, month).
    pub part_month_schedule: &'a dyn Fn(i32, u32) -> bool,
}

/// The full-month Individual schedules 1C creates for [period1, period2]: months before the current month are skipped (closed period; PastPeriod if period2 is before the current month), months before the hire month and after the termination month are not created, days before hire / after termination blank. Every created day holds the shift booked to it (time type I or H by the shift start via time_type::TimeType::of_start, hours = (day_ms+night_ms)/3_600_000, several shifts on one date add up, type of the first) or B (day off, 0 h). Checks in this order: PastPeriod (the period is checked before its content), NoData if `shifts` is empty, then per month MissingCalendar, PartMonth.
///
/// "The first" shift of a date is the one starting earliest. A created month holds every
/// received shift of its dates, also those outside [period1, period2], since 1C keeps one
/// document per full month. A period ending before it starts creates nothing.
pub fn plan_schedules(
    period1: NaiveDate,
    period2: NaiveDate,
    shifts: &[ReceivedShift],
    ctx: &ScheduleContext,
) -> Result<Vec<MonthSchedule>, ScheduleRefusal> {
    let current = first_of_month(ctx.today);
    if period2 < current {
        return Err(ScheduleRefusal::PastPeriod);
    }
    if shifts.is_empty() {
        return Err(ScheduleRefusal::NoData);
    }
    let first = first_of_month(period1)
        .max(current)
        .max(first_of_month(ctx.hired));
    let last = ctx.terminated.map_or(period2, |t| t.min(period2));
    let mut shifts = shifts.to_vec();
    shifts.sort_by_key(|s| s.start);
    let mut out = Vec::new();
    let mut month = first;
    while month <= last {
        if !(ctx.has_calendar)(month.year()) {
            return Err(ScheduleRefusal::MissingCalendar { year: month.year() });
        }
        if (ctx.part_month_schedule)(month.year(), month.month()) {
            return Err(ScheduleRefusal::PartMonth {
                year: month.year(),
                month: month.month(),
            });
        }
        out.push(MonthSchedule {
            year: month.year(),
            month: month.month(),
            days: month_days(month, &shifts, ctx),
        });
        match month.checked_add_months(Months::new(1)) {
            Some(next) => month = next,
            None => break,
        }
    }
    Ok(out)
}

/// The days of the month starting `month`; `shifts` sorted by start.
fn month_days(
    month: NaiveDate,
    shifts: &[ReceivedShift],
    ctx: &ScheduleContext,
) -> Vec<ScheduleDay> {
    month
        .iter_days()
        .take_while(|date| date.month() == month.month())
        .map(|date| {
            let employed =
                ctx.hired <= date && ctx.terminated.is_none_or(|terminated| date <= terminated);
            if !employed {
                return ScheduleDay {
                    date,
                    time_type: None,
                    hours: 0.0,
                };
            }
            let booked: Vec<&ReceivedShift> =
                shifts.iter().filter(|s| s.start.date() == date).collect();
            let ms = booked
                .iter()
                .map(|s| s.day_ms.saturating_add(s.night_ms))
                .fold(0i64, i64::saturating_add);
            ScheduleDay {
                date,
                time_type: Some(TimeType::of_start(booked.first().map(|s| s.start.time()))),
                hours: ms as f64 / 3_600_000.0,
            }
        })
        .collect()
}

fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

fn month_name(month: u32) -> String {
    u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .map_or_else(|| month.to_string(), |m| m.name().to_string())
}

#[cfg(test)]
mod tests;

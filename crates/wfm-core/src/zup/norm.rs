//! Norm hours by the production calendar, as 1C ZUP computes them:
//! ((weekly norm / 5) x working days - shortened days x 1 h) x employment rate, over the part
//! of the period the employee is employed, each weekly norm applied from its change date.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};

use super::calendar::ProductionCalendar;

/// A weekly norm in force from a date on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NormChange {
    pub from: NaiveDate,
    pub weekly_hours: f64,
}

/// What the norm of one employee depends on.
#[derive(Debug, Clone, PartialEq)]
pub struct Employment {
    pub hired: Option<NaiveDate>,
    pub terminated: Option<NaiveDate>,
    /// Share of a full position, (0, 1] or more for over-time positions.
    pub rate: f64,
    pub norms: Vec<NormChange>,
}

/// How a request's range is cut into reporting periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodMode {
    Month,
    Quarter,
    Year,
}

/// Norm hours of one period, with the dates actually counted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NormHours {
    /// The counted period: the reporting period cut to the employment.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Rounded to hundredths of an hour.
    pub hours: f64,
}

/// Why norm hours could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NormError {
    #[error("no production calendar for {0}")]
    MissingCalendar(i32),
    #[error("no weekly norm in force on {0}")]
    NoNorm(NaiveDate),
    #[error("{0}")]
    Invalid(String),
}

/// Production calendars by year.
pub type Calendars = BTreeMap<i32, ProductionCalendar>;

/// The reporting periods of `mode` that [from, to] touches, each cut to [from, to].
pub fn periods(mode: PeriodMode, from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let months = match mode {
        PeriodMode::Month => 1,
        PeriodMode::Quarter => 3,
        PeriodMode::Year => 12,
    };
    let mut out = Vec::new();
    let first_month = (from.month0() / months) * months + 1;
    let mut start = NaiveDate::from_ymd_opt(from.year(), first_month, 1).unwrap_or(from);
    while start <= to {
        let Some(next) = start.checked_add_months(Months::new(months)) else {
            break;
        };
        let end = next.pred_opt().unwrap_or(next);
        out.push((start.max(from), end.min(to)));
        start = next;
    }
    out
}

/// Norm hours of `employment` in [from, to].
pub fn norm_hours(
    calendars: &Calendars,
    employment: &Employment,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<NormHours, NormError> {
    if !(employment.rate.is_finite() && employment.rate > 0.0) {
        return Err(NormError::Invalid("rate must be above 0".into()));
    }
    if to < from {
        return Err(NormError::Invalid(
            "the period ends before it starts".into(),
        ));
    }
    let start = employment.hired.map_or(from, |h| h.max(from));
    let end = employment.terminated.map_or(to, |t| t.min(to));
    if end < start {
        return Ok(NormHours {
            from: start,
            to: end,
            hours: 0.0,
        });
    }
    let mut norms = employment.norms.clone();
    norms.sort_by_key(|n| n.from);
    let mut hours = 0.0;
    let mut day = start;
    // Walk stretches that share one weekly norm and one calendar year.
    while day <= end {
        let norm = norms
            .iter()
            .rev()
            .find(|n| n.from <= day)
            .ok_or(NormError::NoNorm(day))?;
        let next_change = norms.iter().map(|n| n.from).find(|d| *d > day);
        let year_end = NaiveDate::from_ymd_opt(day.year(), 12, 31).unwrap_or(end);
        let stretch_end = next_change
            .and_then(|d| d.pred_opt())
            .map_or(end, |d| d.min(end))
            .min(year_end);
        let calendar = calendars
            .get(&day.year())
            .ok_or(NormError::MissingCalendar(day.year()))?;
        let (working, shortened) = calendar.count(day, stretch_end);
        hours += norm.weekly_hours / 5.0 * f64::from(working) - f64::from(shortened);
        match stretch_end.succ_opt() {
            Some(d) => day = d,
            None => break,
        }
    }
    let hours = (hours * employment.rate * 100.0).round() / 100.0;
    Ok(NormHours {
        from: start,
        to: end,
        hours,
    })
}

//! getTimetypeInfo as the simulated 1C answers it: per agent and local day the time type of
//! the Individual schedule (Я, Н, В) and of the deviation documents (С, НВ, РВ, РВН), the
//! "No-shows by reason" block and the days and hours worked in each half of the month.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use wfm_core::zup::time_type::TimeType;

use super::methods::{Failure, invalid};
use super::state::ZupState;
use crate::integrations::zup::contract::{
    AbsenceJson, END_BEFORE_START, Moment, TimesheetJson, TimetypeDayJson, TimetypeRequest,
    required_missing,
};

/// The letter codes of the timesheet, in 1C's Cyrillic, by the Latin codes of the rules.
fn letter(code: &str) -> &'static str {
    match code {
        "I" => "Я",
        "H" => "Н",
        "B" => "В",
        "C" => "С",
        "NV" => "НВ",
        "RV" => "РВ",
        "RVN" => "РВН",
        _ => "",
    }
}

/// The order deviations are listed in on a day.
const DEVIATION_CODES: [&str; 4] = ["C", "NV", "RV", "RVN"];

/// What one day of the timesheet holds.
#[derive(Debug, Default)]
struct Day {
    /// The schedule's time type and planned hours.
    scheduled: Option<(TimeType, f64)>,
    /// Deviation hours by Latin code.
    deviations: BTreeMap<&'static str, f64>,
}

impl Day {
    fn hours(&self, code: &str) -> f64 {
        self.deviations.get(code).copied().unwrap_or(0.0)
    }

    /// Planned work left after absences (an absence displaces the hours it covers).
    fn scheduled_worked(&self) -> f64 {
        match self.scheduled {
            Some((TimeType::Day | TimeType::Night, planned)) => {
                (planned - self.hours("NV")).max(0.0)
            }
            _ => 0.0,
        }
    }

    fn worked(&self) -> f64 {
        self.scheduled_worked() + self.hours("C") + self.hours("RV") + self.hours("RVN")
    }
}

fn round2(hours: f64) -> f64 {
    (hours * 100.0).round() / 100.0
}

/// 5, 2.5: a number as text without a trailing ".0".
fn number_text(n: f64) -> String {
    let n = round2(n);
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        n.to_string()
    }
}

impl ZupState {
    /// The start of local day `day` as a UTC moment.
    fn day_moment(&self, day: NaiveDate) -> Moment {
        let midnight = day.and_time(chrono::NaiveTime::MIN);
        let utc = self
            .tz
            .from_local_datetime(&midnight)
            .earliest()
            .map_or_else(
                || Utc.from_utc_datetime(&midnight),
                |t| t.with_timezone(&Utc),
            );
        Moment::Fixed(utc.fixed_offset())
    }

    /// POST getTimetypeInfo over the local days of [date_start, date_end].
    pub fn timetype_info(&self, request: &TimetypeRequest) -> Result<Vec<TimesheetJson>, Failure> {
        let from = request.date_start.local(&self.tz).date();
        let to = request.date_end.local(&self.tz).date();
        if to < from {
            return Err(invalid("date_end", END_BEFORE_START));
        }
        if request.agents.is_empty() {
            return Err(invalid("AR_agents", required_missing("AR_agents")));
        }
        let mut ids = Vec::with_capacity(request.agents.len());
        for (i, a) in request.agents.iter().enumerate() {
            let field = format!("AR_agents[{i}].agentId");
            let id = a.agent_id.trim();
            if id.is_empty() {
                return Err(invalid(&field, required_missing(&field)));
            }
            if self.staff(id).is_none() {
                return Err(invalid(
                    &field,
                    crate::integrations::zup::contract::employee_not_found(id),
                ));
            }
            ids.push(id.to_string());
        }
        let sheets: Vec<TimesheetJson> =
            ids.iter().map(|id| self.timesheet(id, from, to)).collect();
        if sheets.iter().all(|s| s.days.is_empty()) {
            return Err(Failure::NoData);
        }
        Ok(sheets)
    }

    fn timesheet(&self, agent_id: &str, from: NaiveDate, to: NaiveDate) -> TimesheetJson {
        let mut days: BTreeMap<NaiveDate, Day> = BTreeMap::new();
        let in_range = |d: NaiveDate| from <= d && d <= to;
        let months = self.schedules.get(agent_id).into_iter().flatten();
        for ((year, month), stored) in months {
            let first = NaiveDate::from_ymd_opt(*year, *month, 1);
            let last = first
                .and_then(|f| f.checked_add_months(chrono::Months::new(1)))
                .and_then(|n| n.pred_opt());
            if first.is_none_or(|f| f > to) || last.is_none_or(|l| l < from) {
                continue;
            }
            for d in stored.days.iter().filter(|d| in_range(d.date)) {
                if let Some(t) = d.time_type {
                    days.entry(d.date).or_default().scheduled = Some((t, d.hours));
                }
            }
        }
        for doc in self
            .documents
            .iter()
            .filter(|d| d.agent_id == agent_id && in_range(d.shift_date))
        {
            if let Some(code) = DEVIATION_CODES.iter().find(|c| **c == doc.code) {
                *days
                    .entry(doc.shift_date)
                    .or_default()
                    .deviations
                    .entry(code)
                    .or_default() += doc.hours;
            }
        }
        let mut entries = Vec::new();
        let (mut absent_days, mut absent_hours, mut whole_days_only) = (0u32, 0.0, true);
        let mut halves = [(0u32, 0.0f64); 2];
        for (date, day) in &days {
            let moment = self.day_moment(*date);
            let mut push = |code: &str, hours: f64| {
                entries.push(TimetypeDayJson {
                    date: moment,
                    timetype: letter(code).to_string(),
                    hours: round2(hours),
                });
            };
            let weekend_work = day.hours("RV") + day.hours("RVN");
            match day.scheduled {
                // Work on the day off displaces it.
                Some((TimeType::DayOff, _)) if weekend_work == 0.0 => push("B", 0.0),
                Some((TimeType::DayOff, _)) | None => {}
                Some((t, planned)) => {
                    let left = day.scheduled_worked();
                    if left > 0.0 || planned == 0.0 {
                        push(t.code(), left);
                    }
                }
            }
            for code in DEVIATION_CODES {
                let hours = day.hours(code);
                if hours > 0.0 {
                    push(code, hours);
                }
            }
            let absent = day.hours("NV");
            if absent > 0.0 {
                absent_days += 1;
                absent_hours += absent;
                let planned = day.scheduled.map_or(0.0, |(_, h)| h);
                if absent + 1e-9 < planned {
                    whole_days_only = false;
                }
            }
            let worked = day.worked();
            if worked > 0.0 {
                let half = &mut halves[usize::from(date.day() > 15)];
                half.0 += 1;
                half.1 += worked;
            }
        }
        let absences = if absent_days == 0 {
            Vec::new()
        } else {
            let hours_n = if whole_days_only {
                absent_days.to_string()
            } else {
                format!("{absent_days}({})", number_text(absent_hours))
            };
            vec![AbsenceJson {
                timetype_n: letter("NV").to_string(),
                hours_n,
            }]
        };
        TimesheetJson {
            agent_id: agent_id.to_string(),
            days: entries,
            absences,
            half1_days: halves[0].0,
            half1_hours: round2(halves[0].1),
            half2_days: halves[1].0,
            half2_hours: round2(halves[1].1),
        }
    }
}

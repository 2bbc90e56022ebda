//! The Russian production calendar (the widely used xmlcalendar format): which days of a
//! year are working days, shortened pre-holiday days, or days off.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use quick_xml::Reader;
use quick_xml::events::Event;

/// What a day is in the production calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    Working,
    /// A working day one hour shorter (before a holiday).
    Shortened,
    DayOff,
}

/// One year's calendar: the days that differ from the plain rule (Monday to Friday work,
/// Saturday and Sunday off).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductionCalendar {
    pub year: i32,
    exceptions: BTreeMap<NaiveDate, DayKind>,
}

/// The Russian federal production calendars that ship with wfm-pulse, by year.
pub const BUNDLED: &[(i32, &str)] = &[
    (2018, include_str!("../../calendars/2018.xml")),
    (2023, include_str!("../../calendars/2023.xml")),
    (2024, include_str!("../../calendars/2024.xml")),
    (2025, include_str!("../../calendars/2025.xml")),
    (2026, include_str!("../../calendars/2026.xml")),
];

/// The bundled calendar text of `year`, if wfm-pulse ships one.
pub fn bundled(year: i32) -> Option<&'static str> {
    BUNDLED
        .iter()
        .find(|(y, _)| *y == year)
        .map(|(_, xml)| *xml)
}

/// Why a calendar file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("production calendar: {0}")]
pub struct CalendarError(pub String);

fn bad(message: impl Into<String>) -> CalendarError {
    CalendarError(message.into())
}

impl ProductionCalendar {
    /// Reads the xmlcalendar format: `<calendar year="YYYY">` with `<day d="MM.DD" t="T"/>`,
    /// t = 1 day off, 2 shortened working day, 3 working weekend day.
    pub fn parse_xml(xml: &str) -> Result<Self, CalendarError> {
        let mut reader = Reader::from_str(xml);
        let mut year = None;
        let mut days: Vec<(String, String)> = Vec::new();
        loop {
            match reader
                .read_event()
                .map_err(|e| bad(format!("not XML: {e}")))?
            {
                Event::Eof => break,
                Event::Start(e) | Event::Empty(e) => {
                    let name = e.name().as_ref().to_vec();
                    let mut attrs: BTreeMap<Vec<u8>, String> = BTreeMap::new();
                    for a in e.attributes() {
                        let a = a.map_err(|e| bad(format!("bad attribute: {e}")))?;
                        let value = a
                            .unescape_value()
                            .map_err(|e| bad(format!("bad attribute value: {e}")))?;
                        attrs.insert(a.key.as_ref().to_vec(), value.into_owned());
                    }
                    match name.as_slice() {
                        b"calendar" => {
                            let y = attrs
                                .get(b"year".as_slice())
                                .ok_or_else(|| bad("calendar has no year"))?;
                            year = Some(
                                y.parse::<i32>()
                                    .map_err(|_| bad(format!("year {y:?} is not a year")))?,
                            );
                        }
                        b"day" => {
                            let d = attrs
                                .get(b"d".as_slice())
                                .ok_or_else(|| bad("a day has no d"))?;
                            let t = attrs
                                .get(b"t".as_slice())
                                .ok_or_else(|| bad(format!("day {d} has no t")))?;
                            days.push((d.clone(), t.clone()));
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        let year = year.ok_or_else(|| bad("no <calendar year=...> element"))?;
        let mut exceptions = BTreeMap::new();
        for (d, t) in days {
            let (month, day) = d
                .split_once('.')
                .ok_or_else(|| bad(format!("day {d:?} is not MM.DD")))?;
            let date = month
                .parse()
                .ok()
                .zip(day.parse().ok())
                .and_then(|(m, dd)| NaiveDate::from_ymd_opt(year, m, dd))
                .ok_or_else(|| bad(format!("day {d:?} is not a date of {year}")))?;
            let kind = match t.as_str() {
                "1" => DayKind::DayOff,
                "2" => DayKind::Shortened,
                "3" => DayKind::Working,
                other => return Err(bad(format!("day {d}: type {other:?} is not 1, 2 or 3"))),
            };
            exceptions.insert(date, kind);
        }
        Ok(ProductionCalendar { year, exceptions })
    }

    /// What `date` is (a date outside the calendar's year follows the plain rule).
    pub fn day(&self, date: NaiveDate) -> DayKind {
        if let Some(kind) = self.exceptions.get(&date) {
            return *kind;
        }
        match date.weekday() {
            Weekday::Sat | Weekday::Sun => DayKind::DayOff,
            _ => DayKind::Working,
        }
    }

    /// Working days (shortened ones included) and shortened days in [from, to], inclusive.
    pub fn count(&self, from: NaiveDate, to: NaiveDate) -> (u32, u32) {
        let (mut working, mut shortened) = (0, 0);
        for date in from.iter_days().take_while(|d| *d <= to) {
            match self.day(date) {
                DayKind::Working => working += 1,
                DayKind::Shortened => {
                    working += 1;
                    shortened += 1;
                }
                DayKind::DayOff => {}
            }
        }
        (working, shortened)
    }
}

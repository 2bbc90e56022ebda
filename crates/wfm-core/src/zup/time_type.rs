//! 1C ZUP time types of a schedule day: I (day work) or H (night work) by the local start of
//! the shift, B (day off) with no shift; a shift is booked whole to the date it starts on.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};

/// A 1C ZUP time type of the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeType {
    /// Day work: the shift starts 06:00:00-21:59:59.
    Day,
    /// Night work: the shift starts 22:00:00-05:59:59.
    Night,
    /// No shift that day.
    DayOff,
}

impl TimeType {
    /// The letter code 1C ZUP uses (Cyrillic in 1C; Latin in the integration contract).
    pub fn code(self) -> &'static str {
        match self {
            TimeType::Day => "I",
            TimeType::Night => "H",
            TimeType::DayOff => "B",
        }
    }

    /// The type of a shift starting at `start` (local time), or of a day without a shift.
    pub fn of_start(start: Option<NaiveTime>) -> TimeType {
        match start.map(|t| t.hour()) {
            None => TimeType::DayOff,
            Some(h) if (6..22).contains(&h) => TimeType::Day,
            Some(_) => TimeType::Night,
        }
    }
}

/// A shift as 1C ZUP books it: on its start date, with all its hours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BookedShift {
    pub date: NaiveDate,
    pub time_type: TimeType,
    pub hours: f64,
}

/// Books a shift given in local times; `None` if it ends before it starts.
pub fn book(start: NaiveDateTime, end: NaiveDateTime) -> Option<BookedShift> {
    (end >= start).then(|| BookedShift {
        date: start.date(),
        time_type: TimeType::of_start(Some(start.time())),
        hours: (end - start).num_seconds() as f64 / 3600.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, s)
            .unwrap()
    }

    #[test]
    fn the_boundaries_of_day_and_night() {
        let t = |h, m, s| TimeType::of_start(Some(NaiveTime::from_hms_opt(h, m, s).unwrap()));
        assert_eq!(t(5, 59, 59), TimeType::Night);
        assert_eq!(t(6, 0, 0), TimeType::Day);
        assert_eq!(t(21, 59, 59), TimeType::Day);
        assert_eq!(t(22, 0, 0), TimeType::Night);
        assert_eq!(t(0, 0, 0), TimeType::Night);
        assert_eq!(TimeType::of_start(None), TimeType::DayOff);
        assert_eq!(
            [TimeType::Day, TimeType::Night, TimeType::DayOff].map(TimeType::code),
            ["I", "H", "B"]
        );
    }

    /// The scenario's examples. Its "19:00 start = H" contradicts its own ranges (19:00 is
    /// within 06:00-21:59, so I); we follow the ranges.
    #[test]
    fn transitional_shifts_are_booked_to_their_start_date() {
        let night = book(at(2018, 2, 1, 19, 0, 0), at(2018, 2, 2, 7, 0, 0)).unwrap();
        assert_eq!(
            (night.date, night.hours, night.time_type),
            (
                NaiveDate::from_ymd_opt(2018, 2, 1).unwrap(),
                12.0,
                TimeType::Day
            )
        );
        let new_year = book(at(2018, 12, 31, 22, 0, 0), at(2019, 1, 1, 6, 0, 0)).unwrap();
        assert_eq!(
            (new_year.date, new_year.hours, new_year.time_type),
            (
                NaiveDate::from_ymd_opt(2018, 12, 31).unwrap(),
                8.0,
                TimeType::Night
            )
        );
        assert_eq!(book(at(2018, 1, 2, 9, 0, 0), at(2018, 1, 2, 8, 0, 0)), None);
    }
}

//! How fresh the data an integration brought in is, and the warning a response carries when
//! it is older than its source's expected cycle, when the source is unavailable, or when
//! what was sent is still pending: the freshness table of the cross-system reporting
//! scenario ("Employee data may be outdated", "Vacation balances not current", "Schedule
//! status pending").

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

/// Where data comes from, each with the warning its readers see when it may be outdated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DataSource {
    /// Employees from 1C ZUP (the personnel sync).
    Personnel,
    /// Vacation balances, which come with the personnel.
    VacationBalances,
    /// Norm hours by the production calendar from 1C ZUP.
    NormHours,
    /// Time types of the timesheet from 1C ZUP.
    Timesheet,
    /// Schedules sent to 1C ZUP.
    ScheduleUpload,
    /// Operator statuses and call events from the contact center.
    ContactCenter,
}

impl DataSource {
    pub fn as_str(self) -> &'static str {
        match self {
            DataSource::Personnel => "personnel",
            DataSource::VacationBalances => "vacation_balances",
            DataSource::NormHours => "norm_hours",
            DataSource::Timesheet => "timesheet",
            DataSource::ScheduleUpload => "schedule_upload",
            DataSource::ContactCenter => "contact_center",
        }
    }

    /// What a reader is warned of when the data may be outdated.
    pub fn warning(self) -> &'static str {
        match self {
            DataSource::Personnel => "Employee data may be outdated",
            DataSource::VacationBalances => "Vacation balances not current",
            DataSource::NormHours => "Norm hours may be outdated",
            DataSource::Timesheet => "Timesheet may be outdated",
            DataSource::ScheduleUpload => "Schedule status pending",
            DataSource::ContactCenter => "Contact-center data may be outdated",
        }
    }

    fn system(self) -> &'static str {
        match self {
            DataSource::ContactCenter => "the contact center",
            _ => "1C ZUP",
        }
    }
}

/// How fresh one source's data is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Freshness {
    pub source: DataSource,
    /// When it was last brought in (for schedules: last sent) successfully.
    pub as_of: Option<DateTime<Utc>>,
    pub age_seconds: Option<i64>,
    /// How often it is expected to be brought in; `None` when only on request.
    pub expected_cycle_seconds: Option<i64>,
    /// Whether a warning applies.
    pub stale: bool,
    /// The source's warning and why; absent when the data is current.
    pub warning: Option<String>,
}

/// A duration in words: "45 s", "12 min", "5 min 1 s", "3 h 5 min", "26 h", "3 d".
pub fn span(d: TimeDelta) -> String {
    let s = d.num_seconds().max(0);
    match s {
        0..120 => format!("{s} s"),
        120..7_200 => match (s / 60, s % 60) {
            (m, 0) => format!("{m} min"),
            (m, r) => format!("{m} min {r} s"),
        },
        7_200..172_800 => match (s / 3600, s % 3600 / 60) {
            (h, 0) => format!("{h} h"),
            (h, m) => format!("{h} h {m} min"),
        },
        _ => format!("{} d", s / 86_400),
    }
}

/// The freshness of `source`'s data last brought in at `as_of`, at `now`.
///
/// Warnings: schedules warn while `pending` uploads are not done ("Schedule status
/// pending: N schedule uploads to 1C ZUP are not done yet", with 1C's unavailability when
/// it is so); the others warn when never brought in, when the source is `unavailable`
/// (cached data shown), or when older than `cycle`.
pub fn assess(
    source: DataSource,
    as_of: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    cycle: Option<TimeDelta>,
    unavailable: bool,
    pending: u64,
) -> Freshness {
    let age = as_of.map(|t| now - t);
    let w = source.warning();
    let system = source.system();
    let warning = if source == DataSource::ScheduleUpload {
        (pending > 0).then(|| {
            format!(
                "{w}: {pending} schedule upload{} to 1C ZUP {} not done yet{}",
                if pending == 1 { "" } else { "s" },
                if pending == 1 { "is" } else { "are" },
                if unavailable {
                    " (1C ZUP is unavailable; they go out when it answers)"
                } else {
                    ""
                }
            )
        })
    } else {
        match (as_of, age) {
            (None, _) | (_, None) => Some(format!("{w}: never brought in from {system}")),
            (Some(t), _) if unavailable => Some(format!(
                "{w}: {system} is unavailable, showing the data as of {}",
                t.to_rfc3339()
            )),
            (Some(t), Some(a)) => cycle.filter(|c| a > *c).map(|c| {
                format!(
                    "{w}: last brought in {} ({} ago), longer than the expected cycle of {}",
                    t.to_rfc3339(),
                    span(a),
                    span(c)
                )
            }),
        }
    };
    Freshness {
        source,
        as_of,
        age_seconds: age.map(|a| a.num_seconds()),
        expected_cycle_seconds: cycle.map(|c| c.num_seconds()),
        stale: warning.is_some(),
        warning,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 0, 0, 0).unwrap() + TimeDelta::hours(h)
    }

    #[test]
    fn spans_read_as_people_say_them() {
        let s = |secs| span(TimeDelta::seconds(secs));
        assert_eq!(
            [
                s(-5),
                s(0),
                s(119),
                s(120),
                s(7_199),
                s(7_200),
                s(3 * 3600 + 300),
                s(26 * 3600),
                s(172_800)
            ],
            [
                "0 s",
                "0 s",
                "119 s",
                "2 min",
                "119 min 59 s",
                "2 h",
                "3 h 5 min",
                "26 h",
                "2 d"
            ]
        );
    }

    #[test]
    fn personnel_within_its_cycle_is_current_and_older_warns() {
        let day = Some(TimeDelta::hours(25));
        let fresh = assess(DataSource::Personnel, Some(t(0)), t(25), day, false, 0);
        assert_eq!(
            fresh,
            Freshness {
                source: DataSource::Personnel,
                as_of: Some(t(0)),
                age_seconds: Some(90_000),
                expected_cycle_seconds: Some(90_000),
                stale: false,
                warning: None,
            }
        );
        let old = assess(DataSource::Personnel, Some(t(0)), t(26), day, false, 0);
        assert!(old.stale);
        assert_eq!(
            old.warning.as_deref(),
            Some(
                "Employee data may be outdated: last brought in 2026-11-26T00:00:00+00:00 \
                 (26 h ago), longer than the expected cycle of 25 h"
            )
        );
    }

    #[test]
    fn unavailable_and_never_synced_sources_warn_with_the_scenario_texts() {
        let day = Some(TimeDelta::hours(25));
        let down = assess(DataSource::VacationBalances, Some(t(0)), t(1), day, true, 0);
        assert_eq!(
            down.warning.as_deref(),
            Some(
                "Vacation balances not current: 1C ZUP is unavailable, showing the data as of \
                 2026-11-26T00:00:00+00:00"
            )
        );
        let never = assess(DataSource::Personnel, None, t(1), day, false, 0);
        assert_eq!(
            (never.stale, never.warning.as_deref(), never.age_seconds),
            (
                true,
                Some("Employee data may be outdated: never brought in from 1C ZUP"),
                None
            )
        );
        let cc = assess(DataSource::ContactCenter, None, t(1), None, false, 0);
        assert_eq!(
            cc.warning.as_deref(),
            Some("Contact-center data may be outdated: never brought in from the contact center")
        );
    }

    #[test]
    fn schedules_warn_only_while_uploads_are_pending() {
        let none = assess(DataSource::ScheduleUpload, None, t(1), None, true, 0);
        assert_eq!((none.stale, none.warning), (false, None));
        let one = assess(DataSource::ScheduleUpload, Some(t(0)), t(1), None, false, 1);
        assert_eq!(
            one.warning.as_deref(),
            Some("Schedule status pending: 1 schedule upload to 1C ZUP is not done yet")
        );
        let three = assess(DataSource::ScheduleUpload, Some(t(0)), t(1), None, true, 3);
        assert_eq!(
            three.warning.as_deref(),
            Some(
                "Schedule status pending: 3 schedule uploads to 1C ZUP are not done yet \
                 (1C ZUP is unavailable; they go out when it answers)"
            )
        );
    }
}

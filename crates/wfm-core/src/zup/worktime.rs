//! Planned and actual work time of an operator as 1C ZUP wants it: shifts made of the
//! timetable's contiguous segments (lunch unpaid, breaks paid), and presence (logged in)
//! read from the operator's state changes. Local wall-clock times in the site's zone.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::deviation::{Span, merge, subtract};
use super::schedule::shift_millis;
use crate::event::AgentState;
use crate::plan::{Activity, Segment};

/// One planned shift in local time, with its unpaid breaks.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedShift {
    pub span: Span,
    pub unpaid: Vec<Span>,
    /// When it starts, as an instant (for the contract's `date_start` with an offset).
    pub start_utc: DateTime<Utc>,
}

impl PlannedShift {
    /// The 1C ZUP date of the shift: the local date it starts on.
    pub fn date(&self) -> NaiveDate {
        self.span.start.date()
    }

    /// Day and night milliseconds, unpaid breaks subtracted (sendSchedule's hours).
    pub fn millis(&self) -> (i64, i64) {
        shift_millis(self.span, &self.unpaid)
    }

    /// The planned working time: the shift without its unpaid breaks.
    pub fn worked(&self) -> Vec<Span> {
        subtract(&[self.span], &merge(&self.unpaid))
    }
}

fn local(t: DateTime<Utc>, tz: Tz) -> chrono::NaiveDateTime {
    t.with_timezone(&tz).naive_local()
}

/// The shifts of one operator's segments: segments that touch form one shift; lunch is
/// unpaid, everything else (line work, breaks, training, meetings) is paid working time.
pub fn shifts(segments: &[Segment], tz: Tz) -> Vec<PlannedShift> {
    let mut sorted: Vec<&Segment> = segments.iter().collect();
    sorted.sort_by_key(|s| s.start);
    let mut out: Vec<(DateTime<Utc>, DateTime<Utc>, Vec<Span>)> = Vec::new();
    for s in sorted {
        let unpaid = (s.activity == Activity::Lunch).then(|| Span {
            start: local(s.start, tz),
            end: local(s.end, tz),
        });
        match out.last_mut() {
            Some((_, end, lunches)) if s.start <= *end => {
                *end = (*end).max(s.end);
                lunches.extend(unpaid);
            }
            _ => out.push((s.start, s.end, unpaid.into_iter().collect())),
        }
    }
    out.into_iter()
        .map(|(start, end, unpaid)| PlannedShift {
            span: Span {
                start: local(start, tz),
                end: local(end, tz),
            },
            unpaid,
            start_utc: start,
        })
        .collect()
}

/// The spans an operator was logged in (any state but logged out), from state changes in
/// time order; a presence still open at `until` ends there.
pub fn presence(
    changes: &[(DateTime<Utc>, AgentState)],
    until: DateTime<Utc>,
    tz: Tz,
) -> Vec<Span> {
    let mut out = Vec::new();
    let mut since: Option<DateTime<Utc>> = None;
    for &(at, state) in changes {
        match (since, state == AgentState::LoggedOut) {
            (None, false) => since = Some(at),
            (Some(start), true) => {
                if start < at {
                    out.push(Span {
                        start: local(start, tz),
                        end: local(at, tz),
                    });
                }
                since = None;
            }
            _ => {}
        }
    }
    if let Some(start) = since.filter(|s| *s < until) {
        out.push(Span {
            start: local(start, tz),
            end: local(until, tz),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDateTime, TimeZone};

    use super::*;

    const TZ: Tz = chrono_tz::Europe::Moscow;

    fn at(s: &str) -> DateTime<Utc> {
        let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        TZ.from_local_datetime(&naive).unwrap().with_timezone(&Utc)
    }

    fn lt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn seg(from: &str, to: &str, activity: Activity) -> Segment {
        Segment {
            agent_id: 1,
            start: at(from),
            end: at(to),
            activity,
        }
    }

    #[test]
    fn touching_segments_make_one_shift_with_lunch_unpaid() {
        let day = [
            seg("2026-12-01 09:00", "2026-12-01 13:00", Activity::Line(5)),
            seg("2026-12-01 13:00", "2026-12-01 14:00", Activity::Lunch),
            seg("2026-12-01 14:00", "2026-12-01 15:00", Activity::Break),
            seg("2026-12-01 15:00", "2026-12-01 18:00", Activity::Line(5)),
            // The next day's night shift, separate.
            seg("2026-12-02 20:00", "2026-12-03 08:00", Activity::Line(5)),
        ];
        let s = shifts(&day, TZ);
        assert_eq!(s.len(), 2);
        assert_eq!(
            (s[0].span.start, s[0].span.end),
            (lt("2026-12-01 09:00"), lt("2026-12-01 18:00"))
        );
        assert_eq!(s[0].millis(), (8 * 3_600_000, 0));
        assert_eq!(s[0].worked().len(), 2);
        assert_eq!(s[0].start_utc, at("2026-12-01 09:00"));
        assert_eq!(s[1].date(), NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
        // 20-22 and 06-08 by day, 22-06 by night.
        assert_eq!(s[1].millis(), (4 * 3_600_000, 8 * 3_600_000));
    }

    #[test]
    fn presence_runs_from_login_to_logout_and_stays_open_until_now() {
        let changes = [
            (at("2026-12-01 08:55"), AgentState::Ready),
            (at("2026-12-01 10:00"), AgentState::Break),
            (at("2026-12-01 12:00"), AgentState::LoggedOut),
            (at("2026-12-01 12:30"), AgentState::LoggedOut),
            (at("2026-12-01 13:00"), AgentState::NotReady),
        ];
        let p = presence(&changes, at("2026-12-01 15:00"), TZ);
        assert_eq!(
            p,
            vec![
                Span {
                    start: lt("2026-12-01 08:55"),
                    end: lt("2026-12-01 12:00")
                },
                Span {
                    start: lt("2026-12-01 13:00"),
                    end: lt("2026-12-01 15:00")
                },
            ]
        );
        assert!(presence(&[], at("2026-12-01 15:00"), TZ).is_empty());
    }
}

//! Deviations of actual work from the planned schedule, as sendFactWorkTime reports them and
//! 1C ZUP classifies them: overtime (C), absence (NV), weekend work by day (RV) and by night
//! (RVN), each split at 06:00 and 22:00 local time.

use chrono::{NaiveDateTime, NaiveTime, TimeDelta, Timelike};

/// A half-open local-time span [start, end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

impl Span {
    /// Length in milliseconds; 0 for an empty or inverted span.
    pub fn millis(&self) -> i64 {
        (self.end - self.start).num_milliseconds().max(0)
    }
}

/// What 1C makes of a deviation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeviationKind {
    /// Worked beyond the plan (C).
    Overtime,
    /// Planned but not worked (NV, absence for an unexplained reason).
    Absence,
    /// Worked on a day off, 06:00-22:00 (RV).
    WeekendDay,
    /// Worked on a day off, 22:00-06:00 (RVN).
    WeekendNight,
}

impl DeviationKind {
    /// "C", "NV", "RV", "RVN"
    pub fn code(self) -> &'static str {
        match self {
            DeviationKind::Overtime => "C",
            DeviationKind::Absence => "NV",
            DeviationKind::WeekendDay => "RV",
            DeviationKind::WeekendNight => "RVN",
        }
    }

    /// The 1C document it creates: "Working Overtime", "Failure to appear", "Weekend Work" (RV and RVN both).
    pub fn document(self) -> &'static str {
        match self {
            DeviationKind::Overtime => "Working Overtime",
            DeviationKind::Absence => "Failure to appear",
            DeviationKind::WeekendDay | DeviationKind::WeekendNight => "Weekend Work",
        }
    }
}

/// One deviation: one document in 1C.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deviation {
    pub kind: DeviationKind,
    /// inside 22:00-06:00
    pub night: bool,
    pub span: Span,
}

/// The kinds in the order summaries list them.
const CODE_ORDER: [DeviationKind; 4] = [
    DeviationKind::Overtime,
    DeviationKind::Absence,
    DeviationKind::WeekendDay,
    DeviationKind::WeekendNight,
];

/// Cuts actual presence into the pieces sendFactWorkTime's `loginfo` carries: each piece within one quarter hour of the clock (hh:00, :15, :30, :45), at most 900000 ms. Input spans may overlap or be unsorted; output sorted, merged first.
pub fn slices(actual: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    for span in merge(actual) {
        let mut start = span.start;
        while start < span.end {
            let end = next_quarter(start).map_or(span.end, |q| q.min(span.end));
            out.push(Span { start, end });
            start = end;
        }
    }
    out
}

/// Deviations of `actual` from `planned` for one shift date. With nothing planned (a day off) all actual time is weekend work: RV for the parts in 06:00-22:00, RVN for the parts in 22:00-06:00. Otherwise actual time outside the plan is overtime (C) and planned time not worked is absence (NV). Every deviation is split at 06:00 and 22:00 (night flag set for the 22-06 parts; a day and a night part make two documents), contiguous pieces of the same kind and night flag merged, sorted by start.
pub fn deviations(planned: &[Span], actual: &[Span]) -> Vec<Deviation> {
    let planned = merge(planned);
    let actual = merge(actual);
    let mut raw: Vec<Deviation> = Vec::new();
    let mut push = |spans: Vec<Span>, kind: Option<DeviationKind>| {
        for span in spans {
            for (piece, night) in split_day_night(span) {
                let kind = kind.unwrap_or(if night {
                    DeviationKind::WeekendNight
                } else {
                    DeviationKind::WeekendDay
                });
                raw.push(Deviation {
                    kind,
                    night,
                    span: piece,
                });
            }
        }
    };
    if planned.is_empty() {
        push(actual, None);
    } else {
        push(subtract(&actual, &planned), Some(DeviationKind::Overtime));
        push(subtract(&planned, &actual), Some(DeviationKind::Absence));
    }
    raw.sort_by_key(|d| d.span.start);
    let mut out: Vec<Deviation> = Vec::with_capacity(raw.len());
    for d in raw {
        match out.last_mut() {
            Some(last)
                if last.kind == d.kind
                    && last.night == d.night
                    && last.span.end == d.span.start =>
            {
                last.span.end = d.span.end;
            }
            _ => out.push(d),
        }
    }
    out
}

/// Hours per kind code (C, NV, RV, RVN) of a list of deviations, for summaries.
///
/// Only the kinds present are listed, in the order C, NV, RV, RVN.
pub fn hours_by_code(deviations: &[Deviation]) -> Vec<(&'static str, f64)> {
    CODE_ORDER
        .iter()
        .filter(|kind| deviations.iter().any(|d| d.kind == **kind))
        .map(|kind| {
            let ms = deviations
                .iter()
                .filter(|d| d.kind == *kind)
                .map(|d| d.span.millis())
                .fold(0, i64::saturating_add);
            (kind.code(), ms as f64 / 3_600_000.0)
        })
        .collect()
}

/// The non-empty spans sorted, overlapping and touching ones joined.
pub(super) fn merge(spans: &[Span]) -> Vec<Span> {
    let mut sorted: Vec<Span> = spans.iter().copied().filter(|s| s.start < s.end).collect();
    sorted.sort_by_key(|s| s.start);
    let mut out: Vec<Span> = Vec::with_capacity(sorted.len());
    for s in sorted {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// The parts of `from` not covered by `cut`; both must be merged (sorted, disjoint).
pub(super) fn subtract(from: &[Span], cut: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    for span in from {
        let mut start = span.start;
        for c in cut
            .iter()
            .filter(|c| c.end > span.start && c.start < span.end)
        {
            if c.start > start {
                out.push(Span {
                    start,
                    end: c.start,
                });
            }
            start = start.max(c.end);
        }
        if start < span.end {
            out.push(Span {
                start,
                end: span.end,
            });
        }
    }
    out
}

/// `span` cut at every 06:00 and 22:00, each piece flagged whether it lies in 22:00-06:00.
pub(super) fn split_day_night(span: Span) -> Vec<(Span, bool)> {
    let mut out = Vec::new();
    let mut start = span.start;
    while start < span.end {
        let (night, boundary) = day_night_boundary(start);
        let end = boundary.map_or(span.end, |b| b.min(span.end));
        out.push((Span { start, end }, night));
        start = end;
    }
    out
}

/// Whether `t` is night time, and the next 06:00 or 22:00 after it (None past the calendar's end).
fn day_night_boundary(t: NaiveDateTime) -> (bool, Option<NaiveDateTime>) {
    let six = NaiveTime::MIN + TimeDelta::hours(6);
    let ten_pm = NaiveTime::MIN + TimeDelta::hours(22);
    let date = t.date();
    if t.time() < six {
        (true, Some(date.and_time(six)))
    } else if t.time() < ten_pm {
        (false, Some(date.and_time(ten_pm)))
    } else {
        (true, date.succ_opt().map(|d| d.and_time(six)))
    }
}

/// The next quarter hour of the clock strictly after `t` (None past the calendar's end).
fn next_quarter(t: NaiveDateTime) -> Option<NaiveDateTime> {
    let midnight = t.date().and_time(NaiveTime::MIN);
    let quarter = i64::from(t.num_seconds_from_midnight() / 900) + 1;
    midnight.checked_add_signed(TimeDelta::seconds(quarter * 900))
}

#[cfg(test)]
mod tests;

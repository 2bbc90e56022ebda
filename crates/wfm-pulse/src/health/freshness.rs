//! How fresh the integration data behind a response is: 1C ZUP's personnel, vacation
//! balances, norm hours and timesheet by their last successful call, the schedules by the
//! uploads not done yet, the contact center by its newest event. Bodies that are objects
//! carry a `freshness` field; list bodies (whose shape is a contract) carry the same in
//! `X-Data-Freshness` and `X-Data-Warning` headers.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use chrono::{TimeDelta, Utc};
use wfm_core::freshness::{DataSource, Freshness, assess};
use wfm_store::StoreResult;
use wfm_store::integration::{JobFilter, JobKind, JobState};

use super::Health;
use crate::integrations::zup::contract;

/// The header naming each source's freshness: `source; as_of=...; age_seconds=...;
/// expected_cycle_seconds=...; stale=...`, one value per source.
pub const FRESHNESS_HEADER: &str = "x-data-freshness";
/// The header carrying each warning, one value per warning.
pub const WARNING_HEADER: &str = "x-data-warning";

/// The expected cycle of each 1C ZUP source: daily with an hour's slack, norm hours monthly.
pub fn cycle(source: DataSource) -> Option<TimeDelta> {
    match source {
        DataSource::Personnel | DataSource::VacationBalances | DataSource::Timesheet => {
            Some(TimeDelta::hours(25))
        }
        DataSource::NormHours => Some(TimeDelta::days(31)),
        DataSource::ScheduleUpload | DataSource::ContactCenter => None,
    }
}

fn operation(source: DataSource) -> &'static str {
    match source {
        DataSource::Personnel | DataSource::VacationBalances => contract::AGENTS,
        DataSource::NormHours => contract::GET_NORM_HOURS,
        DataSource::Timesheet => contract::GET_TIMETYPE_INFO,
        DataSource::ScheduleUpload => contract::SEND_SCHEDULE,
        DataSource::ContactCenter => "",
    }
}

impl Health {
    /// The freshness of a 1C ZUP source now.
    pub async fn freshness(&self, source: DataSource) -> StoreResult<Freshness> {
        let successes = self.store.last_successes().await?;
        let zup = || successes.iter().filter(|l| l.system == "zup");
        let as_of = zup()
            .find(|l| l.operation == operation(source))
            .map(|l| l.at);
        let answered = zup().map(|l| l.at).max();
        let pending = if source == DataSource::ScheduleUpload {
            // One read, so a job moving from queued to running is not counted twice.
            self.store
                .list_jobs(&JobFilter {
                    kind: Some(JobKind::ScheduleUpload),
                    limit: 1000,
                    ..JobFilter::default()
                })
                .await?
                .iter()
                .filter(|j| j.state != JobState::Succeeded)
                .count() as u64
        } else {
            0
        };
        Ok(assess(
            source,
            as_of,
            Utc::now(),
            cycle(source),
            self.zup_unavailable(answered),
            pending,
        ))
    }
}

/// One `X-Data-Freshness` value.
fn describe(f: &Freshness) -> String {
    let mut text = f.source.as_str().to_string();
    if let Some(t) = f.as_of {
        text.push_str(&format!("; as_of={}", t.to_rfc3339()));
    }
    if let Some(a) = f.age_seconds {
        text.push_str(&format!("; age_seconds={a}"));
    }
    if let Some(c) = f.expected_cycle_seconds {
        text.push_str(&format!("; expected_cycle_seconds={c}"));
    }
    text.push_str(&format!("; stale={}", f.stale));
    text
}

/// Adds each source's freshness and warning to `headers`.
pub fn add_headers(headers: &mut HeaderMap, sources: &[Freshness]) {
    let (freshness, warning) = (
        HeaderName::from_static(FRESHNESS_HEADER),
        HeaderName::from_static(WARNING_HEADER),
    );
    for f in sources {
        if let Ok(v) = HeaderValue::from_str(&describe(f)) {
            headers.append(freshness.clone(), v);
        }
        if let Some(Ok(v)) = f.warning.as_deref().map(HeaderValue::from_str) {
            headers.append(warning.clone(), v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn headers_name_each_source_and_carry_each_warning() {
        let at = Utc.with_ymd_and_hms(2026, 11, 26, 3, 0, 0).unwrap();
        let now = at + TimeDelta::hours(26);
        let old = assess(
            DataSource::Personnel,
            Some(at),
            now,
            cycle(DataSource::Personnel),
            false,
            0,
        );
        let pending = assess(DataSource::ScheduleUpload, None, now, None, false, 2);
        let mut h = HeaderMap::new();
        add_headers(&mut h, &[old, pending]);
        let values = |name| {
            h.get_all(name)
                .iter()
                .map(|v| v.to_str().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            values(FRESHNESS_HEADER),
            [
                "personnel; as_of=2026-11-26T03:00:00+00:00; age_seconds=93600; \
                 expected_cycle_seconds=90000; stale=true",
                "schedule_upload; stale=true"
            ]
        );
        let warnings = values(WARNING_HEADER);
        assert_eq!(warnings.len(), 2);
        assert!(warnings[0].starts_with("Employee data may be outdated: "));
        assert_eq!(
            warnings[1],
            "Schedule status pending: 2 schedule uploads to 1C ZUP are not done yet"
        );
    }
}

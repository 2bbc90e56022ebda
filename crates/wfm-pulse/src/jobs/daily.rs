//! The daily personnel sync: once the configured local time has passed, a personnel_sync is
//! enqueued under the day's idempotency key, so restarts and several instances still
//! enqueue it once a day. It starts once a personnel sync has succeeded: until then 1C ZUP
//! is not set up, and calling it daily would only fill the log with failures. While a
//! failed consistency check has automatic synchronization halted, it enqueues nothing.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use tokio::sync::watch;
use wfm_store::integration::{JobFilter, JobKind, JobState};
use wfm_store::model::Actor;

use super::Jobs;
use super::scope::Scope;
use crate::integrations::registry::DailySync;

/// How often the clock is looked at.
const TICK: Duration = Duration::from_secs(30);

/// The day whose sync is due at `now`, if one is (the time has passed on the local day).
pub fn due(settings: &DailySync, now: DateTime<Utc>) -> Option<(NaiveDate, Tz)> {
    let tz: Tz = settings.time_zone.parse().ok()?;
    let at = settings.time()?;
    let local = now.with_timezone(&tz);
    (settings.enabled && local.time() >= at).then(|| (local.date_naive(), tz))
}

async fn set_up(jobs: &Jobs) -> bool {
    let filter = JobFilter {
        state: Some(JobState::Succeeded),
        kind: Some(JobKind::PersonnelSync),
        limit: 1,
        ..JobFilter::default()
    };
    jobs.store
        .list_jobs(&filter)
        .await
        .is_ok_and(|j| !j.is_empty())
}

/// Enqueues the day's sync when due, until `stop`.
pub async fn run(jobs: Arc<Jobs>, mut stop: watch::Receiver<bool>) {
    let mut done: Option<NaiveDate> = None;
    let mut warned: Option<NaiveDate> = None;
    while !*stop.borrow() {
        if let Some((day, _)) = jobs
            .zup
            .settings()
            .daily_sync
            .as_ref()
            .and_then(|d| due(d, Utc::now()))
        {
            let halted = match jobs.halt_in_force().await {
                Ok(h) => h,
                Err(e) => {
                    tracing::warn!(error = %e, "halt of automatic synchronization not read");
                    None
                }
            };
            if let Some(h) = halted
                .as_ref()
                .filter(|_| warned != Some(day) && done != Some(day))
            {
                tracing::warn!(
                    reason = %h.reason,
                    "daily personnel sync not enqueued: automatic synchronization is halted"
                );
                warned = Some(day);
            } else if halted.is_none() && done != Some(day) && set_up(&jobs).await {
                let key = format!("personnel_sync:daily:{day}");
                let scope = Scope::default().complete(JobKind::PersonnelSync, day, "schedule");
                let actor = Actor {
                    name: "schedule".into(),
                    correlation_id: format!("daily-{day}"),
                };
                match scope {
                    Ok(scope) => match jobs
                        .enqueue(JobKind::PersonnelSync, &scope, Some(key), &actor)
                        .await
                    {
                        Ok(_) => done = Some(day),
                        Err(e) => tracing::warn!(error = %e, "daily personnel sync not enqueued"),
                    },
                    Err(e) => tracing::error!(?e, "daily personnel sync scope"),
                }
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(TICK) => {}
            _ = stop.changed() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_once_the_local_time_has_passed() {
        let s = DailySync {
            enabled: true,
            at: "03:00".into(),
            time_zone: "Europe/Moscow".into(),
        };
        let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        // 23:59 UTC is 02:59 in Moscow: not yet.
        assert_eq!(due(&s, t("2026-11-30T23:59:00Z")), None);
        assert_eq!(
            due(&s, t("2026-12-01T00:00:00Z")).map(|d| d.0),
            NaiveDate::from_ymd_opt(2026, 12, 1)
        );
        let off = DailySync {
            enabled: false,
            ..s
        };
        assert_eq!(due(&off, t("2026-12-01T12:00:00Z")), None);
    }
}

//! What each contact-center feed delivered lately, for its health: accepted and rejected
//! items per second of receipt over the last hour and per minute over the last day, the
//! newest event, and how late events arrive. Kept in memory (ingest records it as it
//! commits), seeded from the event log at start so that a restart does not forget.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use wfm_core::health::{FeedObservation, Outcomes, Thresholds};
use wfm_store::health::EventActivity;

use crate::ingest::Feed;

/// The feed of an event log class (`status` or `call`).
fn of_class(class: &str) -> Feed {
    if class == "status" {
        Feed::Status
    } else {
        Feed::Calls
    }
}

/// Where a feed's counts are kept.
fn slot(feed: Feed) -> usize {
    match feed {
        Feed::Status => 0,
        Feed::Calls => 1,
    }
}

/// Items of one bucket of receipt time.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Bucket {
    accepted: u64,
    rejected: u64,
    /// The longest receipt-minus-event time of the accepted ones, ms.
    max_delay_ms: Option<i64>,
}

impl Bucket {
    fn add(&mut self, accepted: u64, rejected: u64, delay_ms: Option<i64>) {
        self.accepted += accepted;
        self.rejected += rejected;
        if let Some(d) = delay_ms {
            self.max_delay_ms = Some(self.max_delay_ms.map_or(d, |m| m.max(d)));
        }
    }
}

const HOUR_SECONDS: i64 = 3_600;
const DAY_MINUTES: i64 = 1_440;

/// One feed's recent history.
#[derive(Debug, Clone, Default)]
struct Track {
    /// By Unix second of receipt, the last hour.
    seconds: BTreeMap<i64, Bucket>,
    /// By Unix minute of receipt, the last day.
    minutes: BTreeMap<i64, Bucket>,
    newest_at: Option<DateTime<Utc>>,
    newest_received_at: Option<DateTime<Utc>>,
}

impl Track {
    fn add(
        &mut self,
        received: DateTime<Utc>,
        accepted: u64,
        rejected: u64,
        delay_ms: Option<i64>,
    ) {
        let second = received.timestamp();
        self.seconds
            .entry(second)
            .or_default()
            .add(accepted, rejected, delay_ms);
        self.minutes
            .entry(second.div_euclid(60))
            .or_default()
            .add(accepted, rejected, delay_ms);
        if accepted > 0 {
            self.newest_received_at = Some(
                self.newest_received_at
                    .map_or(received, |n| n.max(received)),
            );
        }
        let (hour_ago, day_ago) = (second - HOUR_SECONDS, second.div_euclid(60) - DAY_MINUTES);
        while self
            .seconds
            .first_key_value()
            .is_some_and(|(k, _)| *k <= hour_ago)
        {
            self.seconds.pop_first();
        }
        while self
            .minutes
            .first_key_value()
            .is_some_and(|(k, _)| *k <= day_ago)
        {
            self.minutes.pop_first();
        }
    }

    /// Accepted items received in (`from`, `to`], by second.
    fn accepted(&self, from: i64, to: i64) -> u64 {
        self.seconds
            .range(from + 1..=to)
            .map(|(_, b)| b.accepted)
            .sum()
    }

    /// The first second of the current run of accepted data: walking back from the newest,
    /// the second after the first gap of at least `gap` seconds.
    fn run_start(&self, gap: i64) -> Option<i64> {
        let mut received = self.seconds.iter().rev().filter(|(_, b)| b.accepted > 0);
        let (mut start, _) = received.next()?;
        for (second, _) in received {
            if start - second >= gap {
                break;
            }
            start = second;
        }
        Some(*start)
    }
}

fn whole_seconds(d: TimeDelta) -> i64 {
    (d.num_milliseconds() + 999).div_euclid(1000).max(1)
}

/// Both feeds' histories.
#[derive(Debug, Clone, Default)]
pub struct Activity {
    tracks: [Track; 2],
    /// Since when the feeds have been watched (the service's start).
    watching_since: Option<DateTime<Utc>>,
}

impl Activity {
    /// The histories as the event log has them (the last hour by second, the last day by
    /// minute; each row a bucket).
    pub fn seeded(seconds: &[EventActivity], minutes: &[EventActivity]) -> Activity {
        let mut a = Activity::default();
        for r in seconds {
            let t = &mut a.tracks[slot(of_class(&r.class))];
            t.seconds
                .entry(r.bucket_start.timestamp())
                .or_default()
                .add(r.events, 0, Some(r.max_delay_ms));
            t.newest_at = t.newest_at.max(Some(r.newest_at));
            t.newest_received_at = t.newest_received_at.max(Some(r.newest_received_at));
        }
        for r in minutes {
            let t = &mut a.tracks[slot(of_class(&r.class))];
            t.minutes
                .entry(r.bucket_start.timestamp().div_euclid(60))
                .or_default()
                .add(r.events, 0, Some(r.max_delay_ms));
            t.newest_at = t.newest_at.max(Some(r.newest_at));
            t.newest_received_at = t.newest_received_at.max(Some(r.newest_received_at));
        }
        a
    }

    /// The histories, watched from `since` (a feed that never delivered is not down
    /// before it could have).
    pub fn watching_from(mut self, since: DateTime<Utc>) -> Activity {
        self.watching_since = Some(since);
        self
    }

    /// An event accepted at `received` that happened at `at`.
    pub fn accepted(&mut self, feed: Feed, received: DateTime<Utc>, at: DateTime<Utc>) {
        let t = &mut self.tracks[slot(feed)];
        t.add(received, 1, 0, Some((received - at).num_milliseconds()));
        t.newest_at = Some(t.newest_at.map_or(at, |n| n.max(at)));
    }

    /// An item rejected at `received`.
    pub fn rejected(&mut self, feed: Feed, received: DateTime<Utc>) {
        self.tracks[slot(feed)].add(received, 0, 1, None);
    }

    /// What the feed did, as of `now`, for the health rules: the rate window and the
    /// windows before it, the last hour and day; `expected` says whether data is expected.
    pub fn observe(
        &self,
        feed: Feed,
        now: DateTime<Utc>,
        t: &Thresholds,
        expected: bool,
    ) -> FeedObservation {
        let track = &self.tracks[slot(feed)];
        let now_s = now.timestamp();
        let w = whole_seconds(t.rate_window);
        let sum = |from: i64, f: fn(&Bucket) -> u64| -> u64 {
            track
                .seconds
                .range(from + 1..=now_s)
                .map(|(_, b)| f(b))
                .sum()
        };
        let day = |f: fn(&Bucket) -> u64| -> u64 {
            let minute = now_s.div_euclid(60);
            track
                .minutes
                .range(minute - DAY_MINUTES + 1..=minute)
                .map(|(_, b)| f(b))
                .sum()
        };
        // Whole windows before the current one, oldest first, from the history's start.
        let first = track.seconds.keys().next().copied();
        let baseline: Vec<u64> = (1..=i64::from(t.baseline_windows))
            .rev()
            .map(|k| now_s - w - k * w)
            .filter(|from| first.is_some_and(|f| *from >= f - 1))
            .map(|from| track.accepted(from, from + w))
            .collect();
        let run_started_at = track
            .run_start(whole_seconds(t.down_after))
            .and_then(|s| DateTime::from_timestamp(s, 0));
        FeedObservation {
            newest_at: track.newest_at,
            newest_received_at: track.newest_received_at,
            run_started_at,
            recent: track.accepted(now_s - w, now_s),
            baseline,
            max_delay: track
                .seconds
                .range(now_s - w + 1..=now_s)
                .filter_map(|(_, b)| b.max_delay_ms)
                .max()
                .map(TimeDelta::milliseconds),
            hour: Outcomes {
                ok: sum(now_s - HOUR_SECONDS, |b| b.accepted),
                failed: sum(now_s - HOUR_SECONDS, |b| b.rejected),
            },
            day: Outcomes {
                ok: day(|b| b.accepted),
                failed: day(|b| b.rejected),
            },
            expected,
            watching_since: self.watching_since,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(s: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap() + TimeDelta::seconds(s)
    }

    #[test]
    fn windows_hour_and_day_count_what_was_received() {
        let t = Thresholds::default();
        let mut a = Activity::default();
        // Two status updates a second over 20 minutes, each received 2 s after it happened.
        for s in 0..1200 {
            for _ in 0..2 {
                a.accepted(Feed::Status, at(s), at(s - 2));
            }
        }
        a.rejected(Feed::Status, at(1199));
        a.accepted(Feed::Calls, at(100), at(40));
        let o = a.observe(Feed::Status, at(1199), &t, true);
        assert_eq!((o.recent, o.baseline), (120, vec![120; 15]));
        // Two minutes in, two whole windows of history are seen before the current one.
        assert_eq!(
            a.observe(Feed::Status, at(179), &t, true).baseline,
            [120, 120]
        );
        assert_eq!(o.newest_at, Some(at(1197)));
        assert_eq!(o.newest_received_at, Some(at(1199)));
        assert_eq!(o.run_started_at, Some(at(0)));
        assert_eq!(o.max_delay, Some(TimeDelta::seconds(2)));
        assert_eq!(
            o.hour,
            Outcomes {
                ok: 2400,
                failed: 1
            }
        );
        assert_eq!(
            o.day,
            Outcomes {
                ok: 2400,
                failed: 1
            }
        );
        let calls = a.observe(Feed::Calls, at(1199), &t, false);
        assert_eq!(
            (calls.recent, calls.max_delay, calls.expected),
            (0, None, false)
        );
        assert_eq!(calls.hour.ok, 1);
        // An hour later the seconds are gone, the day remains.
        let later = a.observe(Feed::Status, at(1199 + 3600), &t, true);
        assert_eq!((later.recent, later.hour.ok), (0, 0));
        // The windows before now are seen, and empty.
        assert_eq!(later.baseline, vec![0; 15]);
        assert_eq!(later.day.ok, 2400);
    }

    #[test]
    fn a_run_starts_after_the_last_silence_of_the_down_time() {
        let t = Thresholds::default();
        let mut a = Activity::default();
        for s in [0, 30, 59, 200, 230, 289] {
            a.accepted(Feed::Calls, at(s), at(s));
        }
        assert_eq!(
            a.observe(Feed::Calls, at(300), &t, true).run_started_at,
            Some(at(200))
        );
    }

    #[test]
    fn seeding_takes_the_log_buckets() {
        let row = |class: &str, bucket: DateTime<Utc>, events| EventActivity {
            class: class.into(),
            bucket_start: bucket,
            events,
            newest_at: bucket - TimeDelta::seconds(1),
            newest_received_at: bucket,
            max_delay_ms: 700,
        };
        let a = Activity::seeded(
            &[row("status", at(10), 3), row("call", at(11), 2)],
            &[row("status", at(0), 3), row("call", at(0), 2)],
        );
        let o = a.observe(Feed::Status, at(20), &Thresholds::default(), true);
        assert_eq!((o.recent, o.hour.ok, o.day.ok), (3, 3, 3));
        assert_eq!(o.max_delay, Some(TimeDelta::milliseconds(700)));
        assert_eq!(o.newest_received_at, Some(at(10)));
        let c = a.observe(Feed::Calls, at(20), &Thresholds::default(), true);
        assert_eq!((c.recent, c.newest_at), (2, Some(at(10))));
    }
}

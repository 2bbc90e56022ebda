//! The history writer: persists each site's interval records (per group) and adherence
//! records (per operator) once the interval has closed by the wall clock, re-writing the
//! few intervals before it (calls settle after their interval ends) and any interval a
//! late event touched. At start, after the replay of the day, and whenever the engine is
//! rebuilt (structure or plan changed), every closed interval of the day is written
//! again; when a site's day turns, and at start unless it was written through its last
//! interval, the previous day is rebuilt from the log and written whole. So a crash loses
//! nothing the event log can give back. Writing is idempotent.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use tokio::sync::watch;
use wfm_core::history::{AdherenceRecord, IntervalRecord};
use wfm_store::StoreError;

use super::Live;
use super::engine::Engine;

/// How often the writer looks for closed intervals.
const EVERY: Duration = Duration::from_secs(2);
/// Intervals before the newest closed one written again when it closes.
const SETTLE_INTERVALS: u32 = 4;
/// Rows per transaction: a whole day's re-write (240,000 adherence rows for 5,000
/// operators) goes in slices, so that an ingest commit queued behind one on SQLite's single
/// writer waits a few milliseconds (slices of 2,000 held it 100-150 ms). Upserts are
/// idempotent, so a crash between slices loses nothing: the next pass writes them all again.
const ROWS_PER_WRITE: usize = 250;
/// Slices of rows a pass gathers before it writes them.
const SLICES_HELD: usize = 20;

/// The earliest event instant applied since the writer last looked, in ms.
#[derive(Debug)]
pub struct Touched(AtomicI64);

impl Default for Touched {
    fn default() -> Self {
        Touched(AtomicI64::new(i64::MAX))
    }
}

impl Touched {
    /// Notes events applied at `earliest` and later.
    pub fn note(&self, earliest: Option<DateTime<Utc>>) {
        if let Some(at) = earliest {
            self.0.fetch_min(at.timestamp_millis(), Ordering::SeqCst);
        }
    }

    fn take(&self) -> Option<i64> {
        Some(self.0.swap(i64::MAX, Ordering::SeqCst)).filter(|&ms| ms != i64::MAX)
    }
}

/// What the writer has written of one site.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Mark {
    day: NaiveDate,
    /// Intervals of the day closed (and written) at the last pass.
    closed: u32,
    /// Identifies the engine build it wrote from.
    build: u64,
}

/// What one pass writes.
#[derive(Debug, Default)]
pub struct Written {
    pub intervals: Vec<IntervalRecord>,
    pub operators: Vec<AdherenceRecord>,
}

impl Written {
    fn rows(&self) -> usize {
        self.intervals.len() + self.operators.len()
    }

    /// Adds an interval's records (the groups with any data); returns how many.
    fn add(&mut self, records: wfm_core::live::IntervalRecords) -> usize {
        let before = self.rows();
        self.intervals
            .extend(records.groups.into_iter().filter(|r| !r.is_empty()));
        self.operators.extend(records.operators);
        self.rows() - before
    }
}

impl Live {
    /// Upserts what a pass found so far, [`ROWS_PER_WRITE`] rows per transaction, once it
    /// holds `at_least` rows, and empties it. Written as it goes, a day's rewrite holds one
    /// slice of rows in memory instead of the whole day (340,000 rows, 30 MB and more).
    async fn write(&self, written: &mut Written, at_least: usize) -> Result<(), StoreError> {
        if written.rows() < at_least.max(1) {
            return Ok(());
        }
        for groups in written.intervals.chunks(ROWS_PER_WRITE) {
            self.store.upsert_interval_stats(groups, &[]).await?;
        }
        for operators in written.operators.chunks(ROWS_PER_WRITE) {
            self.store.upsert_interval_stats(&[], operators).await?;
        }
        written.intervals.clear();
        written.operators.clear();
        Ok(())
    }

    /// Whether `day` was written through its last interval (by a writer that saw the
    /// day turn), so a start need not rebuild it from the log. A day whose last
    /// interval had no data at all is rebuilt: that costs time, never rows.
    async fn finished(&self, day: NaiveDate) -> Result<bool, StoreError> {
        let engine = self.engine.lock().await;
        let groups: Vec<i64> = engine.groups.iter().map(|g| g.id).collect();
        for site in &engine.sites {
            let last = site.grid.interval_count(day).saturating_sub(1);
            let Some(interval) = site.grid.interval(day, last) else {
                continue;
            };
            let rows = self
                .store
                .interval_stats(&groups, interval.start, interval.end)
                .await?;
            if !rows
                .iter()
                .any(|r| site.center.group_settings(r.group_id).is_some())
            {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Writes closed intervals every two seconds until `closing` turns true.
    pub async fn run_recorder(self: Arc<Self>, mut closing: watch::Receiver<bool>) {
        let mut marks = HashMap::new();
        loop {
            if let Err(e) = self.record_closed(&mut marks, Utc::now()).await {
                tracing::warn!(error = %e, "interval history not written");
            }
            tokio::select! {
                _ = tokio::time::sleep(EVERY) => {}
                _ = closing.changed() => return,
            }
        }
    }

    /// One pass: writes what closed (or was touched) since the last, as of `now`. A pass
    /// that fails is tried again whole at the next.
    async fn record_closed(
        &self,
        marks: &mut HashMap<i64, Mark>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let touched = self.touched.take();
        let result = self.record_into(marks, touched, now).await;
        if result.is_err() {
            // Try those intervals again at the next pass.
            self.touched
                .note(touched.and_then(DateTime::from_timestamp_millis));
            marks.clear();
        }
        result
    }

    /// The pass itself: finds the intervals due, reads their records one interval at a
    /// time and writes them a slice at a time; on success, notes what it wrote in `marks`.
    async fn record_into(
        &self,
        marks: &mut HashMap<i64, Mark>,
        touched: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut written = Written::default();
        let mut rows = 0;
        let mut next_marks = Vec::new();
        // Local days the engine has moved past (or, at start, yesterday) whose last
        // intervals may not be written yet: rebuilt from the log below.
        let mut past_days: Vec<NaiveDate> = Vec::new();
        // Per site: the intervals to write (by index).
        let mut due: Vec<(usize, NaiveDate, std::ops::Range<u32>)> = Vec::new();
        let build = {
            let engine = self.engine.lock().await;
            let build = engine.build;
            for (position, site) in engine.sites.iter().enumerate() {
                let intervals = site.grid.intervals(site.day);
                let closed = intervals.iter().take_while(|i| i.end <= now).count();
                let closed = u32::try_from(closed).unwrap_or(u32::MAX);
                let touched_index = touched.map(|ms| {
                    let first = intervals.partition_point(|i| i.end.timestamp_millis() <= ms);
                    u32::try_from(first).unwrap_or(u32::MAX)
                });
                let past = match marks.get(&site.site_id) {
                    None => site.day.pred_opt(),
                    Some(m) if m.day < site.day => Some(m.day),
                    Some(_) => None,
                };
                if let Some(day) = past.filter(|d| !past_days.contains(d)) {
                    past_days.push(day);
                }
                let from = match marks.get(&site.site_id) {
                    Some(m) if m.day == site.day && m.build == build => {
                        let settle = if closed > m.closed {
                            m.closed.saturating_sub(SETTLE_INTERVALS)
                        } else {
                            closed
                        };
                        settle.min(touched_index.unwrap_or(closed))
                    }
                    _ => 0,
                };
                due.push((position, site.day, from..closed));
                next_marks.push((
                    site.site_id,
                    Mark {
                        day: site.day,
                        closed,
                        build,
                    },
                ));
            }
            build
        };
        // One interval per hold of the engine lock: a whole day's re-write (after a start
        // or a rebuild) never holds ingest for more than one interval's records.
        'sites: for (position, day, indices) in due {
            for index in indices {
                let engine = self.engine.lock().await;
                if engine.build != build {
                    // Swapped meanwhile: the next pass writes the day from the new build.
                    next_marks.clear();
                    break 'sites;
                }
                let site = &engine.sites[position];
                let Some(records) = site.center.interval_records(day, index, now) else {
                    continue;
                };
                drop(engine);
                rows += written.add(records);
                self.write(&mut written, SLICES_HELD * ROWS_PER_WRITE)
                    .await?;
            }
        }
        for day in past_days {
            if marks.is_empty() && self.finished(day).await? {
                continue;
            }
            let engine = Engine::load_date(&self.store, day).await?;
            for site in &engine.sites {
                for index in 0..site.grid.interval_count(day) {
                    if let Some(records) = site.center.interval_records(day, index, now) {
                        rows += written.add(records);
                        self.write(&mut written, SLICES_HELD * ROWS_PER_WRITE)
                            .await?;
                    }
                }
            }
        }
        self.write(&mut written, 0).await?;
        marks.extend(next_marks);
        if rows > SLICES_HELD * ROWS_PER_WRITE {
            // A day's rewrite: its rows are freed, their pages go back to the system.
            super::engine::release_free_memory();
        }
        Ok(())
    }
}

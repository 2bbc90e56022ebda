//! Buckets of history: 15 minutes, an hour, a local day or an ISO week (Monday first) in
//! the site's time zone, each the sum of the interval records starting in it.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, Offset, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::interval::IntervalGrid;

use super::{Components, IntervalRecord};

/// How long a bucket of history is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Granularity {
    #[serde(rename = "15min")]
    QuarterHour,
    #[serde(rename = "hour")]
    Hour,
    #[serde(rename = "day")]
    Day,
    #[serde(rename = "week")]
    Week,
}

impl Granularity {
    /// Every granularity, finest first.
    pub const ALL: [Granularity; 4] = [
        Granularity::QuarterHour,
        Granularity::Hour,
        Granularity::Day,
        Granularity::Week,
    ];

    /// The name used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::QuarterHour => "15min",
            Granularity::Hour => "hour",
            Granularity::Day => "day",
            Granularity::Week => "week",
        }
    }

    /// The granularity an API name means.
    pub fn parse(name: &str) -> Option<Self> {
        Granularity::ALL.into_iter().find(|g| g.as_str() == name)
    }
}

/// One bucket: its first instant and the components of the records in it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bucket {
    pub start: DateTime<Utc>,
    pub components: Components,
}

/// The first instant of the bucket of `granularity` holding `at`, on the local clock of
/// `grid`'s time zone. Quarter hours and hours are cut on the local clock at the offset in
/// force at `at`, so the two hours a clock set back repeats stay two buckets; days start at
/// local midnight and weeks on Monday's.
pub fn bucket_start(
    granularity: Granularity,
    at: DateTime<Utc>,
    grid: &IntervalGrid,
) -> DateTime<Utc> {
    let floor_minutes = |minutes: i64| {
        let offset = i64::from(
            grid.tz()
                .offset_from_utc_datetime(&at.naive_utc())
                .fix()
                .local_minus_utc(),
        );
        let local = at.timestamp() + offset;
        let step = minutes * 60;
        let floored = local - local.rem_euclid(step) - offset;
        DateTime::from_timestamp(floored, 0).unwrap_or(at)
    };
    match granularity {
        Granularity::QuarterHour => floor_minutes(15),
        Granularity::Hour => floor_minutes(60),
        Granularity::Day => grid.day_start(grid.local_date(at)),
        Granularity::Week => {
            let date = grid.local_date(at);
            let back = i64::from(date.weekday().num_days_from_monday());
            let monday = date
                .checked_sub_signed(Duration::days(back))
                .unwrap_or(date);
            grid.day_start(monday)
        }
    }
}

/// The records summed per bucket of `granularity`, in time order; a bucket without
/// records is absent.
pub fn buckets<'a>(
    records: impl IntoIterator<Item = &'a IntervalRecord>,
    granularity: Granularity,
    grid: &IntervalGrid,
) -> Vec<Bucket> {
    let mut sums: BTreeMap<DateTime<Utc>, Components> = BTreeMap::new();
    for record in records {
        sums.entry(bucket_start(granularity, record.interval_start, grid))
            .or_default()
            .add_record(record);
    }
    sums.into_iter()
        .map(|(start, components)| Bucket { start, components })
        .collect()
}

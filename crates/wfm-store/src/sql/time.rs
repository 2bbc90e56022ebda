//! Instants as stored: milliseconds since the Unix epoch, UTC, in a 64-bit integer column.

use chrono::{DateTime, Utc};

pub(crate) fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub(crate) fn from_ms(ms: i64) -> Result<DateTime<Utc>, sqlx::Error> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| sqlx::Error::Decode(format!("timestamp {ms} ms is out of range").into()))
}

pub(crate) fn opt_from_ms(ms: Option<i64>) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    ms.map(from_ms).transpose()
}

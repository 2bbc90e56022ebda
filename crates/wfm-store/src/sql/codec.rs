//! Column encodings of the integration tables (dates as `YYYY-MM-DD` text, counts as 64-bit
//! integers, JSON as text) and the `VALUES` lists of multi-row statements.

use chrono::NaiveDate;
use sqlx::any::{Any, AnyRow, AnyTypeInfo};
use sqlx::encode::{Encode, IsNull};
use sqlx::error::BoxDynError;
use sqlx::{Database, Row, Type};

const DATE: &str = "%Y-%m-%d";

/// `($1, $2), ($3, $4)`: placeholders for `rows` rows of `cols` columns.
pub(crate) fn values(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let row: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
            format!("({})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `$from, $from+1, ...`: placeholders for an `IN` list of `count` values.
pub(crate) fn list(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn date_text(d: NaiveDate) -> String {
    d.format(DATE).to_string()
}

pub(crate) fn opt_date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(date_text)
}

pub(crate) fn date(row: &AnyRow, col: &str) -> Result<NaiveDate, sqlx::Error> {
    let text: String = row.try_get(col)?;
    NaiveDate::parse_from_str(&text, DATE)
        .map_err(|e| sqlx::Error::Decode(format!("{col}: {e}").into()))
}

pub(crate) fn opt_date(row: &AnyRow, col: &str) -> Result<Option<NaiveDate>, sqlx::Error> {
    let text: Option<String> = row.try_get(col)?;
    text.map(|t| {
        NaiveDate::parse_from_str(&t, DATE)
            .map_err(|e| sqlx::Error::Decode(format!("{col}: {e}").into()))
    })
    .transpose()
}

/// A count as stored; counts beyond `i64::MAX` do not occur, so they saturate.
pub(crate) fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub(crate) fn opt_count(n: Option<u64>) -> Option<i64> {
    n.map(count)
}

pub(crate) fn unsigned(row: &AnyRow, col: &str) -> Result<u64, sqlx::Error> {
    let v: i64 = row.try_get(col)?;
    u64::try_from(v).map_err(|e| sqlx::Error::Decode(format!("{col}: {e}").into()))
}

pub(crate) fn opt_unsigned(row: &AnyRow, col: &str) -> Result<Option<u64>, sqlx::Error> {
    let v: Option<i64> = row.try_get(col)?;
    v.map(|v| u64::try_from(v).map_err(|e| sqlx::Error::Decode(format!("{col}: {e}").into())))
        .transpose()
}

pub(crate) fn json(row: &AnyRow, col: &str) -> Result<serde_json::Value, sqlx::Error> {
    let text: String = row.try_get(col)?;
    serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(format!("{col}: {e}").into()))
}

/// A JSON value as stored text.
pub(crate) fn json_text(v: &serde_json::Value) -> Result<String, crate::error::StoreError> {
    serde_json::to_string(v).map_err(|e| crate::error::StoreError::Other(e.to_string()))
}

pub(crate) fn opt_json(row: &AnyRow, col: &str) -> Result<Option<serde_json::Value>, sqlx::Error> {
    let text: Option<String> = row.try_get(col)?;
    text.map(|t| {
        serde_json::from_str(&t).map_err(|e| sqlx::Error::Decode(format!("{col}: {e}").into()))
    })
    .transpose()
}

/// A nullable double as a bind parameter; bind `Option<f64>` columns only through this.
///
/// sqlx 0.8's `Any` driver hands a null `f64` to PostgreSQL as a null *float4* (its
/// `AnyArguments::convert_to` swaps Real and Double for nulls). PostgreSQL caches a statement
/// with the parameter types of its first use, so a null first and a value later on the same
/// connection failed with "incorrect binary data format in bind parameter N". The null is
/// bound here as a null `f32`, which that swap delivers to PostgreSQL as float8 (SQLite has
/// one NULL); the conformance suite binds null then a value on one statement, so a change in
/// sqlx shows there.
pub(crate) struct NullableDouble(pub Option<f64>);

impl Type<Any> for NullableDouble {
    fn type_info() -> AnyTypeInfo {
        <f64 as Type<Any>>::type_info()
    }
}

impl<'q> Encode<'q, Any> for NullableDouble {
    fn encode_by_ref(
        &self,
        buf: &mut <Any as Database>::ArgumentBuffer<'q>,
    ) -> Result<IsNull, BoxDynError> {
        match self.0 {
            Some(v) => <f64 as Encode<Any>>::encode_by_ref(&v, buf),
            None => <Option<f32> as Encode<Any>>::encode_by_ref(&None, buf),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_lists_number_every_parameter_once() {
        assert_eq!(values(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(list(3, 2), "$3, $4");
        let d = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap();
        assert_eq!(date_text(d), "2026-03-09");
    }
}

//! Column encodings of the integration tables (dates as `YYYY-MM-DD` text, counts as 64-bit
//! integers, JSON as text) and the `VALUES` lists of multi-row statements.

use chrono::NaiveDate;
use sqlx::any::{Any, AnyRow, AnyTypeInfo};
use sqlx::encode::{Encode, IsNull};
use sqlx::error::BoxDynError;
use sqlx::{Database, Row, Type};
use wfm_core::event::{AgentState, EventKind};

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
    serde_json::to_string(v).map_err(crate::error::StoreError::caused)
}

pub(crate) fn opt_json(row: &AnyRow, col: &str) -> Result<Option<serde_json::Value>, sqlx::Error> {
    let text: Option<String> = row.try_get(col)?;
    text.map(|t| {
        serde_json::from_str(&t).map_err(|e| sqlx::Error::Decode(format!("{col}: {e}").into()))
    })
    .transpose()
}

/// An event's body as stored, with every kind's fields side by side: read straight from the
/// text, without the buffered copy of every field that serde's tagged-enum decode makes.
#[derive(serde::Deserialize)]
struct FlatKind<'a> {
    #[serde(rename = "type", borrow)]
    kind: &'a str,
    call_id: Option<String>,
    group_id: Option<i64>,
    customer_id: Option<String>,
    agent_id: Option<i64>,
    talk_seconds: Option<f64>,
    hold_seconds: Option<f64>,
    state: Option<AgentState>,
}

/// An event's kind from its stored JSON body. The usual body (as the store writes it) takes
/// the flat path; anything else (a field missing, of another type, escaped text in `type`)
/// goes through `EventKind`'s own decode, so results and errors are the same as that decode.
pub(crate) fn event_kind(body: &str) -> Result<EventKind, serde_json::Error> {
    let flat = serde_json::from_str::<FlatKind>(body).ok().and_then(|f| {
        Some(match f.kind {
            "call_offered" => EventKind::CallOffered {
                call_id: f.call_id?,
                group_id: f.group_id?,
                customer_id: f.customer_id,
            },
            "call_answered" => EventKind::CallAnswered {
                call_id: f.call_id?,
                agent_id: f.agent_id?,
            },
            "call_abandoned" => EventKind::CallAbandoned {
                call_id: f.call_id?,
            },
            "call_ended" => EventKind::CallEnded {
                call_id: f.call_id?,
                talk_seconds: f.talk_seconds?,
                hold_seconds: f.hold_seconds?,
            },
            "wrap_up_ended" => EventKind::WrapUpEnded {
                call_id: f.call_id?,
            },
            "agent_state_changed" => EventKind::AgentStateChanged {
                agent_id: f.agent_id?,
                state: f.state?,
                group_id: f.group_id,
            },
            _ => return None,
        })
    });
    match flat {
        Some(kind) => Ok(kind),
        None => serde_json::from_str(body),
    }
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

    /// The flat decode gives what `EventKind`'s own decode gives, for every kind as the store
    /// writes it and for bodies it would not write (nulls, stray or missing fields, bad types).
    #[test]
    fn event_bodies_decode_as_the_tagged_enum_does() {
        let kinds = [
            EventKind::CallOffered {
                call_id: "c\"1\u{e9}".into(),
                group_id: 7,
                customer_id: None,
            },
            EventKind::CallOffered {
                call_id: "c2".into(),
                group_id: -3,
                customer_id: Some("cust\\9".into()),
            },
            EventKind::CallAnswered {
                call_id: "c3".into(),
                agent_id: i64::MAX,
            },
            EventKind::CallAbandoned {
                call_id: String::new(),
            },
            EventKind::CallEnded {
                call_id: "c4".into(),
                talk_seconds: 12.345678901234567,
                hold_seconds: 0.0,
            },
            EventKind::WrapUpEnded {
                call_id: "c5".into(),
            },
            EventKind::AgentStateChanged {
                agent_id: 11,
                state: AgentState::WrapUp,
                group_id: Some(4),
            },
            EventKind::AgentStateChanged {
                agent_id: 12,
                state: AgentState::LoggedOut,
                group_id: None,
            },
        ];
        for kind in kinds {
            let body = serde_json::to_string(&kind).unwrap();
            assert_eq!(event_kind(&body).unwrap(), kind, "{body}");
        }
        let odd = [
            r#"{"group_id":1,"call_id":"c","type":"call_offered","customer_id":null}"#,
            r#"{"type":"call_ended","call_id":"c","talk_seconds":5,"hold_seconds":1e3}"#,
            r#"{"type":"call_abandoned","call_id":"c","state":"bogus","extra":[1,{}]}"#,
            r#"{"type":"call_answered","call_id":"c","agent_id":1.5}"#,
            r#"{"type":"call_offered","call_id":"c","group_id":null}"#,
            r#"{"type":"call_offered","call_id":"c"}"#,
            r#"{"type":"agent_state_changed","agent_id":1,"state":"asleep"}"#,
            r#"{"type":"call_\u0061bandoned","call_id":"c"}"#,
            r#"{"type":"call_abandoned","type":"call_abandoned","call_id":"c"}"#,
            r#"{"type":"teleported","call_id":"c"}"#,
            r#"{"call_id":"c"}"#,
            r#"[]"#,
            r#"not json"#,
        ];
        for body in odd {
            let tagged = serde_json::from_str::<EventKind>(body).map_err(|e| e.to_string());
            let flat = event_kind(body).map_err(|e| e.to_string());
            assert_eq!(flat, tagged, "{body}");
        }
    }
}

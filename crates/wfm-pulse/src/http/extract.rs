//! Request extractors that turn malformed input into a 400 naming the field, and the text
//! rule every input obeys on both backends: no U+0000 (PostgreSQL cannot store it in text).

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// A JSON body; a syntax error, wrong type, missing or unknown field becomes a 400 with the
/// path of the field (`thresholds.acd.decline.critical`).
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(ApiError::bad(
                "body",
                "must be JSON (Content-Type: application/json)",
            ));
        }
        let RawBody(bytes) = RawBody::from_request(req, state).await?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// The body as sent, at most [`super::MAX_BODY_BYTES`]; a larger one is a 413 in the API's
/// error shape, one that stops arriving a 408, one that breaks off a 400.
pub struct RawBody(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        axum::body::Bytes::from_request(req, state)
            .await
            .map(RawBody)
            .map_err(|e| {
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::TooLarge {
                        limit_bytes: super::MAX_BODY_BYTES,
                    }
                } else if timed_out(&e) {
                    ApiError::BodyTimeout
                } else {
                    ApiError::bad("body", format!("could not be read: {e}"))
                }
            })
    }
}

/// Reads a nested record only from a JSON object: serde also reads a struct from an array
/// (by position, `[]` giving every field its default), which the schema does not allow. For
/// `#[serde(deserialize_with = "object")]`; field paths below it are kept.
pub fn object<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    struct Object<T>(std::marker::PhantomData<T>);
    impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Object<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
        }
    }
    deserializer.deserialize_map(Object(std::marker::PhantomData))
}

/// What a 400 says of a text holding U+0000.
pub const NUL_MESSAGE: &str = "must not contain the NUL character (U+0000)";

/// Whether reading the body failed on the body timeout (tower-http's, in the error chain).
fn timed_out(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if c.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = c.source();
    }
    false
}

/// Deserializes one JSON object and nothing after it, naming the failing field in the error;
/// a string (or key) holding U+0000 is refused, naming where it is.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // serde reads a struct from an array too (`[]` gave every field its default).
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::bad("body", "must be a JSON object"));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value = match serde_path_to_error::deserialize(&mut *de) {
        Ok(value) => value,
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if inner.is_syntax() || inner.is_eof() {
                return Err(ApiError::bad("body", format!("is not valid JSON: {inner}")));
            }
            let message = inner.to_string();
            return with_integral_floats(bytes)
                .ok_or_else(|| ApiError::bad(field_of(&path, &message), message));
        }
    };
    de.end()
        .map_err(|_| ApiError::bad("body", "has content after the JSON object"))?;
    if let Some(path) = nul_in_json(bytes) {
        return Err(ApiError::bad(path, NUL_MESSAGE));
    }
    Ok(value)
}

/// The body read again with every integral number written as a float (`1.0`) taken as the
/// integer it is: JSON has one number type and JSON Schema counts `1.0` as an integer, but
/// serde refuses it for an integer field. Only a body refused on a type pays for this.
fn with_integral_floats<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    if !as_integers(&mut value) {
        return None;
    }
    let value = serde_json::from_value(value).ok()?;
    nul_in_json(bytes).is_none().then_some(value)
}

/// Rewrites each integral float in `v` as an integer; whether it rewrote any.
fn as_integers(v: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    match v {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            // Beyond 2^53 a float no longer names one integer.
            if f.fract() != 0.0 || f.abs() > 9_007_199_254_740_992.0 {
                return false;
            }
            *v = if f < 0.0 {
                Value::from(f as i64)
            } else {
                Value::from(f as u64)
            };
            true
        }
        Value::Array(items) => items.iter_mut().fold(false, |any, x| as_integers(x) | any),
        Value::Object(fields) => fields
            .values_mut()
            .fold(false, |any, x| as_integers(x) | any),
        _ => false,
    }
}

/// Where a JSON text holds U+0000 (`segments[2].agent`), if it does. JSON can only carry it
/// escaped, so texts without `\u0000` are passed over without parsing them again.
pub fn nul_in_json(bytes: &[u8]) -> Option<String> {
    if !bytes.windows(6).any(|w| w == b"\\u0000") {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    nul_path(&value, "")
}

/// The path of the first string or object key in `v` that holds U+0000.
pub fn nul_path(v: &serde_json::Value, at: &str) -> Option<String> {
    use serde_json::Value;
    let named = |at: &str| {
        if at.is_empty() {
            "body".to_string()
        } else {
            at.to_string()
        }
    };
    match v {
        Value::String(s) if s.contains('\0') => Some(named(at)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_path(item, &format!("{at}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(k, item)| {
            let key = k.replace('\0', "\\u0000");
            let here = if at.is_empty() {
                key
            } else {
                format!("{at}.{key}")
            };
            if k.contains('\0') {
                Some(here)
            } else {
                nul_path(item, &here)
            }
        }),
        _ => None,
    }
}

/// A 400 naming `field` when `text` holds U+0000.
pub fn no_nul(field: &str, text: &str) -> Result<(), ApiError> {
    if text.contains('\0') {
        Err(ApiError::bad(field, NUL_MESSAGE))
    } else {
        Ok(())
    }
}

/// The field a serde message is about: the path, extended by the field that a
/// "missing field `x`" or "unknown field `x`" message names.
fn field_of(path: &str, message: &str) -> String {
    let named = ["missing field `", "unknown field `"]
        .iter()
        .find_map(|p| message.strip_prefix(p))
        .and_then(|rest| rest.split('`').next());
    match (path, named) {
        (".", Some(n)) => n.to_string(),
        // serde_path_to_error's path already ends at an unknown field.
        (p, Some(n)) if p == n || p.ends_with(&format!(".{n}")) => p.to_string(),
        (p, Some(n)) => format!("{p}.{n}"),
        (".", None) => "body".into(),
        (p, None) => p.to_string(),
    }
}

/// Query parameters, with the same field-naming errors as bodies.
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        for (key, value) in form_urlencoded_parse(query) {
            no_nul(&key, &key)?;
            no_nul(&key, &value)?;
        }
        let de = serde_urlencoded::Deserializer::new(form_urlencoded_parse(query));
        serde_path_to_error::deserialize(de)
            .map(QueryParams)
            .map_err(|e| {
                let path = e.path().to_string();
                let message = e.into_inner().to_string();
                ApiError::bad(field_of(&path, &message), message)
            })
    }
}

fn form_urlencoded_parse(query: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(query.as_bytes())
}

/// A numeric id in the path; anything else is a 400 naming `id`.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| ApiError::bad("id", "is missing from the path"))?;
        raw.parse()
            .map(Id)
            .map_err(|_| ApiError::bad("id", "must be an integer"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_nested_missing_and_unknown_fields() {
        assert_eq!(field_of(".", "missing field `name` at line 1"), "name");
        assert_eq!(
            field_of("thresholds", "unknown field `x`, expected"),
            "thresholds.x"
        );
        assert_eq!(field_of("sl_seconds", "invalid type: string"), "sl_seconds");
        assert_eq!(field_of(".", "invalid type: map"), "body");
    }

    /// The field named for real bodies, as serde_path_to_error reports their paths.
    fn field_for<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
        let de = &mut serde_json::Deserializer::from_str(json);
        let e = serde_path_to_error::deserialize::<_, T>(de).unwrap_err();
        let path = e.path().to_string();
        field_of(&path, &e.into_inner().to_string())
    }

    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        x: u32,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        inner: Option<Inner>,
    }

    #[test]
    fn a_body_is_one_json_object_and_nothing_more() {
        let named = |body: &str| match parse_json::<Outer>(body.as_bytes()) {
            Ok(_) => "ok".to_string(),
            Err(ApiError::BadRequest(f)) => format!("{}: {}", f[0].field, f[0].message),
            Err(e) => format!("{e:?}"),
        };
        assert_eq!(named(r#" {"name": "first"} "#), "ok");
        assert_eq!(
            named(r#"{"name":"first"} {"name":"second"} garbage"#),
            "body: has content after the JSON object"
        );
        assert_eq!(named("[]"), "body: must be a JSON object");
        assert_eq!(named(r#"["a", null]"#), "body: must be a JSON object");
        assert_eq!(named(""), "body: must be a JSON object");
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Holder {
        #[serde(default, deserialize_with = "object")]
        inner: Inner,
    }

    #[test]
    fn a_nested_record_is_read_from_an_object_only() {
        let named = |body: &str| match parse_json::<Holder>(body.as_bytes()) {
            Ok(h) => format!("ok {}", h.inner.x),
            Err(ApiError::BadRequest(f)) => format!("{}: {}", f[0].field, f[0].message),
            Err(e) => format!("{e:?}"),
        };
        assert_eq!(named(r#"{"inner": {"x": 1}}"#), "ok 1");
        assert_eq!(named(r#"{}"#), "ok 0");
        assert!(
            named(r#"{"inner": [1]}"#)
                .starts_with("inner: invalid type: sequence, expected a JSON object")
        );
        assert!(named(r#"{"inner": {"x": "a"}}"#).starts_with("inner.x: invalid type"));
    }

    #[test]
    fn an_integral_float_is_the_integer_it_names() {
        let named = |body: &str| match parse_json::<Outer>(body.as_bytes()) {
            Ok(o) => format!("ok {:?}", o.inner.map(|i| i.x)),
            Err(ApiError::BadRequest(f)) => format!("{}: {}", f[0].field, f[0].message),
            Err(e) => format!("{e:?}"),
        };
        assert_eq!(named(r#"{"name": "a", "inner": {"x": 3.0}}"#), "ok Some(3)");
        assert_eq!(
            named(r#"{"name": "a", "inner": {"x": 3e2}}"#),
            "ok Some(300)"
        );
        assert!(
            named(r#"{"name": "a", "inner": {"x": 3.5}}"#).starts_with("inner.x: invalid type")
        );
        assert!(
            named(r#"{"name": "a", "inner": {"x": -1.0}}"#).starts_with("inner.x: invalid type")
        );
        assert!(named(r#"{"name": 1.0}"#).starts_with("name: invalid type"));
    }

    #[test]
    fn nul_is_refused_where_it_is() {
        let named = |body: &str| match parse_json::<Outer>(body.as_bytes()) {
            Ok(_) => "ok".to_string(),
            Err(ApiError::BadRequest(f)) => format!("{}: {}", f[0].field, f[0].message),
            Err(e) => format!("{e:?}"),
        };
        assert_eq!(
            named(r#"{"name": "poison\u0000"}"#),
            format!("name: {NUL_MESSAGE}")
        );
        // An escaped backslash before u0000 is text, not NUL.
        assert_eq!(named(r#"{"name": "C:\\u0000"}"#), "ok");
        let v = serde_json::json!({"a": [{"b": "x"}, {"b": "y\0"}]});
        assert_eq!(nul_path(&v, "").as_deref(), Some("a[1].b"));
        let v = serde_json::json!({"ok": 1, "k\0": 2});
        assert_eq!(nul_path(&v, "").as_deref(), Some("k\\u0000"));
        assert_eq!(
            nul_path(&serde_json::json!("\0"), "").as_deref(),
            Some("body")
        );
        assert!(no_nul("q", "fine").is_ok());
    }

    #[test]
    fn names_the_field_of_real_bodies_once() {
        assert_eq!(field_for::<Outer>(r#"{"name": "a", "extra": 1}"#), "extra");
        assert_eq!(field_for::<Outer>(r#"{"inner": {"x": 1}}"#), "name");
        assert_eq!(
            field_for::<Outer>(r#"{"name": "a", "inner": {"x": 1, "y": 2}}"#),
            "inner.y"
        );
        assert_eq!(
            field_for::<Outer>(r#"{"name": "a", "inner": {}}"#),
            "inner.x"
        );
        assert_eq!(
            field_for::<Outer>(r#"{"name": "a", "inner": {"x": "no"}}"#),
            "inner.x"
        );
    }
}

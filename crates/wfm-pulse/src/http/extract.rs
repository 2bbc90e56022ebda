//! Request extractors that turn malformed input into a 400 naming the field.

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
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad("body", format!("could not be read: {e}")))?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// Deserializes JSON, naming the failing field in the error.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::bad("body", format!("is not valid JSON: {inner}"));
        }
        let message = inner.to_string();
        ApiError::bad(field_of(&path, &message), message)
    })
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

    #[derive(Debug, serde::Deserialize)]
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

//! Request middleware: the edge every request passes (correlation id, tracing, draining,
//! protective headers), and the correlation id as an extractor.

use std::time::{Duration, Instant};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use super::drain;
use super::error::ApiError;

pub const CORRELATION_HEADER: &str = "x-correlation-id";

/// The correlation id of the request being served.
#[derive(Debug, Clone)]
pub struct CorrelationId(pub String);

/// A client's id is kept when it is short and plain; otherwise a new one is made.
fn usable(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

/// The edge every request passes: a correlation id (taken from `X-Correlation-ID` or made),
/// returned in the response and carried by the request's log span; the body shared so that
/// what a refused request left unread is drained (`drain`), with a pause timeout; and the
/// protective headers. One middleware for all of it: each layer costs every request.
pub async fn edge(State(body_timeout): State<Duration>, req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(CORRELATION_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| usable(v))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let (mut req, unfinished) = drain::share(req, body_timeout);
    req.extensions_mut().insert(CorrelationId(id.clone()));
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        path = %req.uri().path(),
        correlation_id = %id,
        principal = tracing::field::Empty,
    );
    let started = Instant::now();
    let mut response = next.run(req).instrument(span.clone()).await;
    if let Some(unfinished) = unfinished {
        response = unfinished.finish(response).await;
    }
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            ms = started.elapsed().as_secs_f64() * 1e3,
            "served"
        )
    });
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&id) {
        headers.insert(CORRELATION_HEADER, v);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Unless a handler said otherwise: API answers hold personal data.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

impl<S: Send + Sync> FromRequestParts<S> for CorrelationId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Ok(parts
            .extensions
            .get::<CorrelationId>()
            .cloned()
            .unwrap_or_else(|| CorrelationId(uuid::Uuid::new_v4().to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_correlation_ids_are_kept_only_when_plain() {
        assert!(usable("req-42.a:b_c"));
        assert!(!usable(""));
        assert!(!usable("has space"));
        assert!(!usable(&"x".repeat(129)));
    }
}

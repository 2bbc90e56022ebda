//! Request middleware: the edge every request passes (correlation id, tracing, draining,
//! protective headers); authentication and rate limiting for the protected API.

use std::time::{Duration, Instant};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use super::error::ApiError;
use super::rate_limit::EndpointClass;
use super::{AppState, drain};
use wfm_store::people::Session;

use crate::auth::{Principal, api_key, session};

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

fn class_of(method: &Method, path: &str) -> EndpointClass {
    if path.starts_with("/ccwfm/") || path.starts_with("/api/v1/events") {
        EndpointClass::Ingest
    } else if method == Method::GET || method == Method::HEAD {
        EndpointClass::Read
    } else {
        EndpointClass::Write
    }
}

/// Authenticates by `Authorization: Bearer <JWT>`, `X-API-Key` (or `Authorization: ApiKey
/// <key>`) or the console's session cookie (whose writes must carry the CSRF token), then
/// applies the caller's rate limit for this kind of endpoint.
pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let (principal, session) = match identify(&state, req.method(), req.headers()).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let class = class_of(req.method(), req.uri().path());
    if let Err(retry_after_secs) = state.limiter.admit(&principal.name, class) {
        tracing::warn!(principal = %principal.name, ?class, "rate limited");
        return ApiError::RateLimited { retry_after_secs }.into_response();
    }
    tracing::Span::current().record("principal", principal.name.as_str());
    req.extensions_mut().insert(principal);
    if let Some(session) = session {
        req.extensions_mut().insert(session);
    }
    next.run(req).await
}

async fn identify(
    state: &AppState,
    method: &Method,
    headers: &HeaderMap,
) -> Result<(Principal, Option<Session>), ApiError> {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    if let Some(token) = authorization.and_then(|a| a.strip_prefix("Bearer ")) {
        return state
            .keys
            .verify(token.trim())
            .map(|p| (p, None))
            .map_err(ApiError::Unauthorized);
    }
    let key = key.or_else(|| authorization.and_then(|a| a.strip_prefix("ApiKey ")));
    if let Some(secret) = key {
        let found = state
            .store
            .find_api_key(&api_key::hash(secret.trim()))
            .await?;
        return found
            .map(|k| {
                let p = Principal {
                    name: format!("key:{}", k.name),
                    role: k.role,
                };
                (p, None)
            })
            .ok_or_else(|| ApiError::Unauthorized("the API key is unknown or revoked".into()));
    }
    match signed_in(state, headers).await? {
        Some(s) if session::writes(method) && !session::csrf_holds(headers, &s.csrf_token) => {
            Err(ApiError::Forbidden(
                "a write from the console must carry the session's X-CSRF-Token header".into(),
            ))
        }
        Some(s) => Ok((principal_of(&s), Some(s))),
        None => Err(ApiError::Unauthorized(
            "sign in, or send Authorization: Bearer <token> or X-API-Key: <key>".into(),
        )),
    }
}

/// The console session the request's cookie names, if it holds.
pub async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<Option<Session>, ApiError> {
    let Some(token) = session::token(headers) else {
        return Ok(None);
    };
    let cutoff = session::idle_cutoff(chrono::Utc::now());
    Ok(state
        .store
        .find_session(&api_key::hash(token), cutoff)
        .await?)
}

/// Who a console session acts as: the same identity a token for the person would give.
pub fn principal_of(session: &Session) -> Principal {
    Principal {
        name: format!("user:{}", session.user.name),
        role: session.user.role,
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .ok_or_else(|| ApiError::Unauthorized("not authenticated".into()))
    }
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

    #[test]
    fn endpoint_classes() {
        assert_eq!(
            class_of(&Method::POST, "/ccwfm/api/rest/status"),
            EndpointClass::Ingest
        );
        assert_eq!(class_of(&Method::GET, "/api/v1/sites"), EndpointClass::Read);
        assert_eq!(
            class_of(&Method::DELETE, "/api/v1/sites/1"),
            EndpointClass::Write
        );
    }
}

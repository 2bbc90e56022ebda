//! The gate of the protected API: who is calling (a bearer token, an API key, or the
//! console's session cookie, whose writes must carry the CSRF token), and their rate limit
//! for this kind of endpoint. Handlers read the caller as a `Principal`.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use wfm_store::Store;
use wfm_store::people::Session;

use super::token::TokenKeys;
use super::{Principal, api_key, session};
use crate::http::error::ApiError;
use crate::http::rate_limit::{EndpointClass, RateLimiter};

/// What the gate needs: the keys that verify tokens, the store that holds API keys and
/// sessions, and the rate limiter. Behind one `Arc` in the router: the middleware's state is
/// cloned for every request.
pub struct Gate {
    pub keys: Arc<TokenKeys>,
    pub store: Arc<dyn Store>,
    pub limiter: Arc<RateLimiter>,
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
pub async fn authenticate(State(gate): State<Arc<Gate>>, mut req: Request, next: Next) -> Response {
    let (principal, session) = match identify(&gate, req.method(), req.headers()).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let class = class_of(req.method(), req.uri().path());
    if let Err(retry_after_secs) = gate.limiter.admit(&principal.name, class) {
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
    gate: &Gate,
    method: &Method,
    headers: &HeaderMap,
) -> Result<(Principal, Option<Session>), ApiError> {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    if let Some(token) = authorization.and_then(|a| a.strip_prefix("Bearer ")) {
        return gate
            .keys
            .verify(token.trim())
            .map(|p| (p, None))
            .map_err(ApiError::Unauthorized);
    }
    let key = key.or_else(|| authorization.and_then(|a| a.strip_prefix("ApiKey ")));
    if let Some(secret) = key {
        let found = gate
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
    match signed_in(gate.store.as_ref(), headers).await? {
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
pub async fn signed_in(
    store: &dyn Store,
    headers: &HeaderMap,
) -> Result<Option<Session>, ApiError> {
    let Some(token) = session::token(headers) else {
        return Ok(None);
    };
    let cutoff = session::idle_cutoff(chrono::Utc::now());
    Ok(store.find_session(&api_key::hash(token), cutoff).await?)
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

#[cfg(test)]
mod tests {
    use super::*;

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

//! The whole router: the authenticated API behind its gate, sessions, health, metrics, the
//! console, and the OpenAPI document; the layers every request passes.

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::auth::gate;
use crate::http::error::ApiError;
use crate::http::{MAX_BODY_BYTES, middleware};
use crate::state::AppState;

/// The authenticated routes and the sign-in routes, each with its part of the document.
fn described() -> (Router<AppState>, Router<AppState>, utoipa::openapi::OpenApi) {
    let (protected, mut doc) = OpenApiRouter::with_openapi(super::document::base())
        .merge(super::routes())
        .split_for_parts();
    let (sessions, sessions_doc) = super::people::session_routes().split_for_parts();
    doc.merge(sessions_doc);
    super::document::complete(&mut doc);
    (protected, sessions, doc)
}

/// The OpenAPI document of the whole API (`GET /api/v1/openapi.json`, `wfm-pulse openapi`).
pub fn document() -> utoipa::openapi::OpenApi {
    described().2
}

/// The whole application: public health and docs, and the authenticated API.
pub fn router(state: AppState) -> Router {
    let (protected, sessions, doc) = described();
    // The document never changes while the process runs: serialize it once.
    let doc = axum::body::Bytes::from(serde_json::to_vec(&doc).unwrap_or_default());
    let protected = protected.layer(axum::middleware::from_fn_with_state(
        std::sync::Arc::new(state.gate()),
        gate::authenticate,
    ));
    Router::new()
        .merge(protected)
        .merge(sessions)
        .merge(super::health::routes())
        .merge(crate::metrics::routes())
        .merge(crate::web::routes())
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let doc = doc.clone();
                async move {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        doc,
                    )
                }
            }),
        )
        .fallback(|| async { ApiError::NotFound("no such endpoint".into()) })
        // A day's timetable for thousands of operators is several megabytes.
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::compression::CompressionLayer::new())
        // A body that stalls fails its read after this pause (the handler answers 408 and the
        // connection closes) instead of holding the request forever.
        .layer(axum::middleware::from_fn_with_state(
            state.connections.body_timeout,
            middleware::edge,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::metrics::record,
        ))
        .with_state(state)
}

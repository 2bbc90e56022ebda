//! System access and accountability: API keys (admin) and the audit log (manager, read only:
//! the log has no route that changes it; `retention` purges it).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wfm_store::model::{ApiKey, AuditEntry, AuditFilter, NewApiKey, Role};

use crate::auth::{Authorized, api_key, need};
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{Id, JsonBody, QueryParams};
use crate::http::middleware::CorrelationId;
use crate::http::page::{next_cursor, page_size};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_keys, create_key))
        .routes(routes!(revoke_key))
        .routes(routes!(list_audit))
}

/// A key to make: who it is for and what it may do.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyRequest {
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: String,
    pub role: Role,
}

/// A new key; `key` is shown this once and cannot be read again.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    pub key: String,
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
}

/// Lists API keys (never their secrets).
#[utoipa::path(get, path = "/api/v1/api-keys", tag = "access",
    responses((status = 200, body = Vec<ApiKey>), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn list_keys(
    State(s): State<AppState>,
    _: Authorized<need::Admin>,
) -> ApiResult<Json<Vec<ApiKey>>> {
    Ok(Json(s.store.list_api_keys().await?))
}

/// Makes an API key for a system; the secret is in this response only.
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "access", request_body = ApiKeyRequest,
    responses((status = 201, body = CreatedApiKey), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn create_key(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Admin>,
    CorrelationId(c): CorrelationId,
    JsonBody(req): JsonBody<ApiKeyRequest>,
) -> ApiResult<(StatusCode, Json<CreatedApiKey>)> {
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::bad("name", "must be 1 to 100 characters"));
    }
    let generated = api_key::generate();
    let new = NewApiKey {
        name: name.to_string(),
        role: req.role,
        prefix: generated.prefix,
        key_hash: generated.hash,
    };
    let stored = s.store.create_api_key(&new, &p.actor(&c)).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedApiKey {
            key: generated.secret,
            id: stored.id,
            name: stored.name,
            role: stored.role,
            prefix: stored.prefix,
            created_at: stored.created_at,
        }),
    ))
}

/// Revokes an API key at once; it stays listed with its revocation time.
#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "access", params(("id" = i64, Path)),
    responses((status = 200, body = ApiKey), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn revoke_key(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Admin>,
    CorrelationId(c): CorrelationId,
    Id(id): Id,
) -> ApiResult<Json<ApiKey>> {
    Ok(Json(s.store.revoke_api_key(id, &p.actor(&c)).await?))
}

/// Filters of the audit log; `from`/`to` bound the time (to exclusive), `cursor` is the
/// `next_cursor` of the previous page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub correlation_id: Option<String>,
    /// `user:<subject>`, `key:<name>`, `system`, `schedule`.
    pub actor: Option<String>,
    /// `create`, `update`, `delete`, `replace`, `erase`, ...
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub cursor: Option<i64>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// A page of audit entries, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<i64>,
}

/// Who changed what and when, with before and after and the correlation id, newest first.
/// Append-only: no route changes or removes an entry; entries older than the retention
/// (`audit_retention_days`) are purged daily. An erased person's fields read `"[erased]"`.
#[utoipa::path(get, path = "/api/v1/audit", tag = "access", params(AuditQuery),
    responses((status = 200, body = AuditPage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn list_audit(
    State(s): State<AppState>,
    _: Authorized<need::Manager>,
    QueryParams(q): QueryParams<AuditQuery>,
) -> ApiResult<Json<AuditPage>> {
    let limit = page_size(q.limit)?;
    if let (Some(f), Some(t)) = (q.from, q.to) {
        if t <= f {
            return Err(ApiError::bad("to", "must be after from"));
        }
    }
    let items = s
        .store
        .list_audit(&AuditFilter {
            entity: q.entity,
            entity_id: q.entity_id,
            correlation_id: q.correlation_id,
            actor: q.actor,
            action: q.action,
            from: q.from,
            to: q.to,
            before_id: q.cursor,
            limit,
        })
        .await?;
    let next_cursor = next_cursor(&items, limit, |x| x.id);
    Ok(Json(AuditPage { items, next_cursor }))
}

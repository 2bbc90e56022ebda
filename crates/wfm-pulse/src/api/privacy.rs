//! Data protection: erasing a person's personal data on request (GDPR), and the record of
//! each erasure. The erasure runs in the store, in one transaction, then scrubs this
//! process's memory (`Jobs::erase`), so no view names the person any more.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wfm_store::privacy::{ErasureSource, ErasureSubject, PrivacyDeletion};

use crate::auth::{Authorized, need};
use crate::http::error::{ApiResult, ErrorBody};
use crate::http::extract::{Id, JsonBody};
use crate::http::middleware::CorrelationId;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(request_deletion))
        .routes(routes!(get_deletion))
}

/// Whose personal data to erase. Only the id: a request carries no personal data itself.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeletionRequest {
    pub agent_id: i64,
}

/// Erases an agent's personal data (admin): names, personnel number, logins, 1C's record,
/// identifiers and employment data, norm hours, timesheet, and every mention in job reports,
/// errors and event ids; the agent's fields in the audit log read `"[erased]"` from now on.
/// The agent keeps its id under a pseudonym, so statistics stay. Audited with the
/// categories erased, never the data. 409 when erased already.
#[utoipa::path(post, path = "/api/v1/privacy/deletions", tag = "privacy",
    request_body = DeletionRequest,
    responses((status = 201, body = PrivacyDeletion), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn request_deletion(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Admin>,
    CorrelationId(c): CorrelationId,
    JsonBody(req): JsonBody<DeletionRequest>,
) -> ApiResult<(StatusCode, Json<PrivacyDeletion>)> {
    let deletion = s
        .jobs
        .erase(
            &ErasureSubject::Agent(req.agent_id),
            ErasureSource::Api,
            &p.actor(&c),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(deletion)))
}

/// An erasure's record: its state, when it was asked for and done, by whom, which
/// categories (manager).
#[utoipa::path(get, path = "/api/v1/privacy/deletions/{id}", tag = "privacy",
    params(("id" = i64, Path)),
    responses((status = 200, body = PrivacyDeletion), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn get_deletion(
    State(s): State<AppState>,
    _: Authorized<need::Manager>,
    Id(id): Id,
) -> ApiResult<Json<PrivacyDeletion>> {
    Ok(Json(s.store.get_privacy_deletion(id).await?))
}

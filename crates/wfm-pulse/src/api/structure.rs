//! The contact center's structure: sites, services, groups (with SL settings and
//! thresholds) and agents. Read by viewers; changed by managers, every change audited.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wfm_store::model::*;

use crate::auth::{Authorized, need};
use crate::http::error::{ApiResult, ErrorBody};
use crate::http::extract::{Id, JsonBody};
use crate::http::middleware::CorrelationId;
use crate::state::AppState;

/// The five handlers of one resource. A macro, because the four resources differ only in
/// names and types, and each handler must carry its own OpenAPI annotation.
macro_rules! resource {
    ($module:ident, $tag:literal, $collection:literal, $item:literal, $Record:ty, $Input:ty,
     $create:ident, $get:ident, $list:ident, $update:ident, $delete:ident) => {
        pub mod $module {
            use super::*;

            #[doc = concat!("Lists all ", $tag, ".")]
            #[utoipa::path(get, path = $collection, tag = $tag, operation_id = stringify!($list),
                responses((status = 200, body = Vec<$Record>), (status = 401, body = ErrorBody)),
                security(("bearer" = []), ("api_key" = [])))]
            pub async fn list(State(s): State<AppState>, _: Authorized<need::Viewer>) -> ApiResult<Json<Vec<$Record>>> {
                Ok(Json(s.store.$list().await?))
            }

            #[doc = concat!("Creates one of the ", $tag, " (manager).")]
            #[utoipa::path(post, path = $collection, tag = $tag, operation_id = stringify!($create), request_body = $Input,
                responses((status = 201, body = $Record), (status = 400, body = ErrorBody),
                    (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
                security(("bearer" = []), ("api_key" = [])))]
            pub async fn create(
                State(s): State<AppState>,
                Authorized(p, _): Authorized<need::Manager>,
                CorrelationId(c): CorrelationId,
                JsonBody(input): JsonBody<$Input>,
            ) -> ApiResult<(StatusCode, Json<$Record>)> {
                input.validate()?;
                let created = s.store.$create(&input, &p.actor(&c)).await?;
                s.live.changed();
                Ok((StatusCode::CREATED, Json(created)))
            }

            #[doc = concat!("Reads one of the ", $tag, ".")]
            #[utoipa::path(get, path = $item, tag = $tag, operation_id = stringify!($get), params(("id" = i64, Path)),
                responses((status = 200, body = $Record), (status = 404, body = ErrorBody)),
                security(("bearer" = []), ("api_key" = [])))]
            pub async fn get(State(s): State<AppState>, _: Authorized<need::Viewer>, Id(id): Id) -> ApiResult<Json<$Record>> {
                Ok(Json(s.store.$get(id).await?))
            }

            #[doc = concat!("Replaces one of the ", $tag, "; omitted settings take their defaults (manager).")]
            #[utoipa::path(put, path = $item, tag = $tag, operation_id = stringify!($update), params(("id" = i64, Path)), request_body = $Input,
                responses((status = 200, body = $Record), (status = 400, body = ErrorBody),
                    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
                security(("bearer" = []), ("api_key" = [])))]
            pub async fn update(
                State(s): State<AppState>,
                Authorized(p, _): Authorized<need::Manager>,
                CorrelationId(c): CorrelationId,
                Id(id): Id,
                JsonBody(input): JsonBody<$Input>,
            ) -> ApiResult<Json<$Record>> {
                input.validate()?;
                let updated = s.store.$update(id, &input, &p.actor(&c)).await?;
                s.live.changed();
                Ok(Json(updated))
            }

            #[doc = concat!("Deletes one of the ", $tag, " unless other records still use it (manager).")]
            #[utoipa::path(delete, path = $item, tag = $tag, operation_id = stringify!($delete), params(("id" = i64, Path)),
                responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
                security(("bearer" = []), ("api_key" = [])))]
            pub async fn delete(
                State(s): State<AppState>,
                Authorized(p, _): Authorized<need::Manager>,
                CorrelationId(c): CorrelationId,
                Id(id): Id,
            ) -> ApiResult<StatusCode> {
                s.store.$delete(id, &p.actor(&c)).await?;
                s.live.changed();
                Ok(StatusCode::NO_CONTENT)
            }

            pub fn routes() -> OpenApiRouter<AppState> {
                OpenApiRouter::new()
                    .routes(routes!(list, create))
                    .routes(routes!(get, update, delete))
            }
        }
    };
}

resource!(
    sites,
    "sites",
    "/api/v1/sites",
    "/api/v1/sites/{id}",
    Site,
    SiteInput,
    create_site,
    get_site,
    list_sites,
    update_site,
    delete_site
);
resource!(
    services,
    "services",
    "/api/v1/services",
    "/api/v1/services/{id}",
    Service,
    ServiceInput,
    create_service,
    get_service,
    list_services,
    update_service,
    delete_service
);
resource!(
    groups,
    "groups",
    "/api/v1/groups",
    "/api/v1/groups/{id}",
    Group,
    GroupInput,
    create_group,
    get_group,
    list_groups,
    update_group,
    delete_group
);
resource!(
    agents,
    "agents",
    "/api/v1/agents",
    "/api/v1/agents/{id}",
    Agent,
    AgentInput,
    create_agent,
    get_agent,
    list_agents,
    update_agent,
    delete_agent
);

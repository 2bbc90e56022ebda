//! The staffing calculator over HTTP: Erlang C requirement for one load.

use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{Authorized, need};
use crate::calculator::{self, CalculatorInput, CalculatorReport};
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::JsonBody;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(erlang_c))
}

/// Agents needed for a load and service target by Erlang C, with the unrounded figures.
#[utoipa::path(post, path = "/api/v1/staffing/erlang-c", operation_id = "calculate_erlang_c", tag = "staffing",
    request_body = CalculatorInput,
    responses((status = 200, body = CalculatorReport), (status = 400, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn erlang_c(
    _: Authorized<need::Viewer>,
    JsonBody(input): JsonBody<CalculatorInput>,
) -> ApiResult<Json<CalculatorReport>> {
    calculator::calculate(&input)
        .map(Json)
        .map_err(|(field, message)| ApiError::bad(field, message))
}

//! The OpenAPI document's frame: title, security schemes, the error bodies, and the answers
//! every operation can give besides its own (a 400 for bad input, 401, 403 and 429 from the
//! gate), added to each operation so that the document lists every status it can return.

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::http::error::{ErrorBody, FieldErrorBody};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "wfm-pulse",
        description = "Real-time operations and integration service for contact-center workforce management."
    ),
    modifiers(&SecuritySchemes),
    components(schemas(ErrorBody, FieldErrorBody))
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-API-Key"))),
        );
    }
}

/// The document before the routes add their operations.
pub fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// Adds to each operation the answers it can give besides its own.
pub fn complete(doc: &mut utoipa::openapi::OpenApi) {
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            add_common_answers(op);
        }
    }
}

fn add_common_answers(op: &mut Operation) {
    let takes_input =
        op.parameters.as_ref().is_some_and(|p| !p.is_empty()) || op.request_body.is_some();
    let gated = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let mut answers = Vec::new();
    if takes_input {
        answers.push(("400", "The input is invalid: the body names the field."));
    }
    if op.request_body.is_some() {
        answers.push(("413", "The body is larger than the limit."));
    }
    if gated {
        answers.push(("401", "Not authenticated."));
        answers.push(("403", "The caller's role may not do this."));
        answers.push((
            "429",
            "Rate limited: retry after the Retry-After header's seconds.",
        ));
    }
    for (status, description) in answers {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| {
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        Content::new(Some(Ref::from_schema_name("ErrorBody"))),
                    )
                    .build()
                    .into()
            });
    }
}

//! The OpenAPI document's frame: title, security schemes, the error bodies, and the answers
//! every operation can give besides its own (a 400 for bad input, 401, 403 and 429 from the
//! gate), added to each operation so that the document lists every status it can return;
//! and flattened records merged into one object each, so that their schemas hold.

use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{AdditionalProperties, Object, Schema};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};
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

/// Adds to each operation the answers it can give besides its own, and merges flattened
/// records into one object each.
pub fn complete(doc: &mut utoipa::openapi::OpenApi) {
    merge_flattened(doc);
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

/// A record that flattens another (`#[serde(flatten)]`) is described as `allOf` its parts.
/// When a part forbids other properties (an input type with `deny_unknown_fields`), no value
/// can satisfy every part of such an `allOf`: each part's properties are "other" to the rest.
/// Each is rewritten as one object with the parts' properties together; it forbids others
/// only when a part did and no part is a free-form object.
fn merge_flattened(doc: &mut utoipa::openapi::OpenApi) {
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let named = components.schemas.clone();
    let part_of = |part: &RefOr<Schema>| -> Option<Object> {
        let schema = match part {
            RefOr::Ref(r) => {
                let name = r.ref_location.strip_prefix("#/components/schemas/")?;
                named.get(name)?
            }
            inline => inline,
        };
        match schema {
            RefOr::T(Schema::Object(o)) => Some(o.clone()),
            _ => None,
        }
    };
    for schema in components.schemas.values_mut() {
        let RefOr::T(Schema::AllOf(all)) = schema else {
            continue;
        };
        let Some(parts) = all.items.iter().map(part_of).collect::<Option<Vec<_>>>() else {
            continue;
        };
        let free_form = parts.iter().any(|p| p.properties.is_empty());
        let closed = parts.iter().any(|p| {
            matches!(
                p.additional_properties.as_deref(),
                Some(AdditionalProperties::FreeForm(false))
            )
        });
        let mut merged = Object::new();
        merged.description = all.description.clone();
        for part in parts {
            merged.properties.extend(part.properties);
            merged.required.extend(part.required);
        }
        if closed && !free_form {
            merged.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
        }
        *schema = RefOr::T(Schema::Object(merged));
    }
}

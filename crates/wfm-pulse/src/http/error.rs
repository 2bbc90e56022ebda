//! The API's error: one enum, one JSON shape (`message`, `description`, `field`, `errors`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use wfm_store::StoreError;
use wfm_store::model::FieldError;

/// Everything a handler can answer instead of success.
#[derive(Debug)]
pub enum ApiError {
    /// 400: the input is wrong; each failing field is named.
    BadRequest(Vec<FieldError>),
    /// 401: no credentials, or credentials that do not hold.
    Unauthorized(String),
    /// 403: the caller's role is too low.
    Forbidden(String),
    /// 404.
    NotFound(String),
    /// 409: clashes with what is stored.
    Conflict(String),
    /// 408: the body stopped arriving (the body timeout).
    BodyTimeout,
    /// 413: the body is larger than the server takes.
    TooLarge { limit_bytes: usize },
    /// 429 with Retry-After in whole seconds.
    RateLimited { retry_after_secs: u64 },
    /// 503: a dependency is down (named).
    Unavailable(String),
    /// 500: details go to the log only.
    Internal,
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Short, stable statement of what went wrong.
    pub message: String,
    /// What to do about it, or more detail.
    pub description: String,
    /// The input field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every failing field, when several fail.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldErrorBody>,
}

/// One failing field.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldErrorBody {
    pub field: String,
    pub message: String,
    pub description: String,
}

impl ApiError {
    /// A 400 for one field.
    pub fn bad(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::BadRequest(vec![FieldError::new(field, message)])
    }

    /// The body this error answers with, for callers that are not HTTP (the command line).
    pub fn body(&self) -> ErrorBody {
        self.parts().1
    }

    fn parts(&self) -> (StatusCode, ErrorBody) {
        let body = |message: &str, description: String| ErrorBody {
            message: message.into(),
            description,
            field: None,
            errors: Vec::new(),
        };
        match self {
            ApiError::BadRequest(fields) => {
                let first = fields.first();
                let description = match first {
                    Some(f) if fields.len() == 1 => format!("{} {}", f.field, f.message),
                    _ => format!("{} fields are invalid", fields.len()),
                };
                let mut b = body("invalid input", description);
                b.field = first.map(|f| f.field.clone());
                if fields.len() > 1 {
                    b.errors = fields
                        .iter()
                        .map(|f| FieldErrorBody {
                            field: f.field.clone(),
                            message: "invalid value".into(),
                            description: format!("{} {}", f.field, f.message),
                        })
                        .collect();
                }
                (StatusCode::BAD_REQUEST, b)
            }
            ApiError::Unauthorized(why) => {
                (StatusCode::UNAUTHORIZED, body("unauthorized", why.clone()))
            }
            ApiError::Forbidden(why) => (StatusCode::FORBIDDEN, body("forbidden", why.clone())),
            ApiError::NotFound(what) => (StatusCode::NOT_FOUND, body("not found", what.clone())),
            ApiError::Conflict(why) => (StatusCode::CONFLICT, body("conflict", why.clone())),
            ApiError::BodyTimeout => {
                let mut b = body(
                    "request timeout",
                    "the body stopped arriving before it was complete; send it again".into(),
                );
                b.field = Some("body".into());
                (StatusCode::REQUEST_TIMEOUT, b)
            }
            ApiError::TooLarge { limit_bytes } => {
                let mut b = body(
                    "payload too large",
                    format!(
                        "the body is larger than {limit_bytes} bytes; send it in several requests"
                    ),
                );
                b.field = Some("body".into());
                (StatusCode::PAYLOAD_TOO_LARGE, b)
            }
            ApiError::RateLimited { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                body(
                    "rate limited",
                    format!("too many requests; retry after {retry_after_secs} s"),
                ),
            ),
            ApiError::Unavailable(what) => (
                StatusCode::SERVICE_UNAVAILABLE,
                body("service unavailable", what.clone()),
            ),
            ApiError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                body(
                    "internal error",
                    "the error was logged with this request's correlation id".into(),
                ),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = self.parts();
        let mut response = (status, axum::Json(body)).into_response();
        match self {
            ApiError::RateLimited { retry_after_secs } => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            // RFC 9110 11.6.1: a 401 names the scheme that would be accepted.
            ApiError::Unauthorized(_) => {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"wfm-pulse\""),
                );
            }
            _ => {}
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { entity, id } => {
                ApiError::NotFound(format!("{entity} {id} not found"))
            }
            StoreError::InvalidReference { field, entity } => {
                ApiError::bad(field, format!("refers to a {entity} that does not exist"))
            }
            StoreError::Conflict(why) => ApiError::Conflict(why),
            StoreError::Other { message: why, .. } => {
                tracing::error!(error = %why, "store failure");
                ApiError::Unavailable("the database is unavailable".into())
            }
        }
    }
}

impl From<Vec<FieldError>> for ApiError {
    fn from(fields: Vec<FieldError>) -> Self {
        ApiError::BadRequest(fields)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

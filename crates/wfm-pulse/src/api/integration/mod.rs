//! The integration side of the API: sync jobs with 1C ZUP, the endpoint registry, the
//! integration activity log, production calendars and the data 1C ZUP syncs bring in.

mod activity;
mod mapping;
mod sync;
mod zup;

use utoipa_axum::router::OpenApiRouter;

use crate::http::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(sync::routes())
        .merge(mapping::routes())
        .merge(activity::routes())
        .merge(zup::routes())
}

/// A page size from the query: 1 to 1000, default 100.
fn page_size(limit: Option<u32>) -> Result<u32, crate::http::error::ApiError> {
    let limit = limit.unwrap_or(100);
    if (1..=1000).contains(&limit) {
        Ok(limit)
    } else {
        Err(crate::http::error::ApiError::bad(
            "limit",
            "must be from 1 to 1000",
        ))
    }
}

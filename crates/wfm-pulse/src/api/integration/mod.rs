//! The integration side of the API: sync jobs with 1C ZUP, the endpoint registry, the
//! integration activity log, production calendars, the data 1C ZUP syncs bring in, and
//! integration health and data quality.

mod activity;
mod health;
mod mapping;
mod sync;
mod zup;

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(sync::routes())
        .merge(mapping::routes())
        .merge(activity::routes())
        .merge(zup::routes())
        .merge(health::routes())
}

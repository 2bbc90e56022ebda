//! The API's resources, one module per resource; `routes` joins the authenticated ones,
//! `router` the whole.

pub mod access;
pub mod alerts;
pub mod capacity;
pub mod document;
pub mod executive;
pub mod health;
pub mod history;
pub mod ingest;
pub mod integration;
pub mod monitoring;
pub mod optimization;
pub mod people;
pub mod plan;
pub mod privacy;
pub mod realtime;
pub mod router;
pub mod staffing;
pub mod structure;

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// Every authenticated route, with its OpenAPI description.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(structure::sites::routes())
        .merge(structure::services::routes())
        .merge(structure::groups::routes())
        .merge(structure::agents::routes())
        .merge(access::routes())
        .merge(staffing::routes())
        .merge(ingest::routes())
        .merge(plan::routes())
        .merge(realtime::routes())
        .merge(monitoring::routes())
        .merge(history::routes())
        .merge(optimization::routes())
        .merge(integration::routes())
        .merge(alerts::routes())
        .merge(executive::routes())
        .merge(privacy::routes())
        .merge(capacity::routes())
        .merge(people::routes())
}

//! Contact-center data in: the incumbent's status push (kept at its own path) and
//! wfm-pulse's event feed, both for the integration role; and the state-code map.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wfm_store::live::StateCode;

use crate::auth::{Authorized, need};
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{JsonBody, NUL_MESSAGE, RawBody, nul_in_json, nul_path};
use crate::http::middleware::CorrelationId;
use crate::ingest::argus::StatusChange;
use crate::ingest::native::{NativeEvent, split_items};
use crate::ingest::{Batch, Feed, IngestReport, Item, Reason, RejectedInput, Rejection, Source};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(status_push))
        .routes(routes!(events))
        .routes(routes!(get_state_map, put_state_map))
        .routes(routes!(rejections))
}

/// How many ingested items were turned away since start, per feed and reason, with the
/// newest of them.
#[utoipa::path(get, path = "/api/v1/ingest/rejections", operation_id = "list_rejections", tag = "ingest",
    responses((status = 200, body = Vec<RejectedInput>)),
    security(("bearer" = []), ("api_key" = [])))]
async fn rejections(
    State(s): State<AppState>,
    _: Authorized<need::Viewer>,
) -> Json<Vec<RejectedInput>> {
    Json(s.live.rejected_input())
}

/// The feed a raw native item belongs to, by its `type`.
fn feed_of_item(item: &serde_json::Value) -> Feed {
    match item.get("type").and_then(|t| t.as_str()) {
        Some("agent_state") => Feed::Status,
        _ => Feed::Calls,
    }
}

/// Parses each raw item as `read` says; a failure (or a text holding U+0000) rejects that
/// item only, as incomplete, noted for the feed `feed_of` names.
fn parse_each<T: serde::de::DeserializeOwned>(
    source: Source,
    items: Vec<serde_json::Value>,
    read: fn(T) -> Item,
    feed_of: fn(&serde_json::Value) -> Feed,
) -> Batch {
    let mut batch = Batch {
        source,
        items: Vec::new(),
        unreadable: Vec::new(),
    };
    for (index, item) in items.into_iter().enumerate() {
        let feed = feed_of(&item);
        let event_id = item
            .get("id")
            .and_then(|v| v.as_str())
            .map(|id| id.replace('\0', "\\u0000"));
        if let Some(field) = nul_path(&item, "") {
            let rejection = Rejection {
                index,
                event_id,
                reason: Reason::Incomplete,
                field: Some(field),
                message: NUL_MESSAGE.into(),
            };
            batch.unreadable.push((rejection, feed));
            continue;
        }
        match serde_path_to_error::deserialize::<_, T>(item) {
            Ok(v) => batch.items.push((index, read(v))),
            Err(e) => {
                let path = e.path().to_string();
                let message = e.into_inner().to_string();
                let field = message
                    .strip_prefix("missing field `")
                    .and_then(|r| r.split('`').next())
                    .map(str::to_string)
                    .or((path != ".").then_some(path));
                let rejection = Rejection {
                    index,
                    event_id,
                    reason: Reason::Incomplete,
                    field,
                    message,
                };
                batch.unreadable.push((rejection, feed));
            }
        }
    }
    batch
}

fn items_of(body: &[u8]) -> ApiResult<Vec<serde_json::Value>> {
    split_items(body).map_err(|m| ApiError::bad("body", m))
}

/// Operator status changes, exactly as the incumbent's contact-center contract sends them:
/// one object or an array. Exits (`action` 0) are accepted and change nothing by themselves.
#[utoipa::path(post, path = "/ccwfm/api/rest/status", operation_id = "push_status", tag = "ingest",
    request_body = StatusChange,
    responses((status = 200, body = IngestReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn status_push(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Integration>,
    CorrelationId(c): CorrelationId,
    RawBody(body): RawBody,
) -> ApiResult<Json<IngestReport>> {
    let batch = parse_each(Source::ArgusStatus, items_of(&body)?, Item::Status, |_| {
        Feed::Status
    });
    Ok(Json(s.live.take(batch, &p.actor(&c)).await?))
}

/// Call and operator events: a JSON array, one object, or NDJSON. Each event's `id` makes
/// a re-delivery a duplicate; the reply says per item what happened.
#[utoipa::path(post, path = "/api/v1/events", operation_id = "post_events", tag = "ingest",
    request_body(content = Vec<Object>, description = "Events tagged by `type`: call_offered, call_answered, call_abandoned, call_ended, wrap_up_ended, agent_state, group_load (see the README)"),
    responses((status = 200, body = IngestReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn events(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Integration>,
    CorrelationId(c): CorrelationId,
    RawBody(body): RawBody,
) -> ApiResult<Json<IngestReport>> {
    // A well-formed JSON array is read in one pass; anything else item by item, so that
    // each bad item is named.
    let whole = match nul_in_json(&body) {
        None => serde_json::from_slice::<Vec<NativeEvent>>(&body).ok(),
        Some(_) => None,
    };
    let batch = match whole {
        Some(all) => Batch {
            source: Source::Native,
            items: all.into_iter().map(Item::Event).enumerate().collect(),
            unreadable: Vec::new(),
        },
        None => parse_each(Source::Native, items_of(&body)?, Item::Event, feed_of_item),
    };
    Ok(Json(s.live.take(batch, &p.actor(&c)).await?))
}

/// The state map: which platform status codes mean which operator state.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StateMap {
    pub codes: Vec<StateCode>,
}

/// The status codes the contact center sends and what each means.
#[utoipa::path(get, path = "/api/v1/ingest/state-map", tag = "ingest",
    responses((status = 200, body = StateMap)),
    security(("bearer" = []), ("api_key" = [])))]
async fn get_state_map(
    State(s): State<AppState>,
    _: Authorized<need::Viewer>,
) -> ApiResult<Json<StateMap>> {
    Ok(Json(StateMap {
        codes: s.store.state_codes().await?,
    }))
}

/// Replaces the state map (manager); applies to status changes received from now on.
#[utoipa::path(put, path = "/api/v1/ingest/state-map", tag = "ingest", request_body = StateMap,
    responses((status = 200, body = StateMap), (status = 400, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn put_state_map(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Manager>,
    CorrelationId(c): CorrelationId,
    JsonBody(map): JsonBody<StateMap>,
) -> ApiResult<Json<StateMap>> {
    for (i, code) in map.codes.iter().enumerate() {
        if code.code.trim().is_empty() || code.code.chars().count() > 100 {
            return Err(ApiError::bad(
                format!("codes[{i}].code"),
                "must be 1 to 100 characters",
            ));
        }
        if let Some(j) = map.codes[..i].iter().position(|o| o.code == code.code) {
            return Err(ApiError::bad(
                format!("codes[{i}].code"),
                format!("repeats codes[{j}]"),
            ));
        }
    }
    s.store
        .replace_state_codes(&map.codes, &p.actor(&c))
        .await?;
    s.live.changed();
    Ok(Json(map))
}

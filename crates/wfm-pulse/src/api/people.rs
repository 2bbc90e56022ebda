//! People and the console: signing in and out (a session cookie), the accounts an
//! administrator manages, and each person's own settings (language, wallboard choices).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wfm_core::threshold::Indicator;
use wfm_store::model::{Actor, Role};
use wfm_store::people::{NewUser, Session, User, UserChange};

use crate::auth::gate::{principal_of, signed_in};
use crate::auth::{Authorized, api_key, need, password, session};
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{Id, JsonBody, no_nul};
use crate::http::middleware::CorrelationId;
use crate::state::AppState;

/// Signing in and out: open to everyone (the session is what they give).
pub fn session_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sign_in, current, sign_out))
}

/// Accounts (admin) and one's own settings (anyone signed in).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(change_user))
        .routes(routes!(get_settings, put_settings))
}

/// The languages of the console.
const LOCALES: [&str; 2] = ["ru", "en"];

/// A name and a password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: String,
    #[schema(min_length = 1, max_length = 256)]
    pub password: String,
}

/// The signed-in person and the token their page's writes carry in `X-CSRF-Token`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub user: User,
    pub csrf_token: String,
}

fn view(s: &Session) -> SessionView {
    SessionView {
        user: s.user.clone(),
        csrf_token: s.csrf_token.clone(),
    }
}

/// Signs a person in: a session cookie (HttpOnly, SameSite=Strict) and the CSRF token.
/// The fifth wrong password in a row locks the account for 15 minutes.
#[utoipa::path(post, path = "/api/v1/session", tag = "people", request_body = Credentials,
    responses((status = 201, body = SessionView), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, description = "the account is locked", body = ErrorBody)))]
async fn sign_in(
    State(s): State<AppState>,
    CorrelationId(c): CorrelationId,
    headers: HeaderMap,
    JsonBody(req): JsonBody<Credentials>,
) -> ApiResult<Response> {
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::bad("name", "must be 1 to 100 characters"));
    }
    if req.password.is_empty() || req.password.chars().count() > password::MAX_LENGTH {
        return Err(ApiError::bad(
            "password",
            format!("must be 1 to {} characters", password::MAX_LENGTH),
        ));
    }
    no_nul("name", name)?;
    no_nul("password", &req.password)?;
    let now = Utc::now();
    let user = s.store.find_user(name).await?;
    let actor = Actor {
        name: format!("user:{name}"),
        correlation_id: c,
    };
    if let Some(u) = user.as_ref().filter(|u| u.locked_at(now)) {
        return Err(locked(u));
    }
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let right = password::verify(stored, req.password).await;
    let Some(user) = user else {
        tracing::warn!(name, "sign-in with an unknown name");
        return Err(wrong());
    };
    if !right {
        let lock_until = now + session::LOCK_FOR;
        let failure = s
            .store
            .fail_sign_in(user.id, session::LOCK_AFTER, lock_until, &actor)
            .await?;
        tracing::warn!(name, locked = failure.locked_now, "wrong password");
        return Err(if failure.locked_now {
            locked(&failure.user)
        } else {
            wrong()
        });
    }
    let token = session::new_token();
    let csrf = session::new_token();
    let cutoff = session::idle_cutoff(now);
    s.store
        .open_session(user.id, &api_key::hash(&token), &csrf, cutoff, &actor)
        .await?;
    let mut user = user;
    user.failed_attempts = 0;
    let body = SessionView {
        user,
        csrf_token: csrf,
    };
    let cookie = session::set_cookie(&token, &headers);
    Ok((
        StatusCode::CREATED,
        [(header::SET_COOKIE, cookie)],
        Json(body),
    )
        .into_response())
}

fn wrong() -> ApiError {
    ApiError::Unauthorized("the name or the password is wrong".into())
}

fn locked(u: &User) -> ApiError {
    let until = u
        .locked_until
        .map(|t| t.format("%H:%M UTC").to_string())
        .unwrap_or_default();
    ApiError::Forbidden(format!(
        "the account is locked until {until} after {} wrong passwords; an administrator can \
         unlock it sooner",
        session::LOCK_AFTER
    ))
}

/// The signed-in person (from the session cookie), or 401.
#[utoipa::path(get, path = "/api/v1/session", operation_id = "get_session", tag = "people",
    responses((status = 200, body = SessionView), (status = 401, body = ErrorBody)))]
async fn current(State(s): State<AppState>, headers: HeaderMap) -> ApiResult<Json<SessionView>> {
    match signed_in(s.store.as_ref(), &headers).await? {
        Some(session) => Ok(Json(view(&session))),
        None => Err(ApiError::Unauthorized("not signed in".into())),
    }
}

/// Signs out: the session ends on the server and the cookie is removed.
#[utoipa::path(delete, path = "/api/v1/session", tag = "people",
    responses((status = 204), (status = 403, description = "the CSRF token is missing", body = ErrorBody)))]
async fn sign_out(
    State(s): State<AppState>,
    CorrelationId(c): CorrelationId,
    headers: HeaderMap,
) -> ApiResult<Response> {
    if let Some(open) = signed_in(s.store.as_ref(), &headers).await? {
        if !session::csrf_holds(&headers, &open.csrf_token) {
            return Err(ApiError::Forbidden(
                "signing out from the console must carry the session's X-CSRF-Token header".into(),
            ));
        }
        let token = session::token(&headers).unwrap_or_default();
        let actor = principal_of(&open).actor(&c);
        s.store
            .close_session(&api_key::hash(token), open.user.id, &actor)
            .await?;
    }
    let cookie = session::clear_cookie(&headers);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// An account to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserRequest {
    /// The sign-in name: letters, digits and `.`, `_`, `-`, `@`; at most 100.
    #[schema(pattern = r"^[\w.@-]{1,100}$")]
    pub name: String,
    /// viewer, supervisor, manager or admin (integration is for systems).
    pub role: Role,
    /// At least 12 characters.
    #[schema(min_length = 12, max_length = 256)]
    pub password: String,
    /// `ru` (default) or `en`.
    pub locale: Option<String>,
}

/// A change to an account: any of its fields.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    pub role: Option<Role>,
    pub password: Option<String>,
    pub locale: Option<String>,
    /// `true` clears a lockout.
    pub unlock: Option<bool>,
}

/// Why `name` cannot be a sign-in name, if it cannot.
pub fn bad_name(name: &str) -> Option<&'static str> {
    let plain = |c: char| c.is_alphanumeric() || ".-_@".contains(c);
    if name.is_empty() || name.chars().count() > 100 {
        Some("must be 1 to 100 characters")
    } else if !name.chars().all(plain) {
        Some("may hold only letters, digits and . _ - @")
    } else {
        None
    }
}

fn check_role(role: Role) -> Result<(), ApiError> {
    if role == Role::Integration {
        return Err(ApiError::bad(
            "role",
            "integration is for systems (API keys), not people",
        ));
    }
    Ok(())
}

fn check_locale(locale: &str) -> Result<(), ApiError> {
    if !LOCALES.contains(&locale) {
        return Err(ApiError::bad("locale", "must be ru or en"));
    }
    Ok(())
}

/// Every console account (never a password or its hash).
#[utoipa::path(get, path = "/api/v1/users", tag = "people",
    responses((status = 200, body = Vec<User>), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn list_users(
    State(s): State<AppState>,
    _: Authorized<need::Admin>,
) -> ApiResult<Json<Vec<User>>> {
    Ok(Json(s.store.list_users().await?))
}

/// Creates a console account, audited.
#[utoipa::path(post, path = "/api/v1/users", tag = "people", request_body = UserRequest,
    responses((status = 201, body = User), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn create_user(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Admin>,
    CorrelationId(c): CorrelationId,
    JsonBody(req): JsonBody<UserRequest>,
) -> ApiResult<(StatusCode, Json<User>)> {
    let user = new_user(&req.name, req.role, &req.password, req.locale.as_deref()).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.store.create_user(&user, &p.actor(&c)).await?),
    ))
}

/// Checks an account's fields and hashes its password: what the API and the command line
/// both create.
pub async fn new_user(
    name: &str,
    role: Role,
    secret: &str,
    locale: Option<&str>,
) -> Result<NewUser, ApiError> {
    let name = name.trim();
    if let Some(why) = bad_name(name) {
        return Err(ApiError::bad("name", why));
    }
    check_role(role)?;
    if let Some(why) = password::weakness(name, secret) {
        return Err(ApiError::bad("password", why));
    }
    no_nul("password", secret)?;
    let locale = locale.unwrap_or("ru");
    check_locale(locale)?;
    Ok(NewUser {
        name: name.to_string(),
        role,
        password_hash: password::hash(secret.to_string()).await,
        locale: locale.to_string(),
    })
}

/// Changes an account: role, password, language, or a lockout cleared; each audited. A
/// new role or password ends the person's sessions.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "people", params(("id" = i64, Path)),
    request_body = UserPatch,
    responses((status = 200, body = User), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the last administrator would lose the role", body = ErrorBody)),
    security(("bearer" = []), ("api_key" = [])))]
async fn change_user(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Admin>,
    CorrelationId(c): CorrelationId,
    Id(id): Id,
    JsonBody(req): JsonBody<UserPatch>,
) -> ApiResult<Json<User>> {
    let users = s.store.list_users().await?;
    let Some(current) = users.iter().find(|u| u.id == id) else {
        return Err(ApiError::NotFound(format!("user {id} not found")));
    };
    let mut changes = Vec::new();
    if let Some(role) = req.role {
        check_role(role)?;
        let admins = users.iter().filter(|u| u.role == Role::Admin).count();
        if current.role == Role::Admin && role != Role::Admin && admins == 1 {
            return Err(ApiError::Conflict(format!(
                "{} is the last administrator: make another one first",
                current.name
            )));
        }
        changes.push(UserChange::Role(role));
    }
    if let Some(locale) = &req.locale {
        check_locale(locale)?;
        changes.push(UserChange::Locale(locale.clone()));
    }
    if req.unlock == Some(true) {
        changes.push(UserChange::Unlock);
    }
    if let Some(secret) = &req.password {
        if let Some(why) = password::weakness(&current.name, secret) {
            return Err(ApiError::bad("password", why));
        }
        no_nul("password", secret)?;
        changes.push(UserChange::Password(password::hash(secret.clone()).await));
    }
    if changes.is_empty() {
        return Err(ApiError::bad(
            "body",
            "name at least one of role, password, locale, unlock",
        ));
    }
    let mut changed = current.clone();
    for change in &changes {
        changed = s.store.change_user(id, change, &p.actor(&c)).await?;
    }
    Ok(Json(changed))
}

/// One's own console settings: the language, and what the wallboard shows.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `ru` or `en`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^(ru|en)$")]
    pub locale: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wallboard: Option<Wallboard>,
}

/// Which groups (in this order) and indicators the wallboard shows, and how.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Wallboard {
    pub groups: Vec<i64>,
    #[schema(value_type = Vec<IndicatorName>)]
    pub indicators: Vec<Indicator>,
    /// `grid` or `compact`.
    #[schema(pattern = "^(grid|compact)$")]
    pub layout: String,
}

/// An indicator's name, as the API spells it (the schema of `wfm_core`'s `Indicator`).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum IndicatorName {
    ServiceLevel,
    OperatorsOnline,
    LoadDeviation,
    OperatorRequirement,
    Acd,
    AhtTrend,
}

fn own(session: Option<Extension<Session>>) -> Result<Session, ApiError> {
    session.map(|Extension(s)| s).ok_or_else(|| {
        ApiError::NotFound(
            "settings are kept for people signed in to the console, not for tokens or keys".into(),
        )
    })
}

/// One's own console settings (`{}` when none were saved).
#[utoipa::path(get, path = "/api/v1/me/settings", tag = "people",
    responses((status = 200, body = Settings), (status = 404, body = ErrorBody)))]
async fn get_settings(
    State(s): State<AppState>,
    _: Authorized<need::Viewer>,
    session: Option<Extension<Session>>,
) -> ApiResult<Json<Value>> {
    let me = own(session)?;
    Ok(Json(s.store.user_settings(me.user.id).await?))
}

/// Replaces one's own console settings; a language among them becomes the account's.
#[utoipa::path(put, path = "/api/v1/me/settings", tag = "people", request_body = Settings,
    responses((status = 200, body = Settings), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn put_settings(
    State(s): State<AppState>,
    Authorized(p, _): Authorized<need::Viewer>,
    CorrelationId(c): CorrelationId,
    session: Option<Extension<Session>>,
    JsonBody(req): JsonBody<Settings>,
) -> ApiResult<Json<Value>> {
    let me = own(session)?;
    if let Some(locale) = &req.locale {
        check_locale(locale)?;
    }
    if let Some(w) = &req.wallboard {
        if w.groups.len() > 10_000 {
            return Err(ApiError::bad(
                "wallboard.groups",
                "must list at most 10000 groups",
            ));
        }
        if !["grid", "compact"].contains(&w.layout.as_str()) {
            return Err(ApiError::bad("wallboard.layout", "must be grid or compact"));
        }
    }
    let actor = p.actor(&c);
    if let Some(locale) = req.locale.as_ref().filter(|l| **l != me.user.locale) {
        s.store
            .change_user(me.user.id, &UserChange::Locale(locale.clone()), &actor)
            .await?;
    }
    let value = serde_json::to_value(&req).map_err(|_| ApiError::Internal)?;
    Ok(Json(
        s.store
            .put_user_settings(me.user.id, &value, &actor)
            .await?,
    ))
}

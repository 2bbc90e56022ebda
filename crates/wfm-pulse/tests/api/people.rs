//! People and sessions over HTTP, on both backends: accounts made by an administrator
//! (bad fields named, nothing written), signing in gives an HttpOnly SameSite=Strict cookie
//! and a CSRF token that every write must carry, the fifth wrong password locks the
//! account until an administrator unlocks it, signing out or a new password ends the
//! session on the server, settings and language are kept per person, and every step is
//! audited without a password or its hash.

use crate::common;
use crate::on_both_backends;

use common::TestServer;
use common::backend::{Fingerprint, changed};
use reqwest::Method;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};
use wfm_store::model::Role;

const PASSWORD: &str = "correct horse battery staple";

/// A person's browser: the cookie and the CSRF token of their session.
struct Browser {
    cookie: String,
    csrf: String,
}

async fn add_user(s: &TestServer, name: &str, role: &str) -> i64 {
    let (st, body) = s
        .call(
            Method::POST,
            "/api/v1/users",
            Role::Admin,
            Some(json!({"name": name, "role": role, "password": PASSWORD})),
        )
        .await;
    assert_eq!(st, 201, "{body}");
    body["id"].as_i64().unwrap()
}

async fn sign_in(s: &TestServer, name: &str, password: &str) -> (u16, Value, Option<Browser>) {
    let response = s
        .request(Method::POST, "/api/v1/session")
        .json(&json!({"name": name, "password": password}))
        .send()
        .await
        .unwrap();
    let cookie = response
        .headers()
        .get(SET_COOKIE)
        .map(|v| v.to_str().unwrap().to_string());
    let (st, body) = common::read(response).await;
    let browser = cookie.map(|c| Browser {
        cookie: c.split(';').next().unwrap().to_string(),
        csrf: body["csrf_token"].as_str().unwrap_or_default().to_string(),
    });
    (st, body, browser)
}

async fn as_browser(
    s: &TestServer,
    b: &Browser,
    method: Method,
    path: &str,
    csrf: bool,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = s.request(method, path).header(COOKIE, &b.cookie);
    if csrf {
        req = req.header("x-csrf-token", &b.csrf);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    common::read(req.send().await.unwrap()).await
}

async fn sessions_and_csrf(s: TestServer) {
    add_user(&s, "olga", "supervisor").await;
    let (st, body, browser) = sign_in(&s, "olga", PASSWORD).await;
    assert_eq!(st, 201, "{body}");
    assert_eq!(
        (body["user"]["name"].as_str(), body["user"]["role"].as_str()),
        (Some("olga"), Some("supervisor"))
    );
    assert!(body["user"].get("password_hash").is_none());
    let b = browser.unwrap();
    let (st, me) = as_browser(&s, &b, Method::GET, "/api/v1/session", false, None).await;
    assert_eq!(
        (st, me["csrf_token"].as_str()),
        (200, Some(b.csrf.as_str()))
    );
    // Reads need only the cookie; writes need the CSRF token too.
    let (st, _) = as_browser(&s, &b, Method::GET, "/api/v1/sites", false, None).await;
    assert_eq!(st, 200);
    let site = json!({"name": "Казань", "time_zone": "Europe/Moscow"});
    let (st, refused) = as_browser(
        &s,
        &b,
        Method::POST,
        "/api/v1/sites",
        false,
        Some(site.clone()),
    )
    .await;
    assert_eq!(st, 403, "{refused}");
    assert!(
        refused["description"]
            .as_str()
            .unwrap()
            .contains("X-CSRF-Token")
    );
    // The role still decides: a supervisor cannot create a site, with or without the token.
    let (st, _) = as_browser(&s, &b, Method::POST, "/api/v1/sites", true, Some(site)).await;
    assert_eq!(st, 403);
    // Signing out ends the session on the server, not just in the browser.
    let (st, _) = as_browser(&s, &b, Method::DELETE, "/api/v1/session", false, None).await;
    assert_eq!(st, 403, "signing out needs the CSRF token too");
    let (st, _) = as_browser(&s, &b, Method::DELETE, "/api/v1/session", true, None).await;
    assert_eq!(st, 204);
    let (st, _) = as_browser(&s, &b, Method::GET, "/api/v1/sites", false, None).await;
    assert_eq!(st, 401);
    let (_, audit) = s
        .call(
            Method::GET,
            "/api/v1/audit?entity=session",
            Role::Manager,
            None,
        )
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["sign_out", "sign_in"]);
    s.stop().await;
}
on_both_backends!(
    sessions_hold_with_a_cookie_and_writes_need_the_csrf_token,
    sessions_and_csrf
);

async fn lockout(s: TestServer) {
    let id = add_user(&s, "ivan", "viewer").await;
    for n in 1..=4 {
        let (st, body, cookie) = sign_in(&s, "ivan", "not the password").await;
        assert_eq!((st, cookie.is_none()), (401, true), "attempt {n}: {body}");
    }
    let (st, body, _) = sign_in(&s, "ivan", "not the password").await;
    assert_eq!(st, 403, "{body}");
    assert!(
        body["description"].as_str().unwrap().contains("locked"),
        "{body}"
    );
    let (st, _, _) = sign_in(&s, "ivan", PASSWORD).await;
    assert_eq!(st, 403, "locked: the right password is refused too");
    // An unknown name answers like a wrong password.
    let (st, body, _) = sign_in(&s, "nobody", PASSWORD).await;
    assert_eq!(st, 401, "{body}");
    let (st, body) = s
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            Role::Admin,
            Some(json!({"unlock": true})),
        )
        .await;
    assert_eq!(
        (st, body["locked_until"].clone()),
        (200, Value::Null),
        "{body}"
    );
    let (st, _, _) = sign_in(&s, "ivan", PASSWORD).await;
    assert_eq!(st, 201);
    // The last administrator keeps the role: someone must be able to manage accounts.
    let boss = add_user(&s, "boss", "admin").await;
    let demote = Some(json!({"role": "manager"}));
    let path = format!("/api/v1/users/{boss}");
    let (st, body) = s
        .call(Method::PATCH, &path, Role::Admin, demote.clone())
        .await;
    assert_eq!(st, 409, "{body}");
    add_user(&s, "deputy", "admin").await;
    let (st, body) = s.call(Method::PATCH, &path, Role::Admin, demote).await;
    assert_eq!(
        (st, body["role"].as_str()),
        (200, Some("manager")),
        "{body}"
    );
    s.stop().await;
}
on_both_backends!(
    the_fifth_wrong_password_locks_until_an_admin_unlocks,
    lockout
);

async fn accounts(s: TestServer) {
    let mut print = Fingerprint::open(&s).await;
    let before = print.take().await;
    for (body, field) in [
        (
            json!({"name": "a", "role": "viewer", "password": "short"}),
            "password",
        ),
        (
            json!({"name": "a b", "role": "viewer", "password": PASSWORD}),
            "name",
        ),
        (
            json!({"name": "", "role": "viewer", "password": PASSWORD}),
            "name",
        ),
        (
            json!({"name": "bot", "role": "integration", "password": PASSWORD}),
            "role",
        ),
        (
            json!({"name": "a", "role": "viewer", "password": PASSWORD, "locale": "de"}),
            "locale",
        ),
        (
            json!({"name": "a", "role": "viewer", "password": PASSWORD, "extra": 1}),
            "extra",
        ),
    ] {
        let (st, refused) = s
            .call(
                Method::POST,
                "/api/v1/users",
                Role::Admin,
                Some(body.clone()),
            )
            .await;
        assert_eq!(st, 400, "{body} -> {refused}");
        assert!(refused.to_string().contains(field), "{field}: {refused}");
    }
    let (st, _) = s
        .call(
            Method::POST,
            "/api/v1/users",
            Role::Manager,
            Some(json!({"name": "m", "role": "admin", "password": PASSWORD})),
        )
        .await;
    assert_eq!(st, 403, "only an administrator makes accounts");
    // The 1C ZUP probe logs its calls in the background meanwhile.
    let wrote: Vec<String> = changed(&before, &print.take().await)
        .into_iter()
        .filter(|t| t != "integration_log")
        .collect();
    assert_eq!(wrote, Vec::<String>::new(), "refusals wrote nothing");

    let id = add_user(&s, "anna", "viewer").await;
    let (st, _) = s
        .call(
            Method::POST,
            "/api/v1/users",
            Role::Admin,
            Some(json!({"name": "anna", "role": "viewer", "password": PASSWORD})),
        )
        .await;
    assert_eq!(st, 409);
    let (_, list) = s
        .call(Method::GET, "/api/v1/users", Role::Admin, None)
        .await;
    assert!(!list.to_string().contains("argon2"), "{list}");
    let (_, audit) = s
        .call(
            Method::GET,
            "/api/v1/audit?entity=user",
            Role::Manager,
            None,
        )
        .await;
    assert!(!audit.to_string().contains("argon2") && !audit.to_string().contains(PASSWORD));

    // A new password ends the sessions under the old one.
    let (_, _, browser) = sign_in(&s, "anna", PASSWORD).await;
    let b = browser.unwrap();
    let (st, _) = s
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            Role::Admin,
            Some(json!({"password": "another long password"})),
        )
        .await;
    assert_eq!(st, 200);
    let (st, _) = as_browser(&s, &b, Method::GET, "/api/v1/session", false, None).await;
    assert_eq!(st, 401);
    s.stop().await;
}
on_both_backends!(accounts_are_checked_and_never_show_a_password, accounts);

async fn settings(s: TestServer) {
    add_user(&s, "pavel", "viewer").await;
    let (_, _, browser) = sign_in(&s, "pavel", PASSWORD).await;
    let b = browser.unwrap();
    let path = "/api/v1/me/settings";
    let (st, body) = as_browser(&s, &b, Method::GET, path, false, None).await;
    assert_eq!((st, body), (200, json!({})));
    let mine = json!({"locale": "en", "wallboard": {"groups": [2, 1], "indicators": ["service_level"], "layout": "compact"}});
    let (st, body) = as_browser(&s, &b, Method::PUT, path, true, Some(mine.clone())).await;
    assert_eq!((st, &body), (200, &mine), "{body}");
    let (_, me) = as_browser(&s, &b, Method::GET, "/api/v1/session", false, None).await;
    assert_eq!(
        me["user"]["locale"], "en",
        "the language is the account's now"
    );
    for (bad, field) in [
        (json!({"locale": "fr"}), "locale"),
        (
            json!({"wallboard": {"groups": [], "indicators": ["speed"], "layout": "grid"}}),
            "indicators",
        ),
        (
            json!({"wallboard": {"groups": [], "indicators": [], "layout": "tiles"}}),
            "layout",
        ),
        (json!({"theme": "dark"}), "theme"),
    ] {
        let (st, refused) = as_browser(&s, &b, Method::PUT, path, true, Some(bad.clone())).await;
        assert_eq!(st, 400, "{bad}: {refused}");
        assert!(refused.to_string().contains(field), "{field}: {refused}");
    }
    let (_, kept) = as_browser(&s, &b, Method::GET, path, false, None).await;
    assert_eq!(kept, mine);
    let (st, _) = s.call(Method::GET, path, Role::Viewer, None).await;
    assert_eq!(st, 404, "a token has no console settings");
    s.stop().await;
}
on_both_backends!(settings_are_kept_per_person, settings);

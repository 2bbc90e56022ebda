//! Steps about who is calling: tokens, roles, API keys, and how requests are answered.

use cucumber::{given, then, when};
use reqwest::Method;
use serde_json::json;

use crate::{Pulse, parse_role};

#[given("I am not signed in")]
fn not_signed_in(w: &mut Pulse) {
    w.token = None;
}

#[given(regex = r"^I am signed in as an? (\w+)$")]
fn signed_in(w: &mut Pulse, role: String) {
    w.token = Some(w.server.token(parse_role(&role)));
}

#[given(regex = r"^my token as an? (\w+) expired an hour ago$")]
fn expired(w: &mut Pulse, role: String) {
    w.token = Some(w.server.token_for("late", parse_role(&role), -3600));
}

#[then(regex = r"^(?:the answer is|I am turned away as) (ok|created|forbidden|unauthorized)$")]
fn answer(w: &mut Pulse, outcome: String) {
    let expected = match outcome.as_str() {
        "ok" => 200,
        "created" => 201,
        "forbidden" => 403,
        _ => 401,
    };
    assert_eq!(w.last.0, expected, "{}", w.last.1);
    if expected >= 400 {
        assert_eq!(w.last.1["message"], outcome, "the error says what happened");
    }
}

#[then(expr = "the request is refused naming the field {string}")]
fn refused_naming(w: &mut Pulse, field: String) {
    assert_eq!(w.last.0, 400, "{}", w.last.1);
    assert_eq!(w.last.1["field"], field, "{}", w.last.1);
}

#[when(expr = "I make an API key {string} for a {word}")]
async fn make_key(w: &mut Pulse, name: String, role: String) {
    let (_, body) = w
        .send(
            Method::POST,
            "/api/v1/api-keys",
            Some(json!({"name": name, "role": role})),
        )
        .await
        .clone();
    let id = body["id"].as_i64().unwrap_or_default();
    let secret = body["key"].as_str().unwrap_or_default().to_string();
    w.keys.insert(name, (id, secret));
}

#[then("the key is shown to me once")]
async fn key_shown_once(w: &mut Pulse) {
    assert_eq!(w.last.0, 201, "{}", w.last.1);
    let secret = w.last.1["key"].as_str().unwrap().to_string();
    assert!(secret.starts_with("wfmk_"));
    let (_, listed) = w.send(Method::GET, "/api/v1/api-keys", None).await;
    assert!(
        !listed.to_string().contains(&secret),
        "the list never shows the secret"
    );
}

#[when(expr = "the {word} opens the list of groups with its key")]
async fn key_reads(w: &mut Pulse, name: String) {
    let secret = &w.keys[&name].1;
    let r = w
        .server
        .request(Method::GET, "/api/v1/groups")
        .header("X-API-Key", secret)
        .send()
        .await
        .unwrap();
    w.last = crate::common::read(r).await;
}

#[when(expr = "I revoke the key {string}")]
async fn revoke(w: &mut Pulse, name: String) {
    let id = w.keys[&name].0;
    let (status, body) = w
        .send(Method::DELETE, &format!("/api/v1/api-keys/{id}"), None)
        .await
        .clone();
    assert_eq!(status, 200, "{body}");
}

//! The console in a real browser (headless Chromium through the DevTools protocol) against a
//! server on an ephemeral port with a scripted center: people sign in and out, the wallboard
//! shows what the API says and follows an event within a second or so, a supervisor
//! acknowledges an alert (a viewer has no button for it) and calls an operator to the
//! workplace from a red tile's drill-down, the fifth wrong password locks the account, the
//! Russian pages have no English label left, and a phone-size wallboard does not scroll
//! sideways; an administrator creates a person on the users page, where a short password is
//! refused next to its field. The pages' own files are checked too: served with a strict CSP,
//! small.

use crate::common;
use common::browser;

use browser::{Chrome, click, eval, type_into, until};
use chromiumoxide::Page;
use common::TestServer;
use common::center::{ago, push};
use common::setup::created;
use reqwest::Method;
use serde_json::{Value, json};
use wfm_store::model::Role;

/// A password long enough for the rules.
const PASSWORD: &str = "correct horse battery staple";

/// Two groups with Russian names, four operators planned on line all day (nobody on line
/// yet, so "Critical understaffing" fires), and a person for each role.
async fn center(s: &TestServer) -> (i64, i64) {
    let site = created(
        s,
        "/api/v1/sites",
        json!({"name": "Москва", "time_zone": "UTC"}),
    )
    .await;
    let service = created(
        s,
        "/api/v1/services",
        json!({"site_id": site, "name": "Продажи"}),
    )
    .await;
    let g1 = created(
        s,
        "/api/v1/groups",
        json!({"service_id": service, "name": "Линия один", "external_id": "L1"}),
    )
    .await;
    let g2 = created(
        s,
        "/api/v1/groups",
        json!({"service_id": service, "name": "Линия два", "external_id": "L2"}),
    )
    .await;
    let day = ago(0).date_naive().and_hms_opt(0, 0, 0).unwrap().and_utc();
    let mut segments = Vec::new();
    for (i, group) in [g1, g1, g2, g2].iter().enumerate() {
        let agent = created(
            s,
            "/api/v1/agents",
            json!({"external_id": format!("op-{i}"), "full_name": format!("Оператор {i}"),
                   "site_id": site, "primary_group_id": group}),
        )
        .await;
        segments.push(
            json!({"agent_id": agent, "start": day, "end": day + chrono::Duration::days(1),
                             "activity": "line", "group_id": group}),
        );
    }
    common::setup::put_plan(s, "timetable", json!({"segments": segments})).await;
    for (name, role) in [
        ("viewer", "viewer"),
        ("supervisor", "supervisor"),
        ("manager", "manager"),
    ] {
        let (st, body) = s
            .call(
                Method::POST,
                "/api/v1/users",
                Role::Admin,
                Some(json!({"name": name, "role": role, "password": PASSWORD, "locale": "en"})),
            )
            .await;
        assert_eq!(st, 201, "{body}");
    }
    (g1, g2)
}

/// Signs `name` in on a new tab; returns the tab once the wallboard's header shows.
async fn sign_in(chrome: &Chrome, s: &TestServer, name: &str) -> Page {
    let page = chrome.open(&format!("{}/", s.base)).await;
    browser::sign_in(&page, name, PASSWORD).await;
    page
}

/// Moves a signed-in tab to another view (a hash change: no page load to wait for).
async fn show(page: &Page, hash: &str) {
    let _: String = eval(page, &format!("location.hash = '{hash}'")).await;
}

/// The Latin words of a Russian page's `text`, but those it keeps on purpose: the
/// indicators' usual abbreviations, the product's name, the switch to English (named in
/// English) and the person's sign-in name.
fn english_words(text: &str) -> Vec<&str> {
    let allowed = ["SL", "ACD", "AHT", "wfm", "pulse", "English", "supervisor"];
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() > 1 && !allowed.contains(w))
        .collect()
}

/// The value a tile shows, as a number (None for "—").
fn shown_number(text: &str) -> Option<f64> {
    let plain: String = text
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    plain.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wallboard_shows_what_the_api_says_and_follows_an_event() {
    let Some(chrome) = Chrome::launch().await else {
        return;
    };
    let s = TestServer::start().await;
    let (g1, _) = center(&s).await;
    let page = sign_in(&chrome, &s, "supervisor").await;
    until(
        &page,
        "the group cards",
        10,
        "document.querySelectorAll('article.group').length === 2",
    )
    .await;
    // Every tile against the API, at one publication: polled until both agree.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let (_, rt) = s
            .call(
                Method::GET,
                "/api/v1/performance/metrics/realtime",
                Role::Viewer,
                None,
            )
            .await;
        let tiles: Value = eval(
            &page,
            "[...document.querySelectorAll('article.group .tile')].map(t => ({group: Number(t.closest('article').dataset.group), \
             indicator: t.dataset.indicator, color: t.dataset.color, value: t.querySelector('.value').firstChild.textContent}))",
        )
        .await;
        let mut mismatches = Vec::new();
        let mut compared = 0;
        for g in rt["groups"].as_array().unwrap() {
            for ind in g["indicators"].as_array().unwrap() {
                let tile =
                    tiles.as_array().unwrap().iter().find(|t| {
                        t["group"] == g["group_id"] && t["indicator"] == ind["indicator"]
                    });
                let Some(tile) = tile else {
                    mismatches.push(format!("no tile for {} {}", g["name"], ind["indicator"]));
                    continue;
                };
                compared += 1;
                let digits = if ind["unit"] == "people" { 0 } else { 1 };
                let scale = 10f64.powi(digits);
                let want = ind["value"].as_f64().map(|v| (v * scale).round() / scale);
                let got = shown_number(tile["value"].as_str().unwrap_or(""));
                if want != got || tile["color"] != ind["color"] {
                    mismatches.push(format!(
                        "{} {}: page {} {}, API {:?} {}",
                        g["name"],
                        ind["indicator"],
                        tile["value"],
                        tile["color"],
                        want,
                        ind["color"]
                    ));
                }
            }
        }
        if mismatches.is_empty() {
            assert_eq!(compared, 12, "six tiles for each of two groups");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the page and the API disagree: {mismatches:#?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // An operator going on line moves the tile of operators online from 0 to 50 %.
    let online = format!(
        "(() => {{ const t = document.querySelector('article[data-group=\"{g1}\"] .tile[data-indicator=operators_online] .value'); \
         return t && t.firstChild.textContent; }})()"
    );
    assert_eq!(eval::<String>(&page, &online).await, "0");
    push(&s, json!([{"type": "agent_state", "id": "on-1", "at": ago(1), "agent": "op-0", "state": "ready"}])).await;
    let js = format!("{online} === '50'");
    until(&page, "the tile to show the operator on line", 5, &js).await;
    chrome.close().await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_acknowledges_an_alert_from_the_page_and_a_viewer_cannot() {
    let Some(chrome) = Chrome::launch().await else {
        return;
    };
    let s = TestServer::start().await;
    let (g1, _) = center(&s).await;
    let alert = common::eventually("the understaffing alert", 15, async || {
        let (_, page) = s
            .call(
                Method::GET,
                &format!("/api/v1/alerts?open=true&group_id={g1}"),
                Role::Viewer,
                None,
            )
            .await;
        page["items"].as_array().and_then(|a| a.first().cloned())
    })
    .await;
    let id = alert["id"].as_i64().unwrap();
    let viewer = sign_in(&chrome, &s, "viewer").await;
    show(&viewer, "#/alerts").await;
    until(
        &viewer,
        "the alert card",
        10,
        &format!("document.querySelector('[data-alert=\"{id}\"]')"),
    )
    .await;
    let buttons: usize = eval(&viewer, "document.querySelectorAll('[data-act]').length").await;
    assert_eq!(buttons, 0, "a viewer sees no acknowledge or resolve button");
    // The tabs share the browser's cookies: the viewer signs out before the supervisor signs in.
    click(&viewer, "#signout").await;
    until(
        &viewer,
        "the sign-in form",
        10,
        "document.querySelector('form.signin')",
    )
    .await;

    let supervisor = sign_in(&chrome, &s, "supervisor").await;
    show(&supervisor, "#/alerts").await;
    until(
        &supervisor,
        "the acknowledge button",
        10,
        &format!("document.querySelector('[data-alert=\"{id}\"] [data-act=acknowledge]')"),
    )
    .await;
    click(
        &supervisor,
        &format!("[data-alert=\"{id}\"] [data-act=acknowledge]"),
    )
    .await;
    until(
        &supervisor,
        "the card to say acknowledged",
        10,
        &format!("document.querySelector('[data-alert=\"{id}\"][data-state=acknowledged]')"),
    )
    .await;
    let (_, stored) = s
        .call(
            Method::GET,
            &format!("/api/v1/alerts/{id}"),
            Role::Viewer,
            None,
        )
        .await;
    assert_eq!(stored["state"], "acknowledged");
    assert_eq!(stored["acknowledged_by"], "user:supervisor");
    chrome.close().await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_lock_the_account_and_signing_out_ends_the_session() {
    let Some(chrome) = Chrome::launch().await else {
        return;
    };
    let s = TestServer::start().await;
    center(&s).await;
    let page = chrome.open(&format!("{}/", s.base)).await;
    until(
        &page,
        "the sign-in form",
        10,
        "document.querySelector('form.signin')",
    )
    .await;
    for attempt in 1..=5 {
        type_into(&page, "#name", "manager").await;
        type_into(&page, "#password", "not the password at all").await;
        click(&page, "form.signin button[type=submit]").await;
        until(&page, &format!("the refusal of attempt {attempt}"), 10,
            "document.querySelector('#signin-error').textContent.length > 0 && document.querySelector('#password').value === ''").await;
        let _: bool = eval(
            &page,
            "(() => { document.querySelector('#signin-error').textContent = ''; return true; })()",
        )
        .await;
    }
    // Locked now: the right password is refused too.
    type_into(&page, "#name", "manager").await;
    type_into(&page, "#password", PASSWORD).await;
    click(&page, "form.signin button[type=submit]").await;
    let message = until(
        &page,
        "the lockout message",
        10,
        "document.querySelector('#signin-error').textContent || null",
    )
    .await;
    assert!(
        message.as_str().unwrap().to_lowercase().contains("lock"),
        "{message}"
    );

    let signed_in = sign_in(&chrome, &s, "viewer").await;
    click(&signed_in, "#signout").await;
    until(
        &signed_in,
        "the sign-in form after signing out",
        10,
        "document.querySelector('form.signin')",
    )
    .await;
    let status: u16 = eval(
        &signed_in,
        "fetch('/api/v1/session', {credentials: 'same-origin'}).then(r => r.status)",
    )
    .await;
    assert_eq!(status, 401, "the session ended on the server");
    chrome.close().await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_russian_wallboard_has_no_english_label_and_fits_a_phone() {
    let Some(chrome) = Chrome::launch().await else {
        return;
    };
    let s = TestServer::start().await;
    center(&s).await;
    let page = sign_in(&chrome, &s, "supervisor").await;
    click(&page, "#lang").await;
    until(&page, "the Russian page", 10, "document.documentElement.lang === 'ru' && document.querySelectorAll('article.group').length === 2").await;
    let text: String = eval(&page, "document.body.innerText").await;
    let english = english_words(&text);
    assert!(
        english.is_empty(),
        "English left on the Russian page: {english:?}\n{text}"
    );
    // The alerts page too: the installed rule's name, actions and recipients in Russian.
    show(&page, "#/alerts").await;
    until(
        &page,
        "the understaffing alert",
        15,
        "document.querySelector('[data-alert] .actions li')",
    )
    .await;
    let text: String = eval(&page, "document.querySelector('#view').innerText").await;
    let english = english_words(&text);
    assert!(
        english.is_empty(),
        "English left on the Russian alerts page: {english:?}\n{text}"
    );

    let phone = chrome.open_phone(&format!("{}/", s.base)).await;
    until(
        &phone,
        "the phone wallboard",
        10,
        "document.querySelectorAll('article.group').length === 2",
    )
    .await;
    let widths: (f64, f64) = eval(
        &phone,
        "[document.documentElement.scrollWidth, window.innerWidth]",
    )
    .await;
    assert!(
        widths.0 <= widths.1,
        "the page scrolls sideways on a phone: {widths:?}"
    );
    chrome.close().await;
    s.stop().await;
}

/// The names of every console account, as the API lists them.
async fn user_names(s: &TestServer) -> Vec<String> {
    let (st, users) = s
        .call(Method::GET, "/api/v1/users", Role::Admin, None)
        .await;
    assert_eq!(st, 200, "{users}");
    users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_creates_a_person_on_the_users_page_and_a_short_password_is_refused() {
    let Some(chrome) = Chrome::launch().await else {
        return;
    };
    let s = TestServer::start().await;
    let (st, body) = s
        .call(
            Method::POST,
            "/api/v1/users",
            Role::Admin,
            Some(json!({"name": "admin", "role": "admin", "password": PASSWORD, "locale": "en"})),
        )
        .await;
    assert_eq!(st, 201, "{body}");
    let page = sign_in(&chrome, &s, "admin").await;
    click(&page, "#top nav a[href='#/users']").await;
    until(
        &page,
        "the users page with the admin listed",
        10,
        "document.querySelector('#user-create') && document.querySelector('tr[data-user=admin]')",
    )
    .await;

    // Five characters: the server refuses the password, and the page says so by that field.
    type_into(&page, "#user-name", "olga.petrova").await;
    type_into(&page, "#user-role", "supervisor").await;
    type_into(&page, "#user-password", "short").await;
    click(&page, "#user-create").await;
    let error = until(
        &page,
        "the password's error",
        10,
        "document.querySelector('.users-form [data-field=password]').textContent || null",
    )
    .await;
    let error = error.as_str().unwrap().to_lowercase();
    assert!(
        error.contains("password") && error.contains("12"),
        "{error}"
    );
    let others: String = eval(
        &page,
        "[...document.querySelectorAll('.users-form [data-field]:not([data-field=password])')].map(e => e.textContent).join('')",
    )
    .await;
    assert_eq!(others, "", "only the password is at fault");
    assert_eq!(user_names(&s).await, ["admin"], "nothing was created");

    // A long one: the person is created, and listed by the page and by the API.
    type_into(&page, "#user-password", PASSWORD).await;
    click(&page, "#user-create").await;
    until(
        &page,
        "the new person in the list",
        10,
        "document.querySelector('tr[data-user=\"olga.petrova\"]') && !document.querySelector('.users-form [data-field=password]').textContent",
    )
    .await;
    let (_, users) = s
        .call(Method::GET, "/api/v1/users", Role::Admin, None)
        .await;
    let olga = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "olga.petrova")
        .unwrap_or_else(|| panic!("the API lists the new person: {users}"));
    assert_eq!(olga["role"], "supervisor");
    assert_eq!(olga["locale"], "ru");

    // On a phone, neither the users page nor the integration page (with its endpoint map
    // and calendars) scrolls sideways.
    for (hash, ready) in [
        ("#/users", "tr[data-user=\"olga.petrova\"]"),
        (
            "#/integration",
            ".endpoint-map .system table.endpoints, table.calendars tr[data-year] + tr",
        ),
    ] {
        let phone = chrome.open_phone(&format!("{}/{hash}", s.base)).await;
        let js = format!(
            "'{ready}'.split(', ').every(q => document.querySelector(q)) \
             && [document.documentElement.scrollWidth, window.innerWidth]"
        );
        let widths = until(&phone, &format!("the phone's {hash}"), 10, &js).await;
        assert!(
            widths[0].as_f64() <= widths[1].as_f64(),
            "{hash} scrolls sideways on a phone: {widths}"
        );
    }
    chrome.close().await;
    s.stop().await;
}

#[tokio::test]
async fn the_pages_are_served_under_a_strict_policy_with_etags() {
    let s = TestServer::start().await;
    let response = s.request(Method::GET, "/").send().await.unwrap();
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("default-src 'self'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let etag = response.headers()["etag"].clone();
    let again = s
        .request(Method::GET, "/")
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    // Every file of the first load, compressed as a browser asks for it.
    let shell = s
        .request(Method::GET, "/")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(shell.contains("/assets/app.js"), "{shell}");
    let (st, _) = common::read(
        s.request(Method::GET, "/assets/nothing.js")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 404);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_drills_into_a_red_tile_and_calls_an_operator_to_the_workplace() {
    let Some(chrome) = Chrome::launch().await else {
        return;
    };
    let s = TestServer::start().await;
    let (g1, _) = center(&s).await;
    let page = sign_in(&chrome, &s, "supervisor").await;
    show(&page, &format!("#/group/{g1}/operators_online")).await;
    // Nobody planned on line has logged in: each is absent, with a call button.
    until(
        &page,
        "the operators with a call button",
        15,
        "document.querySelector('button[data-agent]')",
    )
    .await;
    let agent: i64 = eval(
        &page,
        "Number(document.querySelector('button[data-agent]').dataset.agent)",
    )
    .await;
    click(&page, "button[data-agent]").await;
    let calls = common::eventually("the recorded call", 10, async || {
        let (_, calls) = s
            .call(
                Method::GET,
                "/api/v1/monitoring/workplace-calls",
                Role::Supervisor,
                None,
            )
            .await;
        let list = calls.as_array().cloned()?;
        (!list.is_empty()).then_some(list)
    })
    .await;
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0]["agent_id"], agent, "{calls:?}");
    assert_eq!(calls[0]["requested_by"], "user:supervisor", "{calls:?}");
    chrome.close().await;
    s.stop().await;
}

//! The console: the supervisor's pages, served by the binary under `/` from files compiled
//! into it (`web/assets`: plain HTML, CSS and JavaScript modules, no build step, nothing
//! fetched), under a strict Content-Security-Policy. The pages are one shell (`/`) that
//! signs people in and draws each view from the API and its live stream.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::http::error::ApiError;
use crate::state::AppState;

/// What the pages may load and where they may send: only from here, no inline script or
/// style, no framing.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
                   form-action 'self'; frame-ancestors 'none'";

/// One file of the console.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

macro_rules! assets {
    ($(($name:literal, $type:expr)),* $(,)?) => {
        &[$(Asset { name: $name, content_type: $type, body: include_str!(concat!("assets/", $name)) }),*]
    };
}

const JS: &str = "text/javascript; charset=utf-8";

/// Every file, by the name it is served under (`/assets/<name>`; the shell at `/`).
const ASSETS: &[Asset] = assets![
    ("index.html", "text/html; charset=utf-8"),
    ("app.css", "text/css; charset=utf-8"),
    ("app.js", JS),
    ("api.js", JS),
    ("i18n.js", JS),
    ("live.js", JS),
    ("svg.js", JS),
    ("dom.js", JS),
    ("rules.js", JS),
    ("views/signin.js", JS),
    ("views/wallboard.js", JS),
    ("views/group.js", JS),
    ("views/alerts.js", JS),
    ("views/executive.js", JS),
    ("views/integration.js", JS),
    ("views/staffing.js", JS),
    ("views/history.js", JS),
    ("views/users.js", JS),
    ("views/integration_admin.js", JS),
    ("icon.svg", "image/svg+xml"),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/",
            axum::routing::get(|headers: HeaderMap| async move { serve("index.html", &headers) }),
        )
        .route(
            "/assets/{*name}",
            axum::routing::get(|Path(name): Path<String>, headers: HeaderMap| async move {
                serve(&name, &headers)
            }),
        )
}

/// A file with its ETag; 304 when the browser has it already. Files change only with the
/// binary, but their names do not, so the browser asks again each time (`no-cache`).
fn serve(name: &str, headers: &HeaderMap) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == name) else {
        return ApiError::NotFound(format!("no page or asset {name:?}")).into_response();
    };
    let tag = etag(asset.body);
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, asset.content_type)], asset.body).into_response()
    };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// A strong ETag from the content.
fn etag(body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    format!("\"{}\"", hex::encode(&digest[..12]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text of the installed alert rules has its Russian in rules.js.
    #[test]
    fn the_installed_rules_read_in_russian() {
        let rules = ASSETS.iter().find(|a| a.name == "rules.js").unwrap();
        for rule in wfm_core::alerting::rule::default_rules() {
            let texts = [&rule.name, &rule.description]
                .into_iter()
                .chain(&rule.suggested_actions);
            for text in texts {
                assert!(
                    rules.body.contains(&format!("[\"{text}\", \"")),
                    "rules.js has no Russian for {text:?}"
                );
            }
        }
    }

    #[test]
    fn every_module_the_pages_import_is_served() {
        for asset in ASSETS.iter().filter(|a| a.name.ends_with(".js")) {
            for line in asset.body.lines() {
                let Some(rest) = line.trim().strip_prefix("import ") else {
                    continue;
                };
                let Some(path) = rest.split(['"', '\'']).nth(1) else {
                    continue;
                };
                let dir = asset.name.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
                let resolved = resolve(dir, path);
                assert!(
                    ASSETS.iter().any(|a| a.name == resolved),
                    "{} imports {path} ({resolved}), which is not served",
                    asset.name
                );
            }
        }
    }

    /// `path` (relative, `./` or `../`) from the folder `dir`.
    fn resolve(dir: &str, path: &str) -> String {
        let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
        for piece in path.split('/') {
            match piece {
                "." | "" => {}
                ".." => {
                    parts.pop();
                }
                p => parts.push(p),
            }
        }
        parts.join("/")
    }

    #[test]
    fn no_page_runs_inline_script_or_style() {
        let shell = ASSETS.iter().find(|a| a.name == "index.html").unwrap().body;
        assert!(!shell.contains("<script>"), "inline script");
        assert!(!shell.contains(" style="), "inline style");
        assert!(!shell.contains("onclick"), "inline handler");
        for a in ASSETS.iter().filter(|a| a.name.ends_with(".js")) {
            assert!(
                !a.body.contains("innerHTML"),
                "{}: build nodes, not HTML text",
                a.name
            );
            assert!(
                !a.body.contains("setAttribute(\"style\""),
                "{}: inline style",
                a.name
            );
        }
    }
}

//! Console sessions: the cookie that carries one (HttpOnly, SameSite=Strict, Secure behind
//! TLS), the rules of signing in, and the CSRF check on the writes a browser sends.

use axum::http::{HeaderMap, HeaderValue, Method, header};
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;

/// The cookie's name.
pub const COOKIE: &str = "wfm_session";
/// The header every write from a page carries, equal to the session's CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A session unused this long ends (a wallboard stays in use through its live stream's
/// reconnects and the pages' reads). One shift.
pub const IDLE: Duration = Duration::hours(8);
/// Wrong passwords in a row that lock an account...
pub const LOCK_AFTER: i64 = 5;
/// ...for this long, unless an administrator unlocks it sooner.
pub const LOCK_FOR: Duration = Duration::minutes(15);

/// The oldest last use a session may have at `now` and still hold.
pub fn idle_cutoff(now: DateTime<Utc>) -> DateTime<Utc> {
    now - IDLE
}

/// 256 random bits, hex: a session's cookie value or its CSRF token.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The session cookie's value in a request, if it carries one.
pub fn token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|v| !v.is_empty())
}

/// Whether the request reached us over TLS (through a proxy that says so).
fn over_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

/// The Set-Cookie value that gives the browser `token`; it lives as long as the browser
/// keeps it, the server ends it after [`IDLE`].
pub fn set_cookie(token: &str, request: &HeaderMap) -> HeaderValue {
    let secure = if over_tls(request) { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}"
    ))
    .unwrap_or(HeaderValue::from_static("wfm_session=; Path=/; Max-Age=0"))
}

/// The Set-Cookie value that removes the cookie.
pub fn clear_cookie(request: &HeaderMap) -> HeaderValue {
    let secure = if over_tls(request) { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"
    ))
    .unwrap_or(HeaderValue::from_static("wfm_session=; Path=/; Max-Age=0"))
}

/// Whether a request with `method` changes something and so must carry the CSRF token.
pub fn writes(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether the request carries `expected` in the CSRF header (compared in constant time).
pub fn csrf_holds(headers: &HeaderMap, expected: &str) -> bool {
    let Some(sent) = headers.get(CSRF_HEADER).map(HeaderValue::as_bytes) else {
        return false;
    };
    sent.len() == expected.len()
        && sent
            .iter()
            .zip(expected.as_bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        let h = headers(&[("cookie", "a=1; wfm_session=abc ; b=2")]);
        assert_eq!(token(&h), Some("abc"));
        assert_eq!(token(&headers(&[("cookie", "wfm_session=")])), None);
        assert_eq!(token(&headers(&[("cookie", "xwfm_session=abc")])), None);
    }

    #[test]
    fn cookies_are_strict_and_secure_behind_tls() {
        let plain = set_cookie("t", &HeaderMap::new());
        assert_eq!(plain, "wfm_session=t; Path=/; HttpOnly; SameSite=Strict");
        let tls = set_cookie("t", &headers(&[("x-forwarded-proto", "https")]));
        assert!(tls.to_str().unwrap().ends_with("; Secure"));
        assert!(
            clear_cookie(&HeaderMap::new())
                .to_str()
                .unwrap()
                .contains("Max-Age=0")
        );
    }

    #[test]
    fn csrf_needs_the_exact_token_on_writes() {
        assert!(csrf_holds(&headers(&[("x-csrf-token", "abc")]), "abc"));
        assert!(!csrf_holds(&headers(&[("x-csrf-token", "abd")]), "abc"));
        assert!(!csrf_holds(&headers(&[("x-csrf-token", "ab")]), "abc"));
        assert!(!csrf_holds(&HeaderMap::new(), "abc"));
        assert!(writes(&Method::POST) && writes(&Method::DELETE) && !writes(&Method::GET));
    }
}

//! Signed JSON POSTs, for webhook and SMS-gateway deliveries, and what their answers mean:
//! 2xx delivered; no answer, a timeout, 5xx and 429 worth another attempt; the rest final.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap, LOCATION, RETRY_AFTER};

use super::{Attempt, DELIVERY_HEADER, SIGNATURE_HEADER, signature};

/// The HTTP client of notifications.
pub(super) fn client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        // A redirected POST may turn into a GET without the body: the configured URL must be
        // the final one, and a redirect says so in the delivery's error.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("wfm-pulse/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Whether `url` can be posted to (http, or https verified against the Mozilla roots that
/// ship in the binary). The URL itself stays out of the error: it may carry a token.
pub(super) fn check_url(url: &str) -> Result<(), String> {
    match reqwest::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        Ok(u) => Err(format!(
            "the URL's scheme {:?} is not http or https",
            u.scheme()
        )),
        Err(e) => Err(format!("the URL is not valid: {e}")),
    }
}

/// One POST of `body` (JSON), signed when there is a secret, naming the delivery when it
/// was recorded.
pub(super) async fn post(
    http: &reqwest::Client,
    url: &str,
    body: Vec<u8>,
    delivery: Option<i64>,
    secret: Option<&[u8]>,
    timeout: Duration,
) -> Attempt {
    let mut request = http
        .post(url)
        .timeout(timeout)
        .header(CONTENT_TYPE, "application/json");
    if let Some(secret) = secret {
        request = request.header(SIGNATURE_HEADER, signature(secret, &body));
    }
    if let Some(id) = delivery {
        request = request.header(DELIVERY_HEADER, id.to_string());
    }
    match request.body(body).send().await {
        Ok(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            // The receiver has answered; a body that cannot be read only shortens the error.
            let text = if status.is_success() {
                String::new()
            } else {
                response.text().await.unwrap_or_default()
            };
            classify(status, &headers, &text)
        }
        Err(e) if e.is_timeout() => {
            Attempt::Transient(format!("no answer within {} ms", timeout.as_millis()), None)
        }
        Err(e) if e.is_builder() => Attempt::Final(format!("cannot send: {}", root_cause(&e))),
        Err(e) => Attempt::Transient(
            format!("cannot reach the receiver: {}", root_cause(&e)),
            None,
        ),
    }
}

/// What an answer means.
fn classify(status: StatusCode, headers: &HeaderMap, body: &str) -> Attempt {
    let what = format!("HTTP {}: {}", status.as_u16(), text_of(body));
    if status.is_success() {
        Attempt::Delivered
    } else if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        Attempt::Transient(what, retry_after(headers))
    } else if status.is_redirection() {
        let to = headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("elsewhere");
        Attempt::Final(format!(
            "HTTP {}: redirected to {to}; configure the final URL",
            status.as_u16()
        ))
    } else {
        Attempt::Final(what)
    }
}

/// A `Retry-After` in seconds (the HTTP-date form is rare from receivers and ignored).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?;
    v.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The innermost error of a failed request (the connection refusal, not "error sending").
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// The start of a body, for the delivery's error.
fn text_of(body: &str) -> String {
    let text = body.trim();
    match text.char_indices().nth(200) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(code: u16, headers: &[(&'static str, &str)]) -> Attempt {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, v.parse().unwrap());
        }
        classify(StatusCode::from_u16(code).unwrap(), &map, " busy ")
    }

    #[test]
    fn success_delivers_server_errors_and_429_retry_other_answers_are_final() {
        assert_eq!(answer(200, &[]), Attempt::Delivered);
        assert_eq!(answer(204, &[]), Attempt::Delivered);
        assert_eq!(
            answer(500, &[]),
            Attempt::Transient("HTTP 500: busy".into(), None)
        );
        assert_eq!(
            answer(503, &[("retry-after", "7")]),
            Attempt::Transient("HTTP 503: busy".into(), Some(Duration::from_secs(7)))
        );
        assert_eq!(
            answer(429, &[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")]),
            Attempt::Transient("HTTP 429: busy".into(), None)
        );
        assert_eq!(answer(400, &[]), Attempt::Final("HTTP 400: busy".into()));
        assert_eq!(answer(404, &[]), Attempt::Final("HTTP 404: busy".into()));
        assert_eq!(
            answer(301, &[("location", "http://new/hook")]),
            Attempt::Final(
                "HTTP 301: redirected to http://new/hook; configure the final URL".into()
            )
        );
    }

    #[test]
    fn only_http_and_https_urls_with_a_host_are_accepted() {
        assert_eq!(check_url("http://127.0.0.1:9/hook?k=1"), Ok(()));
        assert_eq!(check_url("https://hooks.example.com/x"), Ok(()));
        let refused = check_url("ftp://example.com/secret-token").unwrap_err();
        assert!(!refused.contains("secret-token"), "{refused}");
        assert!(check_url("not a url").is_err());
    }

    #[test]
    fn long_error_bodies_are_cut_at_200_chars() {
        let long = "я".repeat(300);
        assert_eq!(text_of(&long).chars().count(), 203);
    }
}

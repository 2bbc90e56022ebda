//! Reliability limits against broken or hostile clients, over raw TCP where the client's
//! behaviour matters: /metrics labels stay bounded whatever methods and paths are sent; slow
//! clients (headers or body never finished, idle keep-alive) are disconnected; connections
//! beyond the limit wait; a request refused before its body was read leaves the connection
//! reusable.

use crate::common;

use std::time::Duration;

use common::TestServer;
use reqwest::Method;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use wfm_store::model::Role;

/// How long a test waits for the server to do something before failing.
const DEADLINE: Duration = Duration::from_secs(15);

/// One response off a raw connection.
#[derive(Debug)]
struct RawResponse {
    status: u16,
    /// Header names lower-cased.
    headers: Vec<(String, String)>,
}

impl RawResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A keep-alive HTTP/1.1 connection driven by hand.
struct Raw {
    stream: BufReader<TcpStream>,
    host: String,
}

impl Raw {
    async fn connect(s: &TestServer) -> Raw {
        let host = s.base.trim_start_matches("http://").to_string();
        let stream = TcpStream::connect(&host).await.unwrap();
        // Each write goes out at once, as the test shapes it (Nagle would hold the second).
        stream.set_nodelay(true).unwrap();
        Raw {
            stream: BufReader::new(stream),
            host,
        }
    }

    async fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.stream.get_mut().write_all(bytes).await
    }

    /// The head of a request with `headers` (each `Name: value`) and a body of `length` bytes.
    fn head(&self, method: &str, path: &str, headers: &[String], length: usize) -> Vec<u8> {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {length}\r\n",
            self.host
        );
        for h in headers {
            head.push_str(h);
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        head.into_bytes()
    }

    /// Reads one whole response (its body by Content-Length or chunked, then dropped).
    async fn response(&mut self) -> std::io::Result<RawResponse> {
        let eof = || std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "closed");
        let mut line = String::new();
        if self.stream.read_line(&mut line).await? == 0 {
            return Err(eof());
        }
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let mut headers = Vec::new();
        loop {
            line.clear();
            if self.stream.read_line(&mut line).await? == 0 {
                return Err(eof());
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((n, v)) = l.split_once(':') {
                headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        let response = RawResponse { status, headers };
        if let Some(n) = response.header("content-length") {
            let mut body = vec![0; n.parse().map_err(std::io::Error::other)?];
            self.stream.read_exact(&mut body).await?;
        } else if response.header("transfer-encoding") == Some("chunked") {
            loop {
                line.clear();
                if self.stream.read_line(&mut line).await? == 0 {
                    return Err(eof());
                }
                let size = usize::from_str_radix(line.trim(), 16).map_err(std::io::Error::other)?;
                let mut chunk = vec![0; size + 2];
                self.stream.read_exact(&mut chunk).await?;
                if size == 0 {
                    break;
                }
            }
        }
        Ok(response)
    }

    /// Whether the server closes the connection within `DEADLINE` (anything it sends before
    /// closing, such as a 408 or 400, is read and dropped).
    async fn closed_by_server(&mut self) -> bool {
        let until_closed = async {
            let mut buf = [0u8; 4096];
            loop {
                match self.stream.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
            }
        };
        tokio::time::timeout(DEADLINE, until_closed).await.is_ok()
    }
}

/// Methods no standard names, and paths no route matches, cannot grow /metrics: the methods
/// are counted as `other`, the paths as `unmatched`.
#[tokio::test]
async fn metrics_labels_stay_bounded_whatever_clients_send() {
    let s = TestServer::start().await;
    let series = |text: &str| {
        text.lines()
            .filter(|l| l.starts_with("wfm_http_requests_total{"))
            .count()
    };
    let before = s
        .request(Method::GET, "/metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for i in 0..300 {
        let method = Method::from_bytes(format!("X{i}").as_bytes()).unwrap();
        let r = s.request(method.clone(), "/healthz").send().await.unwrap();
        assert_eq!(r.status(), 405);
        let r = s
            .request(method, &format!("/invented/{i}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let r = s
            .request(Method::GET, &format!("/invented/{i}?q={i}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
    }
    let after = s
        .request(Method::GET, "/metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !after.contains("method=\"X"),
        "an invented method is a label value"
    );
    assert!(!after.contains("/invented"), "a raw path is a label value");
    for expected in [
        "wfm_http_requests_total{route=\"/healthz\",method=\"other\",status=\"4xx\"} 300",
        "wfm_http_requests_total{route=\"unmatched\",method=\"other\",status=\"4xx\"} 300",
        "wfm_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"4xx\"} 300",
    ] {
        assert!(after.contains(expected), "{expected} missing in\n{after}");
    }
    // 900 requests added three series (and /metrics itself one).
    assert!(
        series(&after) <= series(&before) + 4,
        "{} series before, {} after",
        series(&before),
        series(&after)
    );
    assert!(after.len() < before.len() + 8 * 1024, "/metrics grew");
    s.stop().await;
}

/// A server that gives up on slow clients after 1 s.
async fn impatient_server() -> TestServer {
    TestServer::start_with(&[
        ("WFM_HEADER_TIMEOUT_SECONDS", "1"),
        ("WFM_BODY_TIMEOUT_SECONDS", "1"),
    ])
    .await
}

/// Connections whose headers never end, and one that sends nothing at all, are closed.
#[tokio::test]
async fn unfinished_headers_are_disconnected() {
    let s = impatient_server().await;
    let mut half_sent = Vec::new();
    for _ in 0..20 {
        let mut c = Raw::connect(&s).await;
        c.send(b"POST /api/v1/staffing/erlang-c HTTP/1.1\r\nHost: x\r\nContent-Le")
            .await
            .unwrap();
        half_sent.push(c);
    }
    half_sent.push(Raw::connect(&s).await);
    for (i, c) in half_sent.iter_mut().enumerate() {
        assert!(
            c.closed_by_server().await,
            "half-sent headers {i} still held"
        );
    }
    s.stop().await;
}

/// A body of 1,000 bytes of which 10 come, to an endpoint that reads it, is given up on: 408.
#[tokio::test]
async fn a_stalled_body_is_disconnected() {
    let s = impatient_server().await;
    let mut c = Raw::connect(&s).await;
    let head = c.head(
        "POST",
        "/api/v1/staffing/erlang-c",
        &[
            format!("Authorization: Bearer {}", s.token(Role::Viewer)),
            "Content-Type: application/json".into(),
        ],
        1000,
    );
    c.send(&head).await.unwrap();
    c.send(b"{\"calls\": ").await.unwrap();
    let answer = c.response().await.unwrap();
    assert_eq!(
        answer.status, 408,
        "a body that stopped arriving: {answer:?}"
    );
    assert!(c.closed_by_server().await, "a stalled body still held");
    s.stop().await;
}

/// A kept-alive connection left idle after its request is closed.
#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let s = impatient_server().await;
    let mut c = Raw::connect(&s).await;
    let head = c.head("GET", "/healthz", &[], 0);
    c.send(&head).await.unwrap();
    assert_eq!(c.response().await.unwrap().status, 200);
    assert!(c.closed_by_server().await, "an idle keep-alive still held");
    s.stop().await;
}

/// Beyond the connection limit a new connection waits (in the listen backlog) while the
/// others are held, and is served as soon as one of them ends.
#[tokio::test]
async fn connections_beyond_the_limit_wait_for_a_free_one() {
    let s = TestServer::start_with(&[
        ("WFM_MAX_CONNECTIONS", "2"),
        ("WFM_HEADER_TIMEOUT_SECONDS", "60"),
    ])
    .await;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut c = Raw::connect(&s).await;
        let head = c.head("GET", "/healthz", &[], 0);
        c.send(&head).await.unwrap();
        assert_eq!(c.response().await.unwrap().status, 200);
        held.push(c);
    }
    let mut waiting = Raw::connect(&s).await;
    let head = waiting.head("GET", "/healthz", &[], 0);
    waiting.send(&head).await.unwrap();
    // Asserting an absence takes a wait: nothing may come while both others are held.
    let early = tokio::time::timeout(Duration::from_millis(500), waiting.response()).await;
    assert!(early.is_err(), "a third connection was served: {early:?}");
    // The held connections are still served.
    let c = &mut held[1];
    let head = c.head("GET", "/healthz", &[], 0);
    c.send(&head).await.unwrap();
    assert_eq!(c.response().await.unwrap().status, 200);

    drop(held.remove(0));
    let served = tokio::time::timeout(DEADLINE, waiting.response()).await;
    assert_eq!(served.expect("still waiting").unwrap().status, 200);
    s.stop().await;
}

/// On one kept-alive connection, 300 times: a POST refused before its body is read (bad
/// path id 400, no token 401, rate limited 429), its body arriving a moment after its head,
/// then a normal request. Every follow-up is answered on the same connection.
#[tokio::test]
async fn a_refused_request_leaves_its_connection_reusable() {
    let s = TestServer::start_with(&[("WFM_RATE_LIMIT_INGEST", "0.001")]).await;
    let supervisor = format!("Authorization: Bearer {}", s.token(Role::Supervisor));
    let integration = format!("Authorization: Bearer {}", s.token(Role::Integration));
    let json = "Content-Type: application/json".to_string();
    // The integration principal's one ingest request of the burst, so the next are 429.
    let r = s
        .request(Method::POST, "/api/v1/events")
        .bearer_auth(s.token(Role::Integration))
        .json(&serde_json::json!([]))
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), 429);

    let body = format!(
        "[{}]",
        "{\"note\": \"a body the server does not want\"},".repeat(40)
    );
    let body = body.replace(",]", "]");
    let refusals: [(&str, Vec<String>, u16); 3] = [
        (
            "/api/v1/alerts/abc/acknowledge",
            vec![supervisor, json.clone()],
            400,
        ),
        ("/api/v1/events", vec![json.clone()], 401),
        ("/api/v1/events", vec![integration, json], 429),
    ];
    let mut c = Raw::connect(&s).await;
    let mut failures = Vec::new();
    for round in 0..300 {
        let (path, headers, expected) = &refusals[round % 3];
        let head = c.head("POST", path, headers, body.len());
        let follow_up = c.head("GET", "/healthz", &[], 0);
        let (first, rest) = body.as_bytes().split_at(10);
        let sent = async {
            c.send(&[head.as_slice(), first].concat()).await?;
            // The rest of the body comes in a later segment, as from a client that writes the
            // head and the body separately: the server may answer before it has arrived.
            tokio::time::sleep(Duration::from_millis(3)).await;
            c.send(&[rest, follow_up.as_slice()].concat()).await
        };
        if let Err(e) = sent.await {
            failures.push(format!("round {round}: sending: {e}"));
            break;
        }
        match c.response().await {
            Ok(r) if r.status == *expected && r.header("connection") != Some("close") => {}
            other => {
                failures.push(format!("round {round}: refusal {expected}: {other:?}"));
                break;
            }
        }
        match c.response().await {
            Ok(r) if r.status == 200 => {}
            other => {
                failures.push(format!("round {round}: follow-up: {other:?}"));
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
    s.stop().await;
}

/// A client that sends `Expect: 100-continue` and waits is answered at once when its request
/// is refused, and told the connection closes (its body was never asked for); a request that
/// is read gets its `100 Continue`.
#[tokio::test]
async fn a_refused_client_expecting_continue_is_not_asked_for_its_body() {
    let s = TestServer::start().await;
    let expect = "Expect: 100-continue".to_string();
    let mut c = Raw::connect(&s).await;
    let head = c.head(
        "POST",
        "/api/v1/events",
        std::slice::from_ref(&expect),
        5000,
    );
    c.send(&head).await.unwrap();
    let r = tokio::time::timeout(DEADLINE, c.response())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((r.status, r.header("connection")), (401, Some("close")));

    let body = r#"{"calls": 100, "interval_seconds": 1800, "aht_seconds": 180}"#;
    let mut c = Raw::connect(&s).await;
    let token = format!("Authorization: Bearer {}", s.token(Role::Viewer));
    let head = c.head(
        "POST",
        "/api/v1/staffing/erlang-c",
        &[token, expect, "Content-Type: application/json".into()],
        body.len(),
    );
    c.send(&head).await.unwrap();
    assert_eq!(c.response().await.unwrap().status, 100);
    c.send(body.as_bytes()).await.unwrap();
    let r = c.response().await.unwrap();
    assert_eq!((r.status, r.header("connection")), (200, None));
    s.stop().await;
}

//! Alert notifications against real receivers on port 0 and a real store: signed webhooks,
//! retries of transient failures and final refusals as the delivery rows show them, slow and
//! failing receivers that hold up nobody, e-mail to a local SMTP sink, SMS through a fake
//! gateway, and channels that are not configured.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::watch;
use wfm_pulse::notify::*;
use wfm_store::Store;
use wfm_store::alerts::Delivery;

const SECRET: &str = "notify-test-secret";
const DEADLINE: Duration = Duration::from_secs(30);

/// A migrated SQLite store in its own directory, removed at the end.
struct TestStore {
    store: Arc<dyn Store>,
    dir: PathBuf,
}

impl TestStore {
    async fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("wfm-notify-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = wfm_store::open(&format!("sqlite://{}", dir.join("x.db").display()))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        TestStore { store, dir }
    }

    fn notifier(&self, settings: NotifySettings) -> Arc<Notifier> {
        Arc::new(Notifier::new(settings, self.store.clone()))
    }

    async fn row(&self, id: i64) -> Delivery {
        row(&self.store, id).await
    }

    /// Polls the delivery until `done` holds.
    async fn wait_row(&self, id: i64, what: &str, done: impl Fn(&Delivery) -> bool) -> Delivery {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let d = self.row(id).await;
            if done(&d) {
                return d;
            }
            assert!(Instant::now() < deadline, "{what}: {d:?}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn row(store: &Arc<dyn Store>, id: i64) -> Delivery {
    let all = store.list_deliveries(None, 1000).await.unwrap();
    all.into_iter().find(|d| d.id == id).unwrap()
}

/// Polls until `done` holds.
async fn until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + DEADLINE;
    while !done() {
        assert!(Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Signed, small delays, a timeout that a held-up receiver does not reach.
fn settings() -> NotifySettings {
    NotifySettings {
        signing_secret: Some(SECRET.into()),
        base_delay: Duration::from_millis(10),
        timeout: Duration::from_secs(20),
        ..NotifySettings::default()
    }
}

fn message(text: &str, payload: Value) -> Message {
    Message {
        alert_id: None,
        severity: "critical".into(),
        subject: "Критично: уровень сервиса L1".into(),
        text: text.into(),
        payload,
    }
}

/// How a fake receiver answers its n-th request (1-based).
#[derive(Clone)]
enum Behaviour {
    Accept,
    FailFirst(usize, u16),
    Always(u16),
    /// Answers 200 once the gate opens, holding the request until then.
    HoldUntil(watch::Receiver<bool>),
    /// Answers 503 while the gate is closed, 200 after.
    FailUntil(watch::Receiver<bool>),
}

/// A request as the receiver got it, with the delivery's row at that moment.
#[derive(Debug, Clone)]
struct Hit {
    delivery: Option<i64>,
    content_type: String,
    body: Value,
    row: Option<Delivery>,
}

struct Inner {
    store: Arc<dyn Store>,
    behaviour: Behaviour,
    hits: Mutex<Vec<Hit>>,
    bad_signatures: AtomicUsize,
}

/// A webhook receiver (or SMS gateway) that checks the signature of every request.
#[derive(Clone)]
struct Receiver {
    url: String,
    inner: Arc<Inner>,
}

impl Receiver {
    async fn start(store: &TestStore, behaviour: Behaviour) -> Receiver {
        let inner = Arc::new(Inner {
            store: store.store.clone(),
            behaviour,
            hits: Mutex::new(Vec::new()),
            bad_signatures: AtomicUsize::new(0),
        });
        let app = Router::new()
            .route("/hook", post(receive))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver { url, inner }
    }

    fn hits(&self) -> Vec<Hit> {
        self.inner.hits.lock().unwrap().clone()
    }

    fn bad_signatures(&self) -> usize {
        self.inner.bad_signatures.load(Ordering::SeqCst)
    }
}

async fn receive(State(r): State<Arc<Inner>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let signed = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == signature(SECRET.as_bytes(), &body));
    if !signed {
        r.bad_signatures.fetch_add(1, Ordering::SeqCst);
    }
    let delivery = headers
        .get(DELIVERY_HEADER)
        .map(|v| v.to_str().unwrap().parse::<i64>().unwrap());
    let row = match delivery {
        Some(id) => Some(row(&r.store, id).await),
        None => None,
    };
    let n = {
        let mut hits = r.hits.lock().unwrap();
        hits.push(Hit {
            delivery,
            content_type: headers["content-type"].to_str().unwrap().to_string(),
            body: serde_json::from_slice(&body).unwrap(),
            row,
        });
        hits.len()
    };
    let code = match &r.behaviour {
        Behaviour::Accept => 200,
        Behaviour::FailFirst(k, code) => {
            if n <= *k {
                *code
            } else {
                200
            }
        }
        Behaviour::Always(code) => *code,
        Behaviour::HoldUntil(gate) => {
            let _ = gate.clone().wait_for(|open| *open).await;
            200
        }
        Behaviour::FailUntil(gate) => {
            if *gate.borrow() {
                200
            } else {
                503
            }
        }
    };
    StatusCode::from_u16(code).unwrap()
}

mod webhook;

mod channels;

//! The two store backends a server test can run on: SQLite (always) and PostgreSQL (when
//! `WFM_TEST_POSTGRES_URL` names a server; `.ci/run` sets it and fails if it is unreachable),
//! each in a fresh database, and a fingerprint of every table to prove a request wrote nothing.

use std::collections::BTreeMap;
use std::future::Future;
use std::hash::{DefaultHasher, Hash, Hasher};

use sqlx::{AnyConnection, Connection, Executor, PgConnection, Row};

use super::TestServer;

/// Where a test server keeps its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs `test` against a server on `backend` started with `settings`. On PostgreSQL the
/// database is made for the test and dropped after it, even when the test fails; without
/// `WFM_TEST_POSTGRES_URL` the PostgreSQL run is skipped (it returns at once).
pub async fn on<F, Fut>(backend: Backend, settings: &[(&str, &str)], test: F)
where
    F: FnOnce(TestServer) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let settings: Vec<(String, String)> = settings
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    match backend {
        Backend::Sqlite => {
            let settings: Vec<(&str, &str)> = settings
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            test(TestServer::start_with(&settings).await).await;
        }
        Backend::Postgres => {
            let Ok(admin_url) = std::env::var("WFM_TEST_POSTGRES_URL") else {
                eprintln!("WFM_TEST_POSTGRES_URL not set: the PostgreSQL run is left to .ci/run");
                return;
            };
            let name = format!("wfm_pulse_test_{}", uuid::Uuid::new_v4().simple());
            let mut admin = PgConnection::connect(&admin_url)
                .await
                .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {admin_url}: {e}"));
            admin
                .execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .unwrap();
            let url = with_database(&admin_url, &name);
            let outcome = tokio::spawn(async move {
                let mut settings: Vec<(&str, &str)> = settings
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                settings.push(("WFM_DATABASE_URL", &url));
                let server = TestServer::start_with(&settings).await;
                test(server).await;
            })
            .await;
            admin
                .execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str())
                .await
                .unwrap();
            if let Err(e) = outcome {
                std::panic::resume_unwind(e.into_panic());
            }
        }
    }
}

/// `url` with its database replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let host_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match base[host_end..].find('/') {
        Some(i) => &base[..host_end + i],
        None => base,
    };
    format!("{root}/{db}{query}")
}

/// Generates a SQLite and a PostgreSQL test from one `async fn(TestServer)`.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident, $body:ident) => {
        $crate::on_both_backends!($name, &[], $body);
    };
    ($name:ident, $settings:expr, $body:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::common::backend::on(
                    $crate::common::backend::Backend::Sqlite,
                    $settings,
                    super::$body,
                )
                .await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::common::backend::on(
                    $crate::common::backend::Backend::Postgres,
                    $settings,
                    super::$body,
                )
                .await;
            }
        }
    };
}

/// Tables a fingerprint leaves out (see [`Fingerprint::open`]).
const IGNORED: [&str; 3] = ["sqlite_sequence", "interval_stats", "adherence_stats"];

/// Every table of a server's database, each row as text, hashed per table: two equal
/// fingerprints mean nothing was inserted, changed or deleted in between.
pub struct Fingerprint {
    conn: AnyConnection,
    backend: Backend,
    /// The SELECT that gives each table's rows as one text column.
    tables: Vec<(String, String)>,
}

impl Fingerprint {
    /// Opens a connection of its own to the server's database.
    pub async fn open(server: &TestServer) -> Fingerprint {
        sqlx::any::install_default_drivers();
        let url = server.database_url();
        let backend = if url.starts_with("postgres") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        let mut conn = AnyConnection::connect(&url).await.unwrap();
        let catalog = match backend {
            Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
            Backend::Postgres => {
                "SELECT CAST(tablename AS TEXT) AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            }
        };
        let names: Vec<String> = sqlx::query(catalog)
            .fetch_all(&mut conn)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<String, _>("name"))
            .collect();
        let mut tables = Vec::new();
        // Left out: SQLite's AUTOINCREMENT counters (bookkeeping: an insert that meets a
        // duplicate moves them, as a PostgreSQL sequence moves), and the history tables,
        // which only the history writer writes, in the background, from the engine's state
        // (a request reaches them only through events or plan changes it was allowed to make).
        for table in names.into_iter().filter(|t| !IGNORED.contains(&t.as_str())) {
            let select = match backend {
                Backend::Postgres => {
                    format!("SELECT CAST(t AS TEXT) AS row_text FROM \"{table}\" t")
                }
                Backend::Sqlite => {
                    let columns: Vec<String> =
                        sqlx::query(&format!("SELECT name FROM pragma_table_info('{table}')"))
                            .fetch_all(&mut conn)
                            .await
                            .unwrap()
                            .iter()
                            .map(|r| r.get::<String, _>("name"))
                            .collect();
                    let text: Vec<String> = columns
                        .iter()
                        .map(|c| format!("COALESCE(CAST(\"{c}\" AS TEXT), '~')"))
                        .collect();
                    format!(
                        "SELECT {} AS row_text FROM \"{table}\"",
                        text.join(" || '|' || ")
                    )
                }
            };
            tables.push((table, select));
        }
        assert!(tables.len() > 25, "every table: {tables:?}");
        Fingerprint {
            conn,
            backend,
            tables,
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Each table's hash of its rows (in any order).
    pub async fn take(&mut self) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        for (table, select) in &self.tables {
            let mut rows: Vec<String> = sqlx::query(select)
                .fetch_all(&mut self.conn)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<String, _>("row_text"))
                .collect();
            rows.sort_unstable();
            let mut h = DefaultHasher::new();
            rows.hash(&mut h);
            out.insert(table.clone(), h.finish());
        }
        out
    }
}

/// The tables whose hashes differ.
pub fn changed(before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) -> Vec<String> {
    before
        .iter()
        .filter(|(t, h)| after.get(*t) != Some(h))
        .map(|(t, _)| t.clone())
        .collect()
}

//! Store conformance: one suite, run against SQLite (always) and PostgreSQL (when
//! `WFM_TEST_POSTGRES_URL` names a server; `.ci/run` sets it and fails if it is unreachable).

mod suite;

use sqlx::{Connection, Executor};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_conforms() {
    let dir = std::env::temp_dir().join(format!("wfm-store-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("conformance.db").display());
    let store = wfm_store::open(&url).await.unwrap();
    assert_eq!(store.backend(), wfm_store::Backend::Sqlite);
    suite::run(store.clone(), &url).await;
    store.close().await;
    // WAL is a property of the file: a fresh connection sees it.
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let mode: (String,) = sqlx::query_as("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(mode.0, "wal");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Runs the suite in a fresh database on the server, dropped afterwards even if the suite fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_conforms() {
    let Ok(admin_url) = std::env::var("WFM_TEST_POSTGRES_URL") else {
        eprintln!(
            "WFM_TEST_POSTGRES_URL not set: PostgreSQL conformance not run here (.ci/run runs it)"
        );
        return;
    };
    let name = format!("wfm_conformance_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&admin_url)
        .await
        .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {admin_url}: {e}"));
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    let url = with_database(&admin_url, &name);
    let outcome = tokio::spawn(async move {
        let store = wfm_store::open(&url).await.unwrap();
        assert_eq!(store.backend(), wfm_store::Backend::Postgres);
        suite::run(store.clone(), &url).await;
        store.close().await;
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

/// The same server URL with another database name.
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

//! Connecting to SQLite or PostgreSQL (per-connection settings, WAL), and the two ways
//! in: a pooled connection to read, a write transaction that takes SQLite's lock up front.

use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Executor, Transaction};

use crate::error::{StoreError, StoreResult};
use crate::store::Backend;

/// A store on a SQLite file or a PostgreSQL database.
pub struct SqlStore {
    pub(super) pool: AnyPool,
    pub(super) backend: Backend,
}

impl SqlStore {
    /// Connects to `url` (`sqlite://PATH` or `postgres://...`); a SQLite file is created
    /// if missing and switched to WAL.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::Other(
                "database URL must start with sqlite:// or postgres://".into(),
            ));
        };
        let options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10));
        let pool = match backend {
            Backend::Sqlite => {
                let url = if url.contains('?') {
                    url.to_string()
                } else {
                    format!("{url}?mode=rwc")
                };
                options
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // Per connection: enforce references; wait for the writer instead
                            // of failing; fsync every commit (acknowledged means durable).
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            conn.execute("PRAGMA busy_timeout = 5000").await?;
                            conn.execute("PRAGMA synchronous = FULL").await?;
                            // Deleted content is zeroed, so erased personal data does not
                            // linger in free pages of the file.
                            conn.execute("PRAGMA secure_delete = ON").await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await
            }
            Backend::Postgres => options.connect(url).await,
        }
        .map_err(|e| StoreError::Other(format!("cannot open the database: {e}")))?;
        if backend == Backend::Sqlite {
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await
                .map_err(|e| StoreError::Other(e.to_string()))?;
        }
        Ok(Self { pool, backend })
    }

    pub(super) async fn acquire(&self) -> StoreResult<PoolConnection<Any>> {
        self.pool
            .acquire()
            .await
            .map_err(|e| StoreError::Other(format!("database unavailable: {e}")))
    }

    /// Begins a transaction that will write. SQLite takes the write lock up front, so two
    /// writers wait for each other instead of one failing when it upgrades from reading.
    pub(super) async fn begin_write(&self) -> StoreResult<Transaction<'static, Any>> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        };
        tx.map_err(|e| StoreError::Other(format!("database unavailable: {e}")))
    }
}

//! Connecting to SQLite or PostgreSQL (per-connection settings, WAL; a new SQLite file for
//! its owner only), and the two ways in: a pooled connection to read, a write transaction
//! that takes SQLite's lock up front - on SQLite from a pool of one connection, so that
//! writers take turns in the order they came.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::{Any, AnyPool, Executor, Transaction};

use crate::error::{StoreError, StoreResult};
use crate::store::Backend;

/// A store on a SQLite file or a PostgreSQL database.
pub struct SqlStore {
    pub(super) pool: AnyPool,
    /// Write transactions. SQLite has one writer at a time, and writers waiting on its lock
    /// poll with growing sleeps, so a steady run of writes (the history writer's day) could
    /// keep an ingest commit out for seconds; one connection handed out fairly queues them
    /// instead. On PostgreSQL it is the pool.
    writer: AnyPool,
    pub(super) backend: Backend,
    /// PostgreSQL only: the same database through the native driver, for what `Any`
    /// cannot say (arrays, COPY); connected on first use.
    pub(super) pg: Option<PgPool>,
    /// SQLite files only: the same file through the native driver, read only, for the
    /// replay's pages: `Any` copies every row into its own form, which made a 2,000,000-event
    /// replay read take 2.1x a native read. Connected on first use.
    pub(super) sqlite: Option<SqlitePool>,
}

/// The file of a SQLite URL as sqlx reads it (`sqlite://PATH` or `sqlite:PATH`, then `?`
/// and parameters; percent-decoded), or None for another backend or an in-memory database.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let (database, params) = rest.split_once('?').unwrap_or((rest, ""));
    if database.is_empty()
        || database == ":memory:"
        || params.split('&').any(|p| p == "mode=memory")
    {
        return None;
    }
    let options = SqliteConnectOptions::from_str(url).ok()?;
    Some(options.get_filename().to_path_buf())
}

/// Creates a missing SQLite file readable and writable by its owner only, before SQLite
/// would create it with the process's umask (typically 0644: every local user could read
/// the personal data in it). SQLite gives the -wal and -shm files the database file's
/// permissions, so they follow. A failure is left to the open that comes next to report.
fn create_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path);
    }
    #[cfg(not(unix))]
    let _ = path;
}

impl SqlStore {
    /// Connects to `url` (`sqlite://PATH` or `postgres://...`); a SQLite file is created
    /// if missing (for its owner only) and switched to WAL.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::other(
                "database URL must start with sqlite:// or postgres://",
            ));
        };
        let options = |connections: u32| {
            AnyPoolOptions::new()
                .max_connections(connections)
                .acquire_timeout(Duration::from_secs(10))
        };
        let (pool, writer) = match backend {
            Backend::Sqlite => {
                let url = if url.contains('?') {
                    url.to_string()
                } else {
                    format!("{url}?mode=rwc")
                };
                if url.contains("mode=rwc")
                    && let Some(file) = sqlite_file(&url)
                {
                    create_private(&file);
                }
                let pool = sqlite_pool(options(8), &url).await;
                let writer = sqlite_pool(options(1), &url).await;
                pool.and_then(|pool| Ok((pool, writer?)))
            }
            Backend::Postgres => options(16).connect(url).await.map(|p| (p.clone(), p)),
        }
        .map_err(|e| StoreError::caused_with("cannot open the database", e))?;
        if backend == Backend::Sqlite {
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await
                .map_err(StoreError::caused)?;
        }
        let pg = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(
                PgPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_lazy(url)
                    .map_err(|e| StoreError::caused_with("cannot open the database", e))?,
            ),
        };
        let sqlite = match backend {
            Backend::Sqlite if sqlite_file(url).is_some() => Some(
                SqlitePoolOptions::new()
                    .max_connections(2)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_lazy_with(
                        SqliteConnectOptions::from_str(url)
                            .map_err(|e| StoreError::caused_with("cannot open the database", e))?
                            .create_if_missing(false)
                            .read_only(true),
                    ),
            ),
            _ => None,
        };
        Ok(Self {
            pool,
            writer,
            backend,
            pg,
            sqlite,
        })
    }

    /// Closes every pool (on PostgreSQL the writer is the reading pool: closed once more,
    /// which does nothing).
    pub(super) async fn close_pools(&self) {
        self.pool.close().await;
        self.writer.close().await;
        if let Some(pg) = &self.pg {
            pg.close().await;
        }
        if let Some(sqlite) = &self.sqlite {
            sqlite.close().await;
        }
    }

    pub(super) async fn acquire(&self) -> StoreResult<PoolConnection<Any>> {
        self.pool
            .acquire()
            .await
            .map_err(|e| StoreError::caused_with("database unavailable", e))
    }

    /// Begins a transaction that will write. SQLite takes the write lock up front, so two
    /// writers wait for each other instead of one failing when it upgrades from reading.
    pub(super) async fn begin_write(&self) -> StoreResult<Transaction<'static, Any>> {
        let tx = match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.writer.begin().await,
        };
        tx.map_err(|e| StoreError::caused_with("database unavailable", e))
    }
}

/// A SQLite pool whose connections enforce references, wait for the writer instead of
/// failing, fsync every commit (acknowledged means durable) and zero deleted content (erased
/// personal data does not linger in free pages of the file).
async fn sqlite_pool(options: AnyPoolOptions, url: &str) -> Result<AnyPool, sqlx::Error> {
    options
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute("PRAGMA foreign_keys = ON").await?;
                conn.execute("PRAGMA busy_timeout = 5000").await?;
                conn.execute("PRAGMA synchronous = FULL").await?;
                conn.execute("PRAGMA secure_delete = ON").await?;
                Ok(())
            })
        })
        .connect(url)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_of_a_sqlite_url() {
        let file = |u: &str| sqlite_file(u).map(|p| p.display().to_string());
        assert_eq!(
            file("sqlite://data/wfm-pulse.db").as_deref(),
            Some("data/wfm-pulse.db")
        );
        assert_eq!(
            file("sqlite:///var/lib/w.db?mode=rwc").as_deref(),
            Some("/var/lib/w.db")
        );
        assert_eq!(file("sqlite:w%20x.db").as_deref(), Some("w x.db"));
        for none in [
            "sqlite::memory:",
            "sqlite://?mode=memory",
            "sqlite://a.db?mode=memory",
            "postgres://h/db",
        ] {
            assert_eq!(file(none), None, "{none}");
        }
    }
}

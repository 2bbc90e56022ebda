//! The SQL store: one implementation over sqlx's `Any` driver, for SQLite and PostgreSQL.
//!
//! Both backends take the same statements (`$n` placeholders, `RETURNING`, integer
//! milliseconds for instants); what differs (connection set-up, migrations, how a write
//! transaction begins) is chosen by `Backend`.

mod access;
mod alert_rules;
mod alerts;
mod append;
mod audit;
mod codec;
mod connect;
mod departments;
mod feed_positions;
mod health;
mod integration;
mod interval_stats;
mod jobs;
mod labor_rules;
mod live;
mod migrate;
mod notifications;
mod people;
mod person_keys;
mod personnel;
mod predictions;
mod priorities;
mod privacy;
pub(crate) mod scrub;
mod table;
mod tables;
mod time;
mod zup;
mod zup_hours;

pub use connect::{SqlStore, sqlite_file};

use async_trait::async_trait;
use sqlx::Executor;

use crate::error::{StoreError, StoreResult};
use crate::store::{Backend, Store};

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> Backend {
        self.backend
    }

    async fn ping(&self) -> StoreResult<()> {
        let mut conn = self.acquire().await?;
        conn.execute("SELECT 1")
            .await
            .map(|_| ())
            .map_err(StoreError::caused)
    }

    async fn migrate(&self) -> StoreResult<Vec<String>> {
        migrate::run(self).await
    }

    async fn close(&self) {
        self.close_pools().await;
    }
}

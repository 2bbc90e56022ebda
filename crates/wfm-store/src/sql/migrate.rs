//! Schema migrations: numbered SQL files per backend, compiled in, applied once each in order.

use sqlx::Row;

use super::{SqlStore, time};
use crate::error::{StoreError, StoreResult};
use crate::store::Backend;

/// (name, SQLite text, PostgreSQL text), oldest first. Never edit a released migration:
/// add a new one.
const MIGRATIONS: &[(&str, &str, &str)] = &[
    (
        "0001_foundation",
        include_str!("../../migrations/sqlite/0001_foundation.sql"),
        include_str!("../../migrations/postgres/0001_foundation.sql"),
    ),
    (
        "0002_live",
        include_str!("../../migrations/sqlite/0002_live.sql"),
        include_str!("../../migrations/postgres/0002_live.sql"),
    ),
    (
        "0003_workplace_calls",
        include_str!("../../migrations/sqlite/0003_workplace_calls.sql"),
        include_str!("../../migrations/postgres/0003_workplace_calls.sql"),
    ),
    (
        "0004_integration",
        include_str!("../../migrations/sqlite/0004_integration.sql"),
        include_str!("../../migrations/postgres/0004_integration.sql"),
    ),
    (
        "0005_alerting",
        include_str!("../../migrations/sqlite/0005_alerting.sql"),
        include_str!("../../migrations/postgres/0005_alerting.sql"),
    ),
    (
        "0006_privacy",
        include_str!("../../migrations/sqlite/0006_privacy.sql"),
        include_str!("../../migrations/postgres/0006_privacy.sql"),
    ),
    (
        "0007_health",
        include_str!("../../migrations/sqlite/0007_health.sql"),
        include_str!("../../migrations/postgres/0007_health.sql"),
    ),
    (
        "0008_interval_stats",
        include_str!("../../migrations/sqlite/0008_interval_stats.sql"),
        include_str!("../../migrations/postgres/0008_interval_stats.sql"),
    ),
    (
        "0009_group_priorities",
        include_str!("../../migrations/sqlite/0009_group_priorities.sql"),
        include_str!("../../migrations/postgres/0009_group_priorities.sql"),
    ),
    (
        "0010_labor_rules",
        include_str!("../../migrations/sqlite/0010_labor_rules.sql"),
        include_str!("../../migrations/postgres/0010_labor_rules.sql"),
    ),
    (
        "0011_people",
        include_str!("../../migrations/sqlite/0011_people.sql"),
        include_str!("../../migrations/postgres/0011_people.sql"),
    ),
    (
        "0012_feed_positions",
        include_str!("../../migrations/sqlite/0012_feed_positions.sql"),
        include_str!("../../migrations/postgres/0012_feed_positions.sql"),
    ),
];

pub(crate) async fn run(store: &SqlStore) -> StoreResult<Vec<String>> {
    let fail = |e: sqlx::Error| StoreError::caused_with("migration failed", e);
    let mut tx = store.begin_write().await?;
    if store.backend == Backend::Postgres {
        // Two instances starting together must not both migrate: the second waits here.
        sqlx::query("SELECT pg_advisory_xact_lock(730173)")
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
    }
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations \
         (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut *tx)
    .await
    .map_err(fail)?;
    let done: Vec<String> = sqlx::query("SELECT name FROM schema_migrations")
        .fetch_all(&mut *tx)
        .await
        .map_err(fail)?
        .iter()
        .map(|r| r.try_get("name"))
        .collect::<Result<_, _>>()
        .map_err(fail)?;
    let mut applied = Vec::new();
    for (name, sqlite, postgres) in MIGRATIONS {
        if done.iter().any(|d| d == name) {
            continue;
        }
        let sql = match store.backend {
            Backend::Sqlite => sqlite,
            Backend::Postgres => postgres,
        };
        for statement in statements(sql) {
            sqlx::query(statement)
                .execute(&mut *tx)
                .await
                .map_err(fail)?;
        }
        sqlx::query("INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)")
            .bind(*name)
            .bind(time::now_ms())
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        applied.push(name.to_string());
    }
    tx.commit().await.map_err(fail)?;
    Ok(applied)
}

/// The statements of a migration file: split at `;` ending a line, comments kept with the
/// statement they precede. (sqlx's multi-statement `raw_sql` future is not `Send` here.)
fn statements(sql: &str) -> impl Iterator<Item = &str> {
    sql.split(";\n").map(str::trim).filter(|s| {
        s.lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with("--"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_files_split_into_statements() {
        let parts: Vec<_> =
            statements("-- head\nCREATE TABLE a (x INT);\n\nCREATE INDEX i ON a (x);\n-- tail\n")
                .collect();
        assert_eq!(parts.len(), 2);
        assert!(parts[0].ends_with("(x INT)"));
        assert_eq!(parts[1], "CREATE INDEX i ON a (x)");
    }
}

//! Generic create/read/update/delete of a record kind, with reference checks and audit entries.

use serde::Serialize;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, AnyConnection, Row};

use super::{SqlStore, audit, time};
use crate::error::{StoreError, StoreResult};
use crate::model::Actor;

pub(crate) type AnyQuery<'q> = sqlx::query::Query<'q, Any, AnyArguments<'q>>;

/// A reference from an input field to another record: checked before writing.
pub(crate) struct Reference {
    pub field: String,
    pub table: &'static str,
    pub entity: &'static str,
    pub id: i64,
}

/// A kind of record kept in one table (plus, for some, child rows).
pub(crate) trait Table: Serialize + Sized + Send + Sync + Unpin {
    type Input: Sync;
    /// The record's name in errors and the audit log.
    const ENTITY: &'static str;
    const TABLE: &'static str;
    /// Columns written from the input, in the order `bind` binds them.
    const COLUMNS: &'static [&'static str];

    fn bind<'q>(input: &'q Self::Input, q: AnyQuery<'q>) -> AnyQuery<'q>;
    fn references(input: &Self::Input) -> Vec<Reference>;
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error>;

    /// Writes the record's child rows after its own row (replacing earlier ones).
    fn write_children(
        _conn: &mut AnyConnection,
        _id: i64,
        _input: &Self::Input,
    ) -> impl Future<Output = Result<(), sqlx::Error>> + Send {
        async { Ok(()) }
    }

    /// Reads records (one by id, or all ordered by id) with their child rows.
    fn fetch(
        conn: &mut AnyConnection,
        id: Option<i64>,
    ) -> impl Future<Output = Result<Vec<Self>, sqlx::Error>> + Send {
        async move { fetch_rows(conn, Self::TABLE, id, Self::from_row).await }
    }
}

/// `SELECT *` of one record or all of a table, ordered by id.
pub(crate) async fn fetch_rows<T>(
    conn: &mut AnyConnection,
    table: &str,
    id: Option<i64>,
    from_row: fn(&AnyRow) -> Result<T, sqlx::Error>,
) -> Result<Vec<T>, sqlx::Error> {
    let rows = match id {
        Some(id) => {
            sqlx::query(&format!("SELECT * FROM {table} WHERE id = $1"))
                .bind(id)
                .fetch_all(conn)
                .await?
        }
        None => {
            sqlx::query(&format!("SELECT * FROM {table} ORDER BY id"))
                .fetch_all(conn)
                .await?
        }
    };
    rows.iter().map(from_row).collect()
}

fn placeholders(from: usize, count: usize) -> Vec<String> {
    (from..from + count).map(|i| format!("${i}")).collect()
}

async fn one<T: Table>(conn: &mut AnyConnection, id: i64) -> StoreResult<T> {
    T::fetch(conn, Some(id))
        .await
        .map_err(|e| StoreError::from_sqlx(e, T::ENTITY))?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound {
            entity: T::ENTITY,
            id: id.to_string(),
        })
}

/// Whether `table` has a row with this id, inside the caller's transaction.
async fn row_exists(
    conn: &mut AnyConnection,
    table: &str,
    id: i64,
    entity: &'static str,
) -> StoreResult<bool> {
    Ok(sqlx::query(&format!("SELECT 1 FROM {table} WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(|e| StoreError::from_sqlx(e, entity))?
        .is_some())
}

/// `NotFound` for `entity` unless `table` has a row with this id.
pub(crate) async fn require(
    conn: &mut AnyConnection,
    table: &str,
    entity: &'static str,
    id: i64,
) -> StoreResult<()> {
    if row_exists(conn, table, id, entity).await? {
        Ok(())
    } else {
        Err(StoreError::NotFound {
            entity,
            id: id.to_string(),
        })
    }
}

async fn check_references<T: Table>(conn: &mut AnyConnection, input: &T::Input) -> StoreResult<()> {
    for r in T::references(input) {
        if !row_exists(&mut *conn, r.table, r.id, T::ENTITY).await? {
            return Err(StoreError::InvalidReference {
                field: r.field,
                entity: r.entity,
            });
        }
    }
    Ok(())
}

/// Creates a record inside the caller's transaction, with its audit entry: the generic
/// `create`, for changes that are part of a larger write (a personnel sync).
pub(crate) async fn create_in<T: Table>(
    conn: &mut AnyConnection,
    input: &T::Input,
    actor: &Actor,
) -> StoreResult<T> {
    let err = |e| StoreError::from_sqlx(e, T::ENTITY);
    check_references::<T>(conn, input).await?;
    let n = T::COLUMNS.len();
    let sql = format!(
        "INSERT INTO {} ({}, created_at, updated_at) VALUES ({}) RETURNING id",
        T::TABLE,
        T::COLUMNS.join(", "),
        placeholders(1, n + 2).join(", ")
    );
    let now = time::now_ms();
    let row = T::bind(input, sqlx::query(&sql))
        .bind(now)
        .bind(now)
        .fetch_one(&mut *conn)
        .await
        .map_err(err)?;
    let id: i64 = row.try_get("id").map_err(err)?;
    T::write_children(conn, id, input).await.map_err(err)?;
    let created = one::<T>(conn, id).await?;
    audit::record(
        conn,
        actor,
        "create",
        T::ENTITY,
        &id.to_string(),
        None,
        Some(&created),
    )
    .await?;
    Ok(created)
}

/// Replaces a record's columns and child rows (no reference checks, no audit): the write
/// shared by `update_in` and batch updates whose references are already known to exist.
pub(crate) async fn write_update<T: Table>(
    conn: &mut AnyConnection,
    id: i64,
    input: &T::Input,
    updated_at: i64,
) -> Result<(), sqlx::Error> {
    let n = T::COLUMNS.len();
    let sets: Vec<String> = T::COLUMNS
        .iter()
        .zip(placeholders(1, n))
        .map(|(c, p)| format!("{c} = {p}"))
        .collect();
    let sql = format!(
        "UPDATE {} SET {}, updated_at = ${} WHERE id = ${}",
        T::TABLE,
        sets.join(", "),
        n + 1,
        n + 2
    );
    T::bind(input, sqlx::query(&sql))
        .bind(updated_at)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    T::write_children(conn, id, input).await
}

/// Updates a record inside the caller's transaction, with its audit entry.
pub(crate) async fn update_in<T: Table>(
    conn: &mut AnyConnection,
    id: i64,
    input: &T::Input,
    actor: &Actor,
) -> StoreResult<T> {
    let before = one::<T>(conn, id).await?;
    check_references::<T>(conn, input).await?;
    write_update::<T>(conn, id, input, time::now_ms())
        .await
        .map_err(|e| StoreError::from_sqlx(e, T::ENTITY))?;
    let after = one::<T>(conn, id).await?;
    audit::record(
        conn,
        actor,
        "update",
        T::ENTITY,
        &id.to_string(),
        Some(&before),
        Some(&after),
    )
    .await?;
    Ok(after)
}

impl SqlStore {
    pub(crate) async fn get<T: Table>(&self, id: i64) -> StoreResult<T> {
        let mut conn = self.acquire().await?;
        one::<T>(&mut conn, id).await
    }

    pub(crate) async fn list<T: Table>(&self) -> StoreResult<Vec<T>> {
        let mut conn = self.acquire().await?;
        T::fetch(&mut conn, None)
            .await
            .map_err(|e| StoreError::from_sqlx(e, T::ENTITY))
    }

    pub(crate) async fn create<T: Table>(&self, input: &T::Input, actor: &Actor) -> StoreResult<T> {
        let mut tx = self.begin_write().await?;
        let created = create_in::<T>(&mut tx, input, actor).await?;
        tx.commit()
            .await
            .map_err(|e| StoreError::from_sqlx(e, T::ENTITY))?;
        Ok(created)
    }

    pub(crate) async fn update<T: Table>(
        &self,
        id: i64,
        input: &T::Input,
        actor: &Actor,
    ) -> StoreResult<T> {
        let mut tx = self.begin_write().await?;
        let after = update_in::<T>(&mut tx, id, input, actor).await?;
        tx.commit()
            .await
            .map_err(|e| StoreError::from_sqlx(e, T::ENTITY))?;
        Ok(after)
    }

    pub(crate) async fn delete<T: Table>(&self, id: i64, actor: &Actor) -> StoreResult<()> {
        let err = |e| StoreError::from_sqlx(e, T::ENTITY);
        let mut tx = self.begin_write().await?;
        let before = one::<T>(&mut tx, id).await?;
        sqlx::query(&format!("DELETE FROM {} WHERE id = $1", T::TABLE))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
        audit::commit(
            tx,
            actor,
            "delete",
            T::ENTITY,
            &id.to_string(),
            Some(&before),
            None::<&T>,
        )
        .await?;
        Ok(())
    }
}

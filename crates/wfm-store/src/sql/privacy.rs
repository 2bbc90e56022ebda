//! Erasure of a person's personal data (GDPR), in one write transaction: the agent keeps
//! its id (statistics stay keyed by it) under a pseudonym; the 1C employee record, norm hours
//! and timesheet go, leaving a tombstone (SHA-256 of the UID) so no later sync brings the
//! person back; the person's audit key is destroyed (their audit fields read `[erased]`,
//! the entries themselves untouched); free text naming them (job reports and errors,
//! integration log errors, status-push event ids) is scrubbed. The erasure is recorded and
//! audited with the categories erased, never the data.

use async_trait::async_trait;
use std::collections::{BTreeSet, HashSet};

use rand::RngCore;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use wfm_core::zup::personnel::full_name;

use super::scrub::{self, Person};
use super::table::Table;
use super::zup::EmployeeRow;
use super::{SqlStore, audit, codec, time};
use crate::error::{StoreError, StoreResult};
use crate::model::{Actor, Agent};
use crate::privacy::{
    DeletionState, ErasedPerson, Erasure, ErasureSource, ErasureSubject, PrivacyDeletion, category,
};
use crate::store::Backend;
use crate::store::Erasures;

/// PostgreSQL advisory lock taken by personnel syncs and erasures, so that a sync that read
/// the agents before an erasure cannot write the person's data back after it.
const PERSONNEL_LOCK: i64 = 730_174;
/// UIDs per `IN` list.
const CHUNK: usize = 500;

fn err(e: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(e, "privacy deletion")
}

/// Serializes personnel writes on PostgreSQL (SQLite's write transactions already are).
pub(crate) async fn lock_personnel(conn: &mut AnyConnection, backend: Backend) -> StoreResult<()> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(PERSONNEL_LOCK)
            .execute(conn)
            .await
            .map_err(err)?;
    }
    Ok(())
}

/// How an erased 1C employee is remembered: the SHA-256 of the UID, as hex.
pub(crate) fn tombstone(uid: &str) -> String {
    hex::encode(Sha256::digest(uid.as_bytes()))
}

/// The tombstones of every erased 1C employee.
pub(crate) async fn tombstones(conn: &mut AnyConnection) -> StoreResult<HashSet<String>> {
    let rows = sqlx::query("SELECT uid_sha256 FROM erased_employees")
        .fetch_all(conn)
        .await
        .map_err(err)?;
    rows.iter()
        .map(|r| r.try_get("uid_sha256"))
        .collect::<Result<_, _>>()
        .map_err(err)
}

fn from_row(r: &AnyRow) -> Result<PrivacyDeletion, sqlx::Error> {
    let decode = |e: String| sqlx::Error::Decode(e.into());
    let source: String = r.try_get("source")?;
    let state: String = r.try_get("state")?;
    let categories: String = r.try_get("categories")?;
    Ok(PrivacyDeletion {
        id: r.try_get("id")?,
        agent_id: r.try_get("agent_id")?,
        pseudonym: r.try_get("pseudonym")?,
        source: ErasureSource::parse(&source)
            .ok_or_else(|| decode(format!("unknown source {source}")))?,
        state: DeletionState::parse(&state)
            .ok_or_else(|| decode(format!("unknown state {state}")))?,
        categories: serde_json::from_str(&categories).map_err(|e| decode(e.to_string()))?,
        requested_by: r.try_get("requested_by")?,
        requested_at: time::from_ms(r.try_get("requested_at")?)?,
        completed_at: time::opt_from_ms(r.try_get("completed_at")?)?,
        error: r.try_get("error")?,
        correlation_id: r.try_get("correlation_id")?,
    })
}

/// The person as stored: the agent and the 1C employee, either of which may be missing.
struct Stored {
    agent: Option<Agent>,
    employee: Option<EmployeeRow>,
    uid: Option<String>,
}

async fn employee_where(
    conn: &mut AnyConnection,
    column: &str,
    value: impl for<'q> FnOnce(super::table::AnyQuery<'q>) -> super::table::AnyQuery<'q>,
) -> StoreResult<Option<EmployeeRow>> {
    let sql = format!("SELECT * FROM zup_employees WHERE {column} = $1");
    value(sqlx::query(&sql))
        .fetch_optional(conn)
        .await
        .map_err(err)?
        .map(|r| EmployeeRow::from_db(&r).map_err(err))
        .transpose()
}

async fn agent(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<Agent>> {
    Ok(Agent::fetch(conn, Some(id))
        .await
        .map_err(err)?
        .into_iter()
        .next())
}

async fn resolve(conn: &mut AnyConnection, subject: &ErasureSubject) -> StoreResult<Stored> {
    match subject {
        ErasureSubject::Agent(id) => {
            let agent = agent(conn, *id).await?.ok_or(StoreError::NotFound {
                entity: "agent",
                id: id.to_string(),
            })?;
            let employee = employee_where(conn, "agent_id", |q| q.bind(*id)).await?;
            let uid = employee.as_ref().map(|e| e.id.clone());
            Ok(Stored {
                agent: Some(agent),
                employee,
                uid,
            })
        }
        ErasureSubject::ZupEmployee(uid) => {
            let uid = uid.trim().to_string();
            if uid.is_empty() {
                return Err(StoreError::InvalidReference {
                    field: "employee_id".into(),
                    entity: "1C employee",
                });
            }
            if tombstones(conn).await?.contains(&tombstone(&uid)) {
                return Err(StoreError::Conflict(
                    "the personal data of this 1C employee was erased already".into(),
                ));
            }
            let key = uid.clone();
            let employee = employee_where(conn, "id", |q| q.bind(key)).await?;
            let agent = match &employee {
                Some(e) => agent(conn, e.agent_id).await?,
                None => None,
            };
            Ok(Stored {
                agent,
                employee,
                uid: Some(uid),
            })
        }
    }
}

/// What identifies the person in text, from everything stored about them.
fn person_of(stored: &Stored) -> Person {
    let mut ids: Vec<String> = Vec::new();
    if let Some(a) = &stored.agent {
        ids.push(a.external_id.clone());
        ids.push(a.full_name.clone());
        ids.extend(a.personnel_number.clone());
    }
    if let Some(e) = &stored.employee {
        ids.push(e.tab_n.clone());
        ids.push(full_name(&e.lastname, &e.firstname, &e.secondname));
        ids.extend(e.login.clone());
        ids.extend(e.sn.clone());
        ids.extend(e.db_id.clone());
    }
    ids.extend(stored.uid.clone());
    Person {
        agent_id: stored.agent.as_ref().map(|a| a.id),
        uid: stored.uid.clone(),
        identifiers: ids,
    }
}

async fn delete(conn: &mut AnyConnection, sql: &str, value: &str) -> StoreResult<u64> {
    Ok(sqlx::query(sql)
        .bind(value)
        .execute(conn)
        .await
        .map_err(err)?
        .rows_affected())
}

fn pseudonym() -> String {
    let mut bytes = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("erased-{}", hex::encode(bytes))
}

/// Whom the erasure erased, for the caller to scrub its memory with.
fn erased_person(stored: &Stored, person: Person, pseudonym: Option<String>) -> ErasedPerson {
    let mut logins: Vec<String> = stored.agent.iter().map(|a| a.external_id.clone()).collect();
    logins.extend(stored.employee.as_ref().and_then(|e| e.login.clone()));
    logins.retain(|l| !l.is_empty());
    logins.dedup();
    ErasedPerson {
        agent_id: person.agent_id,
        uid: person.uid,
        logins,
        identifiers: person.identifiers,
        pseudonym,
    }
}

async fn erase_in(
    conn: &mut AnyConnection,
    backend: Backend,
    subject: &ErasureSubject,
    source: ErasureSource,
    actor: &Actor,
) -> StoreResult<Erasure> {
    lock_personnel(conn, backend).await?;
    let stored = resolve(conn, subject).await?;
    if let Some(a) = &stored.agent {
        let earlier = sqlx::query(
            "SELECT id FROM privacy_deletions WHERE agent_id = $1 AND state = 'completed'",
        )
        .bind(a.id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(err)?;
        if let Some(row) = earlier {
            let id: i64 = row.try_get("id").map_err(err)?;
            return Err(StoreError::Conflict(format!(
                "the personal data of agent {} was erased already (deletion {id})",
                a.id
            )));
        }
    }
    let person = person_of(&stored);
    let now = time::now_ms();
    let mut categories: BTreeSet<&'static str> = BTreeSet::new();
    let pseudonym = stored.agent.as_ref().map(|_| pseudonym());
    if let (Some(a), Some(p)) = (&stored.agent, &pseudonym) {
        sqlx::query(
            "UPDATE agents SET external_id = $1, full_name = $1, personnel_number = NULL, \
             active = 0, updated_at = $2 WHERE id = $3",
        )
        .bind(p)
        .bind(now)
        .bind(a.id)
        .execute(&mut *conn)
        .await
        .map_err(err)?;
        categories.extend([category::NAMES, category::LOGINS]);
        if a.personnel_number.is_some() {
            categories.insert(category::PERSONNEL_NUMBER);
        }
        let shredded = sqlx::query("DELETE FROM person_keys WHERE agent_id = $1")
            .bind(a.id)
            .execute(&mut *conn)
            .await
            .map_err(err)?
            .rows_affected();
        if shredded > 0 {
            categories.insert(category::AUDIT_FIELDS);
        }
        if scrub::events(conn, &a.external_id, p).await? {
            categories.insert(category::FREE_TEXT);
        }
    }
    if let Some(uid) = &stored.uid {
        let employee = delete(conn, "DELETE FROM zup_employees WHERE id = $1", uid).await?;
        if employee > 0 {
            categories.extend([
                category::NAMES,
                category::PERSONNEL_NUMBER,
                category::IDENTIFIERS,
                category::EMPLOYMENT,
            ]);
            if stored.employee.as_ref().is_some_and(|e| e.login.is_some()) {
                categories.insert(category::LOGINS);
            }
        }
        let hours = delete(
            conn,
            "DELETE FROM zup_norm_hours WHERE employee_id = $1",
            uid,
        )
        .await?
            + delete(
                conn,
                "DELETE FROM zup_timesheet WHERE employee_id = $1",
                uid,
            )
            .await?;
        if hours > 0 {
            categories.insert(category::EMPLOYMENT);
        }
        categories.insert(category::IDENTIFIERS);
    }
    if scrub::jobs(conn, &person).await? | scrub::log(conn, &person).await? {
        categories.insert(category::FREE_TEXT);
    }
    let categories: Vec<String> = categories.into_iter().map(String::from).collect();
    let row = sqlx::query(
        "INSERT INTO privacy_deletions (agent_id, pseudonym, source, state, categories, \
         requested_by, requested_at, completed_at, correlation_id) \
         VALUES ($1, $2, $3, 'completed', $4, $5, $6, $6, $7) RETURNING *",
    )
    .bind(stored.agent.as_ref().map(|a| a.id))
    .bind(pseudonym.as_deref())
    .bind(source.as_str())
    .bind(codec::json_text(&json!(categories))?)
    .bind(&actor.name)
    .bind(now)
    .bind(&actor.correlation_id)
    .fetch_one(&mut *conn)
    .await
    .map_err(err)?;
    let deletion = from_row(&row).map_err(err)?;
    if let Some(uid) = &stored.uid {
        sqlx::query(
            "INSERT INTO erased_employees (uid_sha256, deletion_id, erased_at) VALUES ($1, $2, $3) \
             ON CONFLICT (uid_sha256) DO NOTHING",
        )
        .bind(tombstone(uid))
        .bind(deletion.id)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map_err(err)?;
    }
    let after = json!({
        "agent_id": deletion.agent_id,
        "pseudonym": deletion.pseudonym,
        "source": deletion.source,
        "categories": deletion.categories,
    });
    let id = deletion.id.to_string();
    audit::record(
        conn,
        actor,
        "erase",
        "privacy_deletion",
        &id,
        None,
        Some(&after),
    )
    .await?;
    Ok(Erasure {
        deletion,
        person: erased_person(&stored, person, pseudonym),
    })
}

#[async_trait]
impl Erasures for SqlStore {
    /// Erases the subject's personal data in one transaction (see the module), or records
    /// the failed attempt and returns its error.
    async fn erase_person(
        &self,
        subject: &ErasureSubject,
        source: ErasureSource,
        actor: &Actor,
    ) -> StoreResult<Erasure> {
        let mut tx = self.begin_write().await?;
        let outcome = erase_in(&mut tx, self.backend, subject, source, actor).await;
        let outcome = match outcome {
            Ok(erasure) => tx.commit().await.map_err(err).map(|_| erasure),
            Err(e) => {
                let _ = tx.rollback().await;
                Err(e)
            }
        };
        match outcome {
            Ok(erasure) => {
                self.settle_file().await;
                Ok(erasure)
            }
            Err(e @ StoreError::Other { .. }) => {
                self.record_failure(subject, source, actor, &e).await;
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    async fn get_privacy_deletion(&self, id: i64) -> StoreResult<PrivacyDeletion> {
        let mut conn = self.acquire().await?;
        sqlx::query("SELECT * FROM privacy_deletions WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(err)?
            .map(|r| from_row(&r).map_err(err))
            .transpose()?
            .ok_or(StoreError::NotFound {
                entity: "privacy deletion",
                id: id.to_string(),
            })
    }

    /// Which of `ids` (1C UIDs) were erased.
    async fn erased_zup_employees(&self, ids: &[String]) -> StoreResult<Vec<String>> {
        let mut conn = self.acquire().await?;
        let mut erased = Vec::new();
        for chunk in ids.chunks(CHUNK) {
            let hashes: Vec<String> = chunk.iter().map(|id| tombstone(id)).collect();
            let sql = format!(
                "SELECT uid_sha256 FROM erased_employees WHERE uid_sha256 IN ({})",
                codec::list(1, hashes.len())
            );
            let mut query = sqlx::query(&sql);
            for h in &hashes {
                query = query.bind(h);
            }
            let found: HashSet<String> = query
                .fetch_all(&mut *conn)
                .await
                .map_err(err)?
                .iter()
                .map(|r| r.try_get("uid_sha256"))
                .collect::<Result<_, _>>()
                .map_err(err)?;
            erased.extend(
                chunk
                    .iter()
                    .zip(&hashes)
                    .filter(|(_, h)| found.contains(*h))
                    .map(|(id, _)| id.clone()),
            );
        }
        Ok(erased)
    }
}

impl SqlStore {
    /// SQLite: copies the write-ahead log into the database file and truncates it, so the
    /// erased values' old pages do not linger in the log (`secure_delete` zeroes them in the
    /// file). Best effort: a reader holding old pages only delays it to the next checkpoint.
    async fn settle_file(&self) {
        if self.backend == Backend::Sqlite {
            let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await;
        }
    }

    async fn record_failure(
        &self,
        subject: &ErasureSubject,
        source: ErasureSource,
        actor: &Actor,
        error: &StoreError,
    ) {
        let agent_id = match subject {
            ErasureSubject::Agent(id) => Some(*id),
            ErasureSubject::ZupEmployee(_) => None,
        };
        let _ = sqlx::query(
            "INSERT INTO privacy_deletions (agent_id, source, state, categories, requested_by, \
             requested_at, error, correlation_id) VALUES ($1, $2, 'failed', '[]', $3, $4, $5, $6)",
        )
        .bind(agent_id)
        .bind(source.as_str())
        .bind(&actor.name)
        .bind(time::now_ms())
        .bind(error.to_string())
        .bind(&actor.correlation_id)
        .execute(&self.pool)
        .await;
    }
}

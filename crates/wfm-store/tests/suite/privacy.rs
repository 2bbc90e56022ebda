//! Conformance of data protection: audit filters; the audit log append-only (the database
//! refuses updates) with personal fields stored encrypted; erasure (`privacy_erasure`); and
//! the retention purge removing exactly the expired entries.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use sqlx::{AnyPool, Row};
use wfm_store::model::*;
use wfm_store::{Backend, Store};

use super::{actor, audit_of, privacy_erasure, structure};

pub async fn run(store: &Arc<dyn Store>, url: &str) {
    let pool = AnyPool::connect(url).await.unwrap();
    audit_filters(store).await;
    append_only(store, &pool).await;
    privacy_erasure::erasure(store, &pool).await;
    privacy_erasure::notice_of_an_unknown_employee(store).await;
    purge(store, &pool).await;
    pool.close().await;
}

async fn audit_filters(store: &Arc<dyn Store>) {
    let mut input = SiteInput {
        name: "Filtered".into(),
        time_zone: "UTC".into(),
        interval_minutes: 15,
    };
    let created = store.create_site(&input, &actor("c-pf-1")).await.unwrap();
    input.name = "Filtered 2".into();
    store
        .update_site(created.id, &input, &actor("c-pf-1"))
        .await
        .unwrap();
    let of = |action: Option<&str>, from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>| {
        AuditFilter {
            correlation_id: Some("c-pf-1".into()),
            action: action.map(String::from),
            from,
            to,
            limit: 100,
            ..Default::default()
        }
    };
    let all = store.list_audit(&of(None, None, None)).await.unwrap();
    assert_eq!(all.len(), 2);
    let updates = store
        .list_audit(&of(Some("update"), None, None))
        .await
        .unwrap();
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].action, "update");
    let (first, last) = (all[1].at, all[0].at);
    let after_last = last + Duration::milliseconds(1);
    assert_eq!(
        store
            .list_audit(&of(None, Some(first), Some(after_last)))
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        store
            .list_audit(&of(None, Some(after_last), None))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .list_audit(&of(None, None, Some(first)))
            .await
            .unwrap()
            .is_empty(),
        "to is exclusive"
    );
}

/// The text of every row of every table, from the database's own catalog.
pub async fn scan(pool: &AnyPool, backend: Backend, needles: &[&str]) -> Vec<(String, String)> {
    let tables: Vec<String> = match backend {
        Backend::Sqlite => sqlx::query("SELECT name FROM sqlite_master WHERE type = 'table'"),
        Backend::Postgres => sqlx::query(
            "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        ),
    }
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.try_get("name").unwrap())
    .collect();
    assert!(
        tables.iter().any(|t| t == "audit_log") && tables.len() > 25,
        "{tables:?}"
    );
    let mut hits = Vec::new();
    for table in tables {
        let sql = match backend {
            Backend::Postgres => format!("SELECT CAST(t AS TEXT) AS row_text FROM \"{table}\" t"),
            Backend::Sqlite => {
                let columns: Vec<String> = sqlx::query(&format!("PRAGMA table_info(\"{table}\")"))
                    .fetch_all(pool)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| r.try_get("name").unwrap())
                    .collect();
                let parts: Vec<String> = columns
                    .iter()
                    .map(|c| format!("COALESCE(CAST(\"{c}\" AS TEXT), '')"))
                    .collect();
                format!(
                    "SELECT {} AS row_text FROM \"{table}\"",
                    parts.join(" || '|' || ")
                )
            }
        };
        for row in sqlx::query(&sql).fetch_all(pool).await.unwrap() {
            let text: String = row.try_get("row_text").unwrap();
            for n in needles {
                if text.contains(n) {
                    hits.push((table.clone(), n.to_string()));
                }
            }
        }
    }
    hits
}

async fn append_only(store: &Arc<dyn Store>, pool: &AnyPool) {
    let (site, _) = structure(store, "Privacy append-only").await;
    let agent = AgentInput {
        external_id: "plain-login-Kqzv".into(),
        full_name: "Plainname Kqzvx".into(),
        personnel_number: Some("PN-Kqzv".into()),
        site_id: site.id,
        primary_group_id: None,
        active: true,
        skills: Vec::new(),
    };
    let created = store.create_agent(&agent, &actor("c-pa-1")).await.unwrap();
    // Read back as written; stored encrypted: the raw rows hold none of it.
    let logged = &audit_of(store, "c-pa-1").await[0];
    assert_eq!(logged.after, Some(serde_json::to_value(&created).unwrap()));
    let raw: Vec<String> =
        sqlx::query("SELECT after_json FROM audit_log WHERE correlation_id = 'c-pa-1'")
            .fetch_all(pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get("after_json").unwrap())
            .collect();
    assert_eq!(raw.len(), 1);
    for secret in ["plain-login-Kqzv", "Plainname", "PN-Kqzv"] {
        assert!(
            !raw[0].contains(secret),
            "{secret} is in the clear: {}",
            raw[0]
        );
    }
    // The database refuses to change an entry, whoever asks.
    let changed =
        sqlx::query("UPDATE audit_log SET actor = 'forger' WHERE correlation_id = 'c-pa-1'")
            .execute(pool)
            .await;
    assert!(changed.is_err(), "an audit entry was updated");
    assert_eq!(audit_of(store, "c-pa-1").await[0].actor, "user:conformance");
}

/// The purge removes exactly the entries recorded before the cut-off.
async fn purge(store: &Arc<dyn Store>, pool: &AnyPool) {
    store
        .create_site(
            &SiteInput {
                name: "Purge mark".into(),
                time_zone: "UTC".into(),
                interval_minutes: 15,
            },
            &actor("c-pp-1"),
        )
        .await
        .unwrap();
    let cutoff = audit_of(store, "c-pp-1").await[0].at;
    let ids = |sql: &'static str| async move {
        sqlx::query(sql)
            .bind(cutoff.timestamp_millis())
            .fetch_all(pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<i64, _>("id").unwrap())
            .collect::<Vec<i64>>()
    };
    let expired = ids("SELECT id FROM audit_log WHERE at < $1 ORDER BY id").await;
    let kept = ids("SELECT id FROM audit_log WHERE at >= $1 ORDER BY id").await;
    assert!(
        expired.len() > 100 && !kept.is_empty(),
        "{} {}",
        expired.len(),
        kept.len()
    );
    let removed = store.purge_audit(cutoff).await.unwrap();
    assert_eq!(removed, expired.len() as u64);
    assert!(
        ids("SELECT id FROM audit_log WHERE at < $1 ORDER BY id")
            .await
            .is_empty()
    );
    let left = ids("SELECT id FROM audit_log WHERE at >= $1 ORDER BY id").await;
    assert_eq!(left, kept, "every entry from the cut-off on stays");
    assert_eq!(audit_of(store, "c-pp-1").await.len(), 1);
    assert_eq!(
        store.purge_audit(cutoff).await.unwrap(),
        0,
        "nothing more to remove"
    );
}

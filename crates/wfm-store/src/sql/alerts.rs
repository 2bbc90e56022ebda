//! Alerts and their timeline: opening (one open alert per rule and scope, held by a partial
//! unique index), acknowledging, resolving and escalating, each with its timeline entry in
//! the same transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{SqlStore, alert_rules, audit, codec, time};
use crate::alerts::{Alert, AlertEvent, AlertFilter, AlertState, NewAlert};
use crate::error::{StoreError, StoreResult, is_unique_violation};
use crate::model::Actor;
use crate::store::Alerts;

/// The actor of what the service does by itself; its resolutions are not audited.
const SYSTEM: &str = "system";

fn err(e: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(e, "alert")
}

fn not_found(id: i64) -> StoreError {
    StoreError::NotFound {
        entity: "alert",
        id: id.to_string(),
    }
}

/// A transition the alert's state does not allow.
fn refused(id: i64, state: AlertState, rule: &str) -> StoreError {
    StoreError::Conflict(format!("alert {id} is {}: {rule}", state.as_str()))
}

/// A transition lost to a concurrent one between the read and the write.
fn changed(id: i64, rule: &str) -> StoreError {
    StoreError::Conflict(format!("alert {id} changed meanwhile: {rule}"))
}

fn already_open(alert: &NewAlert, open_id: Option<i64>) -> StoreError {
    let which = open_id.map(|id| format!(" ({id})")).unwrap_or_default();
    StoreError::Conflict(format!(
        "rule {} already has an open alert{which} for {}",
        alert.rule_id, alert.scope
    ))
}

fn small(row: &AnyRow, col: &str) -> Result<u32, sqlx::Error> {
    let v: i64 = row.try_get(col)?;
    u32::try_from(v).map_err(|e| sqlx::Error::Decode(format!("{col}: {e}").into()))
}

fn from_row(row: &AnyRow) -> Result<Alert, sqlx::Error> {
    let state: String = row.try_get("state")?;
    Ok(Alert {
        id: row.try_get("id")?,
        rule_id: row.try_get("rule_id")?,
        scope: row.try_get("scope")?,
        group_id: row.try_get("group_id")?,
        severity: row.try_get("severity")?,
        kind: row.try_get("kind")?,
        state: AlertState::parse(&state)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown alert state {state}").into()))?,
        fired_at: time::from_ms(row.try_get("fired_at")?)?,
        value: row.try_get("value")?,
        threshold: row.try_get("threshold")?,
        description: row.try_get("description")?,
        details: codec::json(row, "details")?,
        level: small(row, "level")?,
        acknowledged_at: time::opt_from_ms(row.try_get("acknowledged_at")?)?,
        acknowledged_by: row.try_get("acknowledged_by")?,
        resolved_at: time::opt_from_ms(row.try_get("resolved_at")?)?,
        resolved_by: row.try_get("resolved_by")?,
        updated_at: time::from_ms(row.try_get("updated_at")?)?,
    })
}

fn event_from_row(row: &AnyRow) -> Result<AlertEvent, sqlx::Error> {
    let level: Option<i64> = row.try_get("level")?;
    Ok(AlertEvent {
        at: time::from_ms(row.try_get("at")?)?,
        event: row.try_get("event")?,
        actor: row.try_get("actor")?,
        level: level
            .map(|l| {
                u32::try_from(l).map_err(|e| sqlx::Error::Decode(format!("level: {e}").into()))
            })
            .transpose()?,
        details: codec::json(row, "details")?,
    })
}

async fn fetch(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<Alert>> {
    sqlx::query("SELECT * FROM alerts WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(err)?
        .map(|r| from_row(&r).map_err(err))
        .transpose()
}

async fn exists(conn: &mut AnyConnection, id: i64) -> StoreResult<bool> {
    Ok(sqlx::query("SELECT 1 FROM alerts WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(err)?
        .is_some())
}

/// Appends a timeline entry inside the caller's transaction.
async fn add_event(conn: &mut AnyConnection, alert_id: i64, e: &AlertEvent) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO alert_events (alert_id, at, event, actor, level, details) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(alert_id)
    .bind(e.at.timestamp_millis())
    .bind(&e.event)
    .bind(&e.actor)
    .bind(e.level.map(i64::from))
    .bind(codec::json_text(&e.details)?)
    .execute(conn)
    .await
    .map_err(|e| StoreError::from_sqlx(e, "alert event"))?;
    Ok(())
}

#[async_trait]
impl Alerts for SqlStore {
    /// Opens an alert at level 1 with its `fired` entry. The rule must exist; a second open
    /// alert for the rule and scope is refused here, and by the index when writers race.
    async fn open_alert(&self, a: &NewAlert) -> StoreResult<Alert> {
        let mut tx = self.begin_write().await?;
        let Some(alert) = open_in(&mut tx, a).await? else {
            let open = open_id(&mut tx, a).await?;
            return Err(already_open(a, open));
        };
        tx.commit().await.map_err(err)?;
        Ok(alert)
    }

    /// Opens several alerts in one transaction (a storm of them costs one commit); `None`
    /// where the rule already has an open alert for the scope. When writers race on the
    /// same alert, the batch fails as a whole and the alerts are opened one by one.
    async fn open_alerts(&self, alerts: &[NewAlert]) -> StoreResult<Vec<Option<Alert>>> {
        let mut tx = self.begin_write().await?;
        let mut out = Vec::with_capacity(alerts.len());
        let mut raced = false;
        for a in alerts {
            match open_in(&mut tx, a).await {
                Ok(alert) => out.push(alert),
                Err(StoreError::Conflict(_)) => {
                    raced = true;
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        if !raced {
            tx.commit().await.map_err(err)?;
            return Ok(out);
        }
        drop(tx);
        let mut out = Vec::with_capacity(alerts.len());
        for a in alerts {
            match self.open_alert(a).await {
                Ok(alert) => out.push(Some(alert)),
                Err(StoreError::Conflict(_)) => out.push(None),
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Appends timeline entries of several alerts in one transaction.
    async fn add_alert_events(&self, events: &[(i64, AlertEvent)]) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        for (id, e) in events {
            if !exists(&mut tx, *id).await? {
                return Err(not_found(*id));
            }
            add_event(&mut tx, *id, e).await?;
        }
        tx.commit().await.map_err(err)
    }

    async fn get_alert(&self, id: i64) -> StoreResult<Alert> {
        let mut conn = self.acquire().await?;
        fetch(&mut conn, id).await?.ok_or_else(|| not_found(id))
    }

    /// Alerts matching every given filter: open ones first, then newest fired first.
    async fn list_alerts(&self, f: &AlertFilter) -> StoreResult<Vec<Alert>> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query(
            "SELECT * FROM alerts WHERE ($1 IS NULL OR state = $1) \
             AND ($2 = 0 OR state <> 'resolved') AND ($3 IS NULL OR group_id = $3) \
             AND ($4 IS NULL OR rule_id = $4) AND ($5 IS NULL OR kind = $5) \
             AND ($6 IS NULL OR fired_at >= $6) AND ($7 IS NULL OR fired_at < $7) \
             AND ($8 IS NULL OR id < $8) \
             ORDER BY CASE WHEN state = 'resolved' THEN 1 ELSE 0 END, fired_at DESC, id DESC \
             LIMIT $9",
        )
        .bind(f.state.map(AlertState::as_str))
        .bind(i64::from(f.open_only))
        .bind(f.group_id)
        .bind(f.rule_id)
        .bind(f.kind.as_deref())
        .bind(f.from.map(|t| t.timestamp_millis()))
        .bind(f.to.map(|t| t.timestamp_millis()))
        .bind(f.before_id)
        .bind(i64::from(f.limit.clamp(1, 1000)))
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?;
        rows.iter()
            .map(from_row)
            .collect::<Result<_, _>>()
            .map_err(err)
    }

    /// Firing -> acknowledged by `actor`, with a timeline entry and an audit entry.
    async fn acknowledge_alert(
        &self,
        id: i64,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> StoreResult<Alert> {
        self.step(id, actor, at, &ACKNOWLEDGE).await
    }

    /// Firing or acknowledged -> resolved by `actor` (`system` when the condition cleared),
    /// with a timeline entry; audited when a person or another system resolves it.
    async fn resolve_alert(&self, id: i64, actor: &Actor, at: DateTime<Utc>) -> StoreResult<Alert> {
        self.step(id, actor, at, &RESOLVE).await
    }

    /// Raises an open alert's level to `level` (never lowers it); the `escalated` entry
    /// carries `level` as asked and `details`.
    async fn escalate_alert(
        &self,
        id: i64,
        level: u32,
        at: DateTime<Utc>,
        details: &serde_json::Value,
    ) -> StoreResult<Alert> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "UPDATE alerts SET level = CASE WHEN level < $1 THEN $1 ELSE level END, \
             updated_at = $2 WHERE id = $3 AND state <> 'resolved' RETURNING *",
        )
        .bind(i64::from(level))
        .bind(time::now_ms())
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(err)?;
        let Some(row) = row else {
            return Err(match fetch(&mut tx, id).await? {
                None => not_found(id),
                Some(a) => refused(id, a.state, "only an open alert can be escalated"),
            });
        };
        let after = from_row(&row).map_err(err)?;
        let event = AlertEvent {
            at,
            event: "escalated".into(),
            actor: SYSTEM.into(),
            level: Some(level),
            details: details.clone(),
        };
        add_event(&mut tx, id, &event).await?;
        tx.commit().await.map_err(err)?;
        Ok(after)
    }

    async fn add_alert_event(&self, alert_id: i64, event: &AlertEvent) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        if !exists(&mut tx, alert_id).await? {
            return Err(not_found(alert_id));
        }
        add_event(&mut tx, alert_id, event).await?;
        tx.commit().await.map_err(err)
    }

    /// An alert's timeline by time, entries of the same instant in the order written.
    async fn alert_events(&self, alert_id: i64) -> StoreResult<Vec<AlertEvent>> {
        let mut conn = self.acquire().await?;
        if !exists(&mut conn, alert_id).await? {
            return Err(not_found(alert_id));
        }
        let rows = sqlx::query("SELECT * FROM alert_events WHERE alert_id = $1 ORDER BY at, id")
            .bind(alert_id)
            .fetch_all(&mut *conn)
            .await
            .map_err(err)?;
        rows.iter()
            .map(event_from_row)
            .collect::<Result<_, _>>()
            .map_err(err)
    }
}

/// A person's step in an alert's life: the states it starts from, the update that takes it
/// (binding at, actor, now, id; the state is checked again there, as PostgreSQL does not
/// serialize the read), its timeline entry and audit action.
struct Step {
    from: fn(AlertState) -> bool,
    rule: &'static str,
    update: &'static str,
    event: &'static str,
    action: &'static str,
}

const ACKNOWLEDGE: Step = Step {
    from: |s| s == AlertState::Firing,
    rule: "only a firing alert can be acknowledged",
    update: "UPDATE alerts SET state = 'acknowledged', acknowledged_at = $1, \
             acknowledged_by = $2, updated_at = $3 WHERE id = $4 AND state = 'firing' RETURNING *",
    event: "acknowledged",
    action: "acknowledge",
};

const RESOLVE: Step = Step {
    from: |s| s != AlertState::Resolved,
    rule: "only an open alert can be resolved",
    update: "UPDATE alerts SET state = 'resolved', resolved_at = $1, resolved_by = $2, \
             updated_at = $3 WHERE id = $4 AND state <> 'resolved' RETURNING *",
    event: "resolved",
    action: "resolve",
};

impl SqlStore {
    /// Takes alert `id` through `step` by `actor` at `at`: the timeline entry always, the
    /// audit entry unless the system itself took it (a condition that cleared).
    async fn step(
        &self,
        id: i64,
        actor: &Actor,
        at: DateTime<Utc>,
        step: &Step,
    ) -> StoreResult<Alert> {
        let mut tx = self.begin_write().await?;
        let before = fetch(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
        if !(step.from)(before.state) {
            return Err(refused(id, before.state, step.rule));
        }
        let row = sqlx::query(step.update)
            .bind(at.timestamp_millis())
            .bind(&actor.name)
            .bind(time::now_ms())
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(err)?
            .ok_or_else(|| changed(id, step.rule))?;
        let after = from_row(&row).map_err(err)?;
        let event = AlertEvent {
            at,
            event: step.event.into(),
            actor: actor.name.clone(),
            level: Some(after.level),
            details: json!({}),
        };
        add_event(&mut tx, id, &event).await?;
        if actor.name == SYSTEM {
            tx.commit().await.map_err(err)?;
        } else {
            let entity_id = id.to_string();
            audit::commit(
                tx,
                actor,
                step.action,
                "alert",
                &entity_id,
                Some(&before),
                Some(&after),
            )
            .await?;
        }
        Ok(after)
    }
}

/// The id of the rule's open alert for the scope, if it has one.
async fn open_id(conn: &mut AnyConnection, a: &NewAlert) -> StoreResult<Option<i64>> {
    sqlx::query("SELECT id FROM alerts WHERE rule_id = $1 AND scope = $2 AND state <> 'resolved'")
        .bind(a.rule_id)
        .bind(&a.scope)
        .fetch_optional(&mut *conn)
        .await
        .map_err(err)?
        .map(|r| r.try_get("id"))
        .transpose()
        .map_err(err)
}

/// Opens an alert inside the caller's transaction.
/// `Ok(None)` when the rule already has an open alert for the scope; a Conflict when another
/// writer opened it meanwhile (the unique index refused it).
async fn open_in(tx: &mut AnyConnection, a: &NewAlert) -> StoreResult<Option<Alert>> {
    if !alert_rules::exists(&mut *tx, a.rule_id).await? {
        return Err(StoreError::InvalidReference {
            field: "rule_id".into(),
            entity: "alert rule",
        });
    }
    if open_id(&mut *tx, a).await?.is_some() {
        return Ok(None);
    }
    let row = sqlx::query(
        "INSERT INTO alerts (rule_id, scope, group_id, severity, kind, state, fired_at, value, \
         threshold, description, details, level, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'firing', $6, $7, $8, $9, $10, 1, $11) RETURNING *",
    )
    .bind(a.rule_id)
    .bind(&a.scope)
    .bind(a.group_id)
    .bind(&a.severity)
    .bind(&a.kind)
    .bind(a.fired_at.timestamp_millis())
    .bind(codec::NullableDouble(a.value))
    .bind(codec::NullableDouble(a.threshold))
    .bind(&a.description)
    .bind(codec::json_text(&a.details)?)
    .bind(time::now_ms())
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            already_open(a, None)
        } else {
            err(e)
        }
    })?;
    let alert = from_row(&row).map_err(err)?;
    let fired = AlertEvent {
        at: a.fired_at,
        event: "fired".into(),
        actor: SYSTEM.into(),
        level: Some(1),
        details: json!({"value": a.value, "threshold": a.threshold}),
    };
    add_event(&mut *tx, alert.id, &fired).await?;
    Ok(Some(alert))
}

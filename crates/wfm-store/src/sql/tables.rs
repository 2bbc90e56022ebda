//! The structure (sites, services, groups, agents): how each kind of record maps onto its
//! table, and the `Structure` area of the store over the generic table operations.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use wfm_core::threshold::Thresholds;

use async_trait::async_trait;

use super::SqlStore;
use super::table::{AnyQuery, Reference, Table, fetch_rows};
use super::time::from_ms;
use crate::error::StoreResult;
use crate::model::*;
use crate::store::Structure;

fn small(row: &AnyRow, col: &str) -> Result<u32, sqlx::Error> {
    let v: i64 = row.try_get(col)?;
    u32::try_from(v).map_err(|e| sqlx::Error::Decode(format!("{col}: {e}").into()))
}

fn reference(field: &str, table: &'static str, entity: &'static str, id: i64) -> Reference {
    Reference {
        field: field.into(),
        table,
        entity,
        id,
    }
}

impl Table for Site {
    type Input = SiteInput;
    const ENTITY: &'static str = "site";
    const TABLE: &'static str = "sites";
    const COLUMNS: &'static [&'static str] = &["name", "time_zone", "interval_minutes"];

    fn bind<'q>(i: &'q SiteInput, q: AnyQuery<'q>) -> AnyQuery<'q> {
        q.bind(&i.name)
            .bind(&i.time_zone)
            .bind(i64::from(i.interval_minutes))
    }
    fn references(_: &SiteInput) -> Vec<Reference> {
        Vec::new()
    }
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Site {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            time_zone: row.try_get("time_zone")?,
            interval_minutes: small(row, "interval_minutes")?,
            created_at: from_ms(row.try_get("created_at")?)?,
            updated_at: from_ms(row.try_get("updated_at")?)?,
        })
    }
}

impl Table for Service {
    type Input = ServiceInput;
    const ENTITY: &'static str = "service";
    const TABLE: &'static str = "services";
    const COLUMNS: &'static [&'static str] = &["site_id", "name"];

    fn bind<'q>(i: &'q ServiceInput, q: AnyQuery<'q>) -> AnyQuery<'q> {
        q.bind(i.site_id).bind(&i.name)
    }
    fn references(i: &ServiceInput) -> Vec<Reference> {
        vec![reference("site_id", "sites", "site", i.site_id)]
    }
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Service {
            id: row.try_get("id")?,
            site_id: row.try_get("site_id")?,
            name: row.try_get("name")?,
            created_at: from_ms(row.try_get("created_at")?)?,
            updated_at: from_ms(row.try_get("updated_at")?)?,
        })
    }
}

impl Table for Group {
    type Input = GroupInput;
    const ENTITY: &'static str = "group";
    const TABLE: &'static str = "agent_groups";
    const COLUMNS: &'static [&'static str] = &[
        "service_id",
        "name",
        "external_id",
        "channel",
        "sl_seconds",
        "sl_percent",
        "max_occupancy",
        "short_abandon_seconds",
        "grace_seconds",
        "thresholds",
    ];

    fn bind<'q>(i: &'q GroupInput, q: AnyQuery<'q>) -> AnyQuery<'q> {
        // Thresholds are plain data; serializing them cannot fail.
        let thresholds = serde_json::to_string(&i.thresholds).unwrap_or_default();
        q.bind(i.service_id)
            .bind(&i.name)
            .bind(i.external_id.as_deref())
            .bind(i.channel.as_str())
            .bind(i64::from(i.sl_seconds))
            .bind(i.sl_percent)
            .bind(i.max_occupancy)
            .bind(i64::from(i.short_abandon_seconds))
            .bind(i64::from(i.grace_seconds))
            .bind(thresholds)
    }
    fn references(i: &GroupInput) -> Vec<Reference> {
        vec![reference("service_id", "services", "service", i.service_id)]
    }
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let decode = |e: String| sqlx::Error::Decode(e.into());
        let channel: String = row.try_get("channel")?;
        let thresholds: String = row.try_get("thresholds")?;
        Ok(Group {
            id: row.try_get("id")?,
            service_id: row.try_get("service_id")?,
            name: row.try_get("name")?,
            external_id: row.try_get("external_id")?,
            channel: Channel::parse(&channel)
                .ok_or_else(|| decode(format!("unknown channel {channel}")))?,
            sl_seconds: small(row, "sl_seconds")?,
            sl_percent: row.try_get("sl_percent")?,
            max_occupancy: row.try_get("max_occupancy")?,
            short_abandon_seconds: small(row, "short_abandon_seconds")?,
            grace_seconds: small(row, "grace_seconds")?,
            thresholds: serde_json::from_str::<Thresholds>(&thresholds)
                .map_err(|e| decode(e.to_string()))?,
            created_at: from_ms(row.try_get("created_at")?)?,
            updated_at: from_ms(row.try_get("updated_at")?)?,
        })
    }
}

impl Table for Agent {
    type Input = AgentInput;
    const ENTITY: &'static str = "agent";
    const TABLE: &'static str = "agents";
    const COLUMNS: &'static [&'static str] = &[
        "external_id",
        "full_name",
        "personnel_number",
        "site_id",
        "primary_group_id",
        "active",
    ];

    fn bind<'q>(i: &'q AgentInput, q: AnyQuery<'q>) -> AnyQuery<'q> {
        q.bind(&i.external_id)
            .bind(&i.full_name)
            .bind(i.personnel_number.as_deref())
            .bind(i.site_id)
            .bind(i.primary_group_id)
            // Flags are 0/1 integers: sqlx's Any driver cannot read SQLite booleans.
            .bind(i64::from(i.active))
    }
    fn references(i: &AgentInput) -> Vec<Reference> {
        let mut refs = vec![reference("site_id", "sites", "site", i.site_id)];
        if let Some(g) = i.primary_group_id {
            refs.push(reference("primary_group_id", "agent_groups", "group", g));
        }
        for (n, s) in i.skills.iter().enumerate() {
            let field = format!("skills[{n}].group_id");
            refs.push(reference(&field, "agent_groups", "group", s.group_id));
        }
        refs
    }
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Agent {
            id: row.try_get("id")?,
            external_id: row.try_get("external_id")?,
            full_name: row.try_get("full_name")?,
            personnel_number: row.try_get("personnel_number")?,
            site_id: row.try_get("site_id")?,
            primary_group_id: row.try_get("primary_group_id")?,
            active: row.try_get::<i64, _>("active")? != 0,
            skills: Vec::new(),
            created_at: from_ms(row.try_get("created_at")?)?,
            updated_at: from_ms(row.try_get("updated_at")?)?,
        })
    }

    async fn write_children(
        conn: &mut AnyConnection,
        id: i64,
        input: &AgentInput,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM agent_skills WHERE agent_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        for s in &input.skills {
            sqlx::query(
                "INSERT INTO agent_skills (agent_id, group_id, priority) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(s.group_id)
            .bind(i64::from(s.priority))
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }

    async fn fetch(conn: &mut AnyConnection, id: Option<i64>) -> Result<Vec<Self>, sqlx::Error> {
        let mut agents = fetch_rows(conn, Self::TABLE, id, Self::from_row).await?;
        let rows = sqlx::query(
            "SELECT agent_id, group_id, priority FROM agent_skills \
             WHERE $1 IS NULL OR agent_id = $1 ORDER BY agent_id, priority, group_id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        for row in rows {
            let agent_id: i64 = row.try_get("agent_id")?;
            // Agents come ordered by id, so a binary search finds the owner.
            if let Ok(pos) = agents.binary_search_by_key(&agent_id, |a| a.id) {
                agents[pos].skills.push(Skill {
                    group_id: row.try_get("group_id")?,
                    priority: small(&row, "priority")?,
                });
            }
        }
        Ok(agents)
    }
}

#[async_trait]
impl Structure for SqlStore {
    async fn create_site(&self, input: &SiteInput, actor: &Actor) -> StoreResult<Site> {
        self.create(input, actor).await
    }
    async fn get_site(&self, id: i64) -> StoreResult<Site> {
        self.get(id).await
    }
    async fn list_sites(&self) -> StoreResult<Vec<Site>> {
        self.list().await
    }
    async fn update_site(&self, id: i64, input: &SiteInput, actor: &Actor) -> StoreResult<Site> {
        self.update(id, input, actor).await
    }
    async fn delete_site(&self, id: i64, actor: &Actor) -> StoreResult<()> {
        self.delete::<Site>(id, actor).await
    }

    async fn create_service(&self, input: &ServiceInput, actor: &Actor) -> StoreResult<Service> {
        self.create(input, actor).await
    }
    async fn get_service(&self, id: i64) -> StoreResult<Service> {
        self.get(id).await
    }
    async fn list_services(&self) -> StoreResult<Vec<Service>> {
        self.list().await
    }
    async fn update_service(
        &self,
        id: i64,
        input: &ServiceInput,
        actor: &Actor,
    ) -> StoreResult<Service> {
        self.update(id, input, actor).await
    }
    async fn delete_service(&self, id: i64, actor: &Actor) -> StoreResult<()> {
        self.delete::<Service>(id, actor).await
    }

    async fn create_group(&self, input: &GroupInput, actor: &Actor) -> StoreResult<Group> {
        self.create(input, actor).await
    }
    async fn get_group(&self, id: i64) -> StoreResult<Group> {
        self.get(id).await
    }
    async fn list_groups(&self) -> StoreResult<Vec<Group>> {
        self.list().await
    }
    async fn update_group(&self, id: i64, input: &GroupInput, actor: &Actor) -> StoreResult<Group> {
        self.update(id, input, actor).await
    }
    async fn delete_group(&self, id: i64, actor: &Actor) -> StoreResult<()> {
        self.delete::<Group>(id, actor).await
    }

    async fn create_agent(&self, input: &AgentInput, actor: &Actor) -> StoreResult<Agent> {
        self.create(input, actor).await
    }
    async fn get_agent(&self, id: i64) -> StoreResult<Agent> {
        self.get(id).await
    }
    async fn list_agents(&self) -> StoreResult<Vec<Agent>> {
        self.list().await
    }
    async fn update_agent(&self, id: i64, input: &AgentInput, actor: &Actor) -> StoreResult<Agent> {
        self.update(id, input, actor).await
    }
    async fn delete_agent(&self, id: i64, actor: &Actor) -> StoreResult<()> {
        self.delete::<Agent>(id, actor).await
    }
}

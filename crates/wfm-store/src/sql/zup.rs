//! The 1C ZUP personnel as stored (employees, departments, positions): rows in column form,
//! loaded whole and written in multi-row statements by a personnel sync, and read back.

use async_trait::async_trait;
use std::collections::HashMap;

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use wfm_core::zup::personnel::{Department, Employee, VacationBalance};

use super::table::AnyQuery;
use super::{SqlStore, codec, time};
use crate::error::{StoreError, StoreResult};
use crate::integration::{StoredDepartment, StoredEmployee};
use crate::store::ZupPersonnel;

/// Rows per multi-row statement: at most 22 parameters a row, well under both limits.
const CHUNK: usize = 15;
/// Ids per `IN` list when only the sync time of unchanged rows moves on.
const TOUCH_CHUNK: usize = 500;

pub(crate) fn err(e: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(e, "1C personnel record")
}

/// A `zup_employees` row as stored (dates and vacation as their text), so an unchanged
/// employee compares equal without float or JSON round trips.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EmployeeRow {
    pub id: String,
    pub agent_id: i64,
    pub tab_n: String,
    pub lastname: String,
    pub firstname: String,
    pub secondname: String,
    pub startwork: String,
    pub finishwork: Option<String>,
    pub position_id: String,
    pub position: String,
    pub position_change_date: Option<String>,
    pub department_id: String,
    pub rate: f64,
    pub login: Option<String>,
    pub norm_week: f64,
    pub norm_week_change_date: String,
    pub sn: Option<String>,
    pub db_id: Option<String>,
    pub area: Option<String>,
    pub vacation: String,
    pub active: bool,
}

const EMPLOYEE_COLUMNS: [&str; 22] = [
    "id",
    "agent_id",
    "tab_n",
    "lastname",
    "firstname",
    "secondname",
    "startwork",
    "finishwork",
    "position_id",
    "position",
    "position_change_date",
    "department_id",
    "rate",
    "login",
    "norm_week",
    "norm_week_change_date",
    "sn",
    "db_id",
    "area",
    "vacation",
    "active",
    "synced_at",
];

impl EmployeeRow {
    pub(crate) fn new(e: &Employee, agent_id: i64, active: bool) -> StoreResult<Self> {
        Ok(Self {
            id: e.id.clone(),
            agent_id,
            tab_n: e.tab_n.clone(),
            lastname: e.lastname.clone(),
            firstname: e.firstname.clone(),
            secondname: e.secondname.clone(),
            startwork: codec::date_text(e.startwork),
            finishwork: codec::opt_date_text(e.finishwork),
            position_id: e.position_id.clone(),
            position: e.position.clone(),
            position_change_date: codec::opt_date_text(e.position_change_date),
            department_id: e.department_id.clone(),
            rate: e.rate,
            login: e.login.clone(),
            norm_week: e.norm_week,
            norm_week_change_date: codec::date_text(e.norm_week_change_date),
            sn: e.sn.clone(),
            db_id: e.db_id.clone(),
            area: e.area.clone(),
            vacation: serde_json::to_string(&e.vacation).map_err(StoreError::caused)?,
            active,
        })
    }

    pub(crate) fn from_db(r: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: r.try_get("id")?,
            agent_id: r.try_get("agent_id")?,
            tab_n: r.try_get("tab_n")?,
            lastname: r.try_get("lastname")?,
            firstname: r.try_get("firstname")?,
            secondname: r.try_get("secondname")?,
            startwork: r.try_get("startwork")?,
            finishwork: r.try_get("finishwork")?,
            position_id: r.try_get("position_id")?,
            position: r.try_get("position")?,
            position_change_date: r.try_get("position_change_date")?,
            department_id: r.try_get("department_id")?,
            rate: r.try_get("rate")?,
            login: r.try_get("login")?,
            norm_week: r.try_get("norm_week")?,
            norm_week_change_date: r.try_get("norm_week_change_date")?,
            sn: r.try_get("sn")?,
            db_id: r.try_get("db_id")?,
            area: r.try_get("area")?,
            vacation: r.try_get("vacation")?,
            active: r.try_get::<i64, _>("active")? != 0,
        })
    }

    fn bind<'q>(&'q self, q: AnyQuery<'q>, synced_at: i64) -> AnyQuery<'q> {
        q.bind(&self.id)
            .bind(self.agent_id)
            .bind(&self.tab_n)
            .bind(&self.lastname)
            .bind(&self.firstname)
            .bind(&self.secondname)
            .bind(&self.startwork)
            .bind(self.finishwork.as_deref())
            .bind(&self.position_id)
            .bind(&self.position)
            .bind(self.position_change_date.as_deref())
            .bind(&self.department_id)
            .bind(self.rate)
            .bind(self.login.as_deref())
            .bind(self.norm_week)
            .bind(&self.norm_week_change_date)
            .bind(self.sn.as_deref())
            .bind(self.db_id.as_deref())
            .bind(self.area.as_deref())
            .bind(&self.vacation)
            .bind(i64::from(self.active))
            .bind(synced_at)
    }
}

/// A `zup_departments` row with its links to WFM.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DepartmentRow {
    pub id: String,
    pub name: String,
    pub parent_id: Option<String>,
    pub service_id: Option<i64>,
    pub group_id: Option<i64>,
    pub synced_at: i64,
}

const DEPARTMENT_COLUMNS: [&str; 6] = [
    "id",
    "name",
    "parent_id",
    "service_id",
    "group_id",
    "synced_at",
];

impl DepartmentRow {
    fn from_db(r: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            parent_id: r.try_get("parent_id")?,
            service_id: r.try_get("service_id")?,
            group_id: r.try_get("group_id")?,
            synced_at: r.try_get("synced_at")?,
        })
    }

    /// Whether the stored row says the same, its sync time aside.
    pub(crate) fn same_as(&self, other: &DepartmentRow) -> bool {
        (&self.name, &self.parent_id, self.service_id, self.group_id)
            == (
                &other.name,
                &other.parent_id,
                other.service_id,
                other.group_id,
            )
    }
}

fn upsert_sql(table: &str, columns: &[&str], rows: usize) -> String {
    let updates: Vec<String> = columns[1..]
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO {table} ({}) VALUES {} ON CONFLICT ({}) DO UPDATE SET {}",
        columns.join(", "),
        codec::values(rows, columns.len()),
        columns[0],
        updates.join(", ")
    )
}

pub(crate) async fn load_employees(
    conn: &mut AnyConnection,
) -> StoreResult<HashMap<String, EmployeeRow>> {
    let rows = sqlx::query("SELECT * FROM zup_employees")
        .fetch_all(conn)
        .await
        .map_err(err)?;
    rows.iter()
        .map(|r| EmployeeRow::from_db(r).map(|e| (e.id.clone(), e)))
        .collect::<Result<_, _>>()
        .map_err(err)
}

pub(crate) async fn load_departments(
    conn: &mut AnyConnection,
) -> StoreResult<HashMap<String, DepartmentRow>> {
    let rows = sqlx::query("SELECT * FROM zup_departments")
        .fetch_all(conn)
        .await
        .map_err(err)?;
    rows.iter()
        .map(|r| DepartmentRow::from_db(r).map(|d| (d.id.clone(), d)))
        .collect::<Result<_, _>>()
        .map_err(err)
}

pub(crate) async fn load_positions(
    conn: &mut AnyConnection,
) -> StoreResult<HashMap<String, String>> {
    let rows = sqlx::query("SELECT id, name FROM zup_positions")
        .fetch_all(conn)
        .await
        .map_err(err)?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(err)
}

pub(crate) async fn upsert_employees(
    conn: &mut AnyConnection,
    rows: &[EmployeeRow],
    synced_at: i64,
) -> StoreResult<()> {
    for chunk in rows.chunks(CHUNK) {
        let sql = upsert_sql("zup_employees", &EMPLOYEE_COLUMNS, chunk.len());
        let mut query = sqlx::query(&sql);
        for row in chunk {
            query = row.bind(query, synced_at);
        }
        query.execute(&mut *conn).await.map_err(err)?;
    }
    Ok(())
}

pub(crate) async fn upsert_departments(
    conn: &mut AnyConnection,
    rows: &[DepartmentRow],
) -> StoreResult<()> {
    for chunk in rows.chunks(CHUNK) {
        let sql = upsert_sql("zup_departments", &DEPARTMENT_COLUMNS, chunk.len());
        let mut query = sqlx::query(&sql);
        for d in chunk {
            query = query
                .bind(&d.id)
                .bind(&d.name)
                .bind(d.parent_id.as_deref())
                .bind(d.service_id)
                .bind(d.group_id)
                .bind(d.synced_at);
        }
        query.execute(&mut *conn).await.map_err(err)?;
    }
    Ok(())
}

pub(crate) async fn upsert_positions(
    conn: &mut AnyConnection,
    rows: &[(&str, &str)],
) -> StoreResult<()> {
    for chunk in rows.chunks(CHUNK) {
        let sql = upsert_sql("zup_positions", &["id", "name"], chunk.len());
        let mut query = sqlx::query(&sql);
        for (id, name) in chunk {
            query = query.bind(*id).bind(*name);
        }
        query.execute(&mut *conn).await.map_err(err)?;
    }
    Ok(())
}

/// Moves the sync time of rows the sync saw but did not change.
pub(crate) async fn touch(
    conn: &mut AnyConnection,
    table: &str,
    ids: &[&str],
    synced_at: i64,
) -> StoreResult<()> {
    for chunk in ids.chunks(TOUCH_CHUNK) {
        let sql = format!(
            "UPDATE {table} SET synced_at = $1 WHERE id IN ({})",
            codec::list(2, chunk.len())
        );
        let mut query = sqlx::query(&sql).bind(synced_at);
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(&mut *conn).await.map_err(err)?;
    }
    Ok(())
}

fn stored_employee(r: &AnyRow) -> Result<StoredEmployee, sqlx::Error> {
    let vacation: String = r.try_get("vacation")?;
    let vacation: Vec<VacationBalance> = serde_json::from_str(&vacation)
        .map_err(|e| sqlx::Error::Decode(format!("vacation: {e}").into()))?;
    Ok(StoredEmployee {
        employee: Employee {
            id: r.try_get("id")?,
            tab_n: r.try_get("tab_n")?,
            lastname: r.try_get("lastname")?,
            firstname: r.try_get("firstname")?,
            secondname: r.try_get("secondname")?,
            startwork: codec::date(r, "startwork")?,
            finishwork: codec::opt_date(r, "finishwork")?,
            position_id: r.try_get("position_id")?,
            position: r.try_get("position")?,
            position_change_date: codec::opt_date(r, "position_change_date")?,
            department_id: r.try_get("department_id")?,
            rate: r.try_get("rate")?,
            login: r.try_get("login")?,
            norm_week: r.try_get("norm_week")?,
            norm_week_change_date: codec::date(r, "norm_week_change_date")?,
            sn: r.try_get("sn")?,
            db_id: r.try_get("db_id")?,
            area: r.try_get("area")?,
            vacation,
        },
        agent_id: r.try_get("agent_id")?,
        active: r.try_get::<i64, _>("active")? != 0,
        synced_at: time::from_ms(r.try_get("synced_at")?)?,
    })
}

#[async_trait]
impl ZupPersonnel for SqlStore {
    /// Every stored 1C employee, by id.
    async fn zup_employees(&self) -> StoreResult<Vec<StoredEmployee>> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query("SELECT * FROM zup_employees ORDER BY id")
            .fetch_all(&mut *conn)
            .await
            .map_err(err)?;
        rows.iter()
            .map(stored_employee)
            .collect::<Result<_, _>>()
            .map_err(err)
    }

    /// Every stored 1C department, by id.
    async fn zup_departments(&self) -> StoreResult<Vec<StoredDepartment>> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query("SELECT * FROM zup_departments ORDER BY id")
            .fetch_all(&mut *conn)
            .await
            .map_err(err)?;
        rows.iter()
            .map(|r| -> Result<StoredDepartment, sqlx::Error> {
                let d = DepartmentRow::from_db(r)?;
                Ok(StoredDepartment {
                    department: Department {
                        id: d.id,
                        name: d.name,
                        parent_id: d.parent_id,
                    },
                    service_id: d.service_id,
                    group_id: d.group_id,
                    synced_at: time::from_ms(d.synced_at)?,
                })
            })
            .collect::<Result<_, _>>()
            .map_err(err)
    }
}

//! 1C ZUP personnel as wfm-pulse holds it: departments (a two-level hierarchy) and employees
//! with their position, rate, weekly norm and vacation balances. Plain data, checked once at
//! the edge where the 1C answer is read.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A 1C department; top-level departments have no parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Department {
    /// 1C's UID of the department (`departmentId`).
    pub id: String,
    pub name: String,
    /// 1C's UID of the superior department (`parentDepartmentId`), if any.
    pub parent_id: Option<String>,
}

/// Vacation days accumulated by an entitlement accrual date (`AR_vacation`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct VacationBalance {
    pub date: NaiveDate,
    pub days: f64,
}

/// A 1C employee, as the `agents` method gives it, in 1C's own terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Employee {
    /// 1C's UID of the employee (`agentId`).
    pub id: String,
    /// Personnel number (`tabN`).
    pub tab_n: String,
    pub lastname: String,
    pub firstname: String,
    pub secondname: String,
    pub startwork: NaiveDate,
    /// Termination date; the employee is deactivated the day after.
    pub finishwork: Option<NaiveDate>,
    pub position_id: String,
    pub position: String,
    pub position_change_date: Option<NaiveDate>,
    pub department_id: String,
    /// Share of a full position.
    pub rate: f64,
    /// The contact-center login (`Login`), when 1C carries it.
    pub login: Option<String>,
    /// Weekly norm in hours and the date it took effect.
    pub norm_week: f64,
    pub norm_week_change_date: NaiveDate,
    pub sn: Option<String>,
    pub db_id: Option<String>,
    /// The site the employee works from (`area`).
    pub area: Option<String>,
    pub vacation: Vec<VacationBalance>,
}

impl Employee {
    /// The full name as WFM shows it: last name, first name, patronymic.
    pub fn full_name(&self) -> String {
        full_name(&self.lastname, &self.firstname, &self.secondname)
    }

    /// Whether the employee is active on `day`: hired by then, and not terminated before it
    /// (deactivation happens the day after the termination date).
    pub fn active_on(&self, day: NaiveDate) -> bool {
        self.startwork <= day && self.finishwork.is_none_or(|f| day <= f)
    }
}

/// Joins the name parts 1C keeps apart, skipping empty ones.
pub fn full_name(lastname: &str, firstname: &str, secondname: &str) -> String {
    [lastname, firstname, secondname]
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_join_and_activity_ends_the_day_after_termination() {
        assert_eq!(
            full_name("Zubkov", "Savely", "Petrovich"),
            "Zubkov Savely Petrovich"
        );
        assert_eq!(full_name(" Smith ", "John", ""), "Smith John");
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let e = Employee {
            id: "a".into(),
            tab_n: "1".into(),
            lastname: "L".into(),
            firstname: "F".into(),
            secondname: "S".into(),
            startwork: d(3, 1),
            finishwork: Some(d(3, 31)),
            position_id: "p".into(),
            position: "Operator".into(),
            position_change_date: None,
            department_id: "dep".into(),
            rate: 1.0,
            login: None,
            norm_week: 40.0,
            norm_week_change_date: d(3, 1),
            sn: None,
            db_id: None,
            area: None,
            vacation: Vec::new(),
        };
        assert!(!e.active_on(d(2, 28)));
        assert!(e.active_on(d(3, 1)));
        assert!(e.active_on(d(3, 31)));
        assert!(!e.active_on(d(4, 1)));
    }
}

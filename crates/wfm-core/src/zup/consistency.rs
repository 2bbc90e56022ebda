//! Field-by-field consistency of WFM's personnel against 1C ZUP's: which employees one side
//! lacks and which of their compared fields differ, for the data-integrity check.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::personnel::Employee;

/// The fields compared, as WFM holds them for one 1C employee.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PersonnelRecord {
    /// 1C's UID of the employee (`agentId`), the key both sides share.
    pub employee_id: String,
    pub tab_n: String,
    pub full_name: String,
    /// The department's name.
    pub department: String,
    pub position: String,
    pub startwork: NaiveDate,
}

/// One difference between the two sides.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Discrepancy {
    pub employee_id: String,
    /// "tabN", "full_name", "department", "position", "startwork", or "record" when one side lacks the employee
    pub field: &'static str,
    /// WFM's value as held (the full name for "record"); None when WFM lacks the employee.
    pub wfm: Option<String>,
    /// 1C's value as held (the full name for "record"); None when 1C lacks the employee.
    pub zup: Option<String>,
}

impl PersonnelRecord {
    /// The record of a 1C employee, with its department's name.
    pub fn of(employee: &Employee, department_name: &str) -> Self {
        PersonnelRecord {
            employee_id: employee.id.clone(),
            tab_n: employee.tab_n.clone(),
            full_name: employee.full_name(),
            department: department_name.to_string(),
            position: employee.position.clone(),
            startwork: employee.startwork,
        }
    }
}

/// Every difference between the two sides, by employee id then field order above; names compared after trimming and collapsing inner whitespace.
///
/// The personnel number and the id are compared exactly. When one side lists an id twice,
/// its first record counts.
pub fn compare(wfm: &[PersonnelRecord], zup: &[PersonnelRecord]) -> Vec<Discrepancy> {
    let wfm = by_id(wfm);
    let zup = by_id(zup);
    let ids: BTreeSet<&str> = wfm.keys().chain(zup.keys()).copied().collect();
    let mut out = Vec::new();
    for id in ids {
        let discrepancy = |field, wfm: Option<String>, zup: Option<String>| Discrepancy {
            employee_id: id.to_string(),
            field,
            wfm,
            zup,
        };
        let (w, z) = match (wfm.get(id), zup.get(id)) {
            (Some(w), Some(z)) => (*w, *z),
            (w, z) => {
                let name = |r: Option<&&PersonnelRecord>| r.map(|r| r.full_name.clone());
                out.push(discrepancy("record", name(w), name(z)));
                continue;
            }
        };
        let fields: [(&'static str, &str, &str, bool); 4] = [
            ("tabN", &w.tab_n, &z.tab_n, false),
            ("full_name", &w.full_name, &z.full_name, true),
            ("department", &w.department, &z.department, true),
            ("position", &w.position, &z.position, true),
        ];
        for (field, wv, zv, is_name) in fields {
            let same = if is_name {
                normalized(wv) == normalized(zv)
            } else {
                wv == zv
            };
            if !same {
                out.push(discrepancy(
                    field,
                    Some(wv.to_string()),
                    Some(zv.to_string()),
                ));
            }
        }
        if w.startwork != z.startwork {
            let date = |d: NaiveDate| Some(d.format("%Y-%m-%d").to_string());
            out.push(discrepancy(
                "startwork",
                date(w.startwork),
                date(z.startwork),
            ));
        }
    }
    out
}

fn by_id(records: &[PersonnelRecord]) -> BTreeMap<&str, &PersonnelRecord> {
    let mut map = BTreeMap::new();
    for r in records {
        map.entry(r.employee_id.as_str()).or_insert(r);
    }
    map
}

/// A name with its ends trimmed and inner runs of whitespace made one space.
fn normalized(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn record(id: &str, name: &str) -> PersonnelRecord {
        PersonnelRecord {
            employee_id: id.into(),
            tab_n: format!("{id}-16"),
            full_name: name.into(),
            department: "Customer service group No. 3".into(),
            position: "Senior Professional".into(),
            startwork: d(2016, 9, 1),
        }
    }

    fn diff(id: &str, field: &'static str, wfm: Option<&str>, zup: Option<&str>) -> Discrepancy {
        Discrepancy {
            employee_id: id.into(),
            field,
            wfm: wfm.map(String::from),
            zup: zup.map(String::from),
        }
    }

    #[test]
    fn equal_sides_and_whitespace_in_names_agree() {
        let zup = [record("a", "Shastny Nikita Alekseevich")];
        let mut w = zup[0].clone();
        w.full_name = "  Shastny   Nikita\tAlekseevich ".into();
        w.department = "Customer service  group No. 3".into();
        assert_eq!(compare(&[w], &zup), []);
        assert_eq!(compare(&[], &[]), []);
    }

    #[test]
    fn every_field_and_missing_record_is_named_in_order() {
        let mut changed = record("b", "Levine Alina Vitalievna");
        changed.tab_n = "224-16 ".into();
        changed.full_name = "Levina Alina Vitalievna".into();
        changed.department = "Service department".into();
        changed.position = "Leading specialist".into();
        changed.startwork = d(2016, 9, 2);
        let wfm = [
            changed,
            record("c", "Only In Wfm"),
            record("a", "Same Person"),
        ];
        let zup = [record("d", "Only In Zup"), record("a", "Same Person"), {
            let mut b = record("b", "Levine Alina Vitalievna");
            b.tab_n = "224-16".into();
            b
        }];
        assert_eq!(
            compare(&wfm, &zup),
            [
                diff("b", "tabN", Some("224-16 "), Some("224-16")),
                diff(
                    "b",
                    "full_name",
                    Some("Levina Alina Vitalievna"),
                    Some("Levine Alina Vitalievna")
                ),
                diff(
                    "b",
                    "department",
                    Some("Service department"),
                    Some("Customer service group No. 3")
                ),
                diff(
                    "b",
                    "position",
                    Some("Leading specialist"),
                    Some("Senior Professional")
                ),
                diff("b", "startwork", Some("2016-09-02"), Some("2016-09-01")),
                diff("c", "record", Some("Only In Wfm"), None),
                diff("d", "record", None, Some("Only In Zup")),
            ]
        );
    }

    #[test]
    fn a_1c_employee_becomes_a_record() {
        let e = Employee {
            id: "162a53e3".into(),
            tab_n: "223-16".into(),
            lastname: "Shastny".into(),
            firstname: "Nikita".into(),
            secondname: "Alekseevich".into(),
            startwork: d(2016, 9, 1),
            finishwork: None,
            position_id: "79bc9e60".into(),
            position: "Senior Professional".into(),
            position_change_date: None,
            department_id: "b306e82b".into(),
            rate: 1.0,
            login: None,
            norm_week: 40.0,
            norm_week_change_date: d(2016, 9, 1),
            sn: None,
            db_id: None,
            area: None,
            vacation: Vec::new(),
        };
        let r = PersonnelRecord::of(&e, "Customer service group No. 3");
        assert_eq!(
            r,
            PersonnelRecord {
                employee_id: "162a53e3".into(),
                tab_n: "223-16".into(),
                full_name: "Shastny Nikita Alekseevich".into(),
                department: "Customer service group No. 3".into(),
                position: "Senior Professional".into(),
                startwork: d(2016, 9, 1),
            }
        );
        // Duplicates: the first record of an id counts.
        let mut again = r.clone();
        again.position = "Operator".into();
        assert_eq!(compare(&[r.clone(), again], &[r]), []);
    }
}

//! The simulator's generated organization: a two-level department tree, positions, and
//! employees with Russian names, personnel numbers, 1C-style UIDs, rates, weekly norms, sites
//! and vacation usage. Seeded: one seed on one day always gives one organization. Or, with a
//! [`Roster`], the departments and people a deployment already has, the rest generated.

use chrono::{Datelike, Days, Months, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use wfm_core::zup::personnel::{Department, Employee};

/// A 1C position (`positionId`, `position`).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Position {
    pub id: String,
    pub name: String,
}

/// An employee and what 1C knows besides the `agents` fields.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Staff {
    /// Without vacation balances: those are computed per request.
    pub employee: Employee,
    /// Vacation days taken, by the day the vacation started.
    pub vacation_used: Vec<(NaiveDate, f64)>,
    /// The employee asked for their personal data to be erased: `agents` says so with the
    /// WFM extension `deletionRequested`.
    pub deletion_requested: bool,
}

/// An organization given rather than generated: the departments and people a WFM deployment
/// already has (the demo's), as 1C holds them. 1C's UIDs, positions, rates, weekly norms, hire
/// dates, vacations, areas, SN and Db_ID are still generated from the seed; everyone on the
/// roster works (hired long ago, none terminated), and what 1C says about them other than the
/// vacation balances is the same on every day, so syncs on later days find nothing changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Roster {
    /// Parents before their children; top-level ones (no parent) become WFM services, the
    /// ones below them groups.
    pub departments: Vec<RosterDepartment>,
    pub employees: Vec<RosterEmployee>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RosterDepartment {
    pub name: String,
    /// The parent department's name; None for a top-level department.
    pub parent: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RosterEmployee {
    /// The personnel number (`tabN`).
    pub tab_n: String,
    pub login: Option<String>,
    pub lastname: String,
    pub firstname: String,
    pub secondname: String,
    /// The name of the employee's department (the first department below the top when no
    /// department has that name).
    pub department: String,
}

/// Roster employees were hired 60 days to 10 years before this day (or before today, if it
/// comes first): hire dates that do not move from one day to the next.
const ROSTER_HIRED_BY: NaiveDate = match NaiveDate::from_ymd_opt(2025, 1, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

pub(super) struct Organization {
    pub departments: Vec<Department>,
    pub positions: Vec<Position>,
    pub staff: Vec<Staff>,
}

const MALE_LASTNAMES: [&str; 30] = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Зубков",
];
const MALE_FIRSTNAMES: [&str; 18] = [
    "Александр",
    "Дмитрий",
    "Максим",
    "Сергей",
    "Андрей",
    "Алексей",
    "Артём",
    "Илья",
    "Кирилл",
    "Михаил",
    "Никита",
    "Матвей",
    "Роман",
    "Егор",
    "Иван",
    "Савелий",
    "Павел",
    "Денис",
];
const FEMALE_FIRSTNAMES: [&str; 16] = [
    "Анна",
    "Мария",
    "Елена",
    "Ольга",
    "Наталья",
    "Екатерина",
    "Татьяна",
    "Алина",
    "Ирина",
    "Светлана",
    "Юлия",
    "Дарья",
    "Полина",
    "Виктория",
    "Ксения",
    "Анастасия",
];
/// Patronymics, male and female, from one father's name.
const PATRONYMICS: [(&str, &str); 12] = [
    ("Иванович", "Ивановна"),
    ("Петрович", "Петровна"),
    ("Сергеевич", "Сергеевна"),
    ("Алексеевич", "Алексеевна"),
    ("Андреевич", "Андреевна"),
    ("Дмитриевич", "Дмитриевна"),
    ("Николаевич", "Николаевна"),
    ("Владимирович", "Владимировна"),
    ("Михайлович", "Михайловна"),
    ("Витальевич", "Витальевна"),
    ("Олегович", "Олеговна"),
    ("Юрьевич", "Юрьевна"),
];
/// Positions with their share of the staff in percent.
const POSITIONS: [(&str, u32); 6] = [
    ("Оператор", 70),
    ("Старший оператор", 12),
    ("Ведущий специалист", 8),
    ("Супервизор", 5),
    ("Специалист по контролю качества", 3),
    ("Тренер", 2),
];
const AREAS: [&str; 5] = ["Москва", "Екатеринбург", "Казань", "Новосибирск", "Самара"];

/// A UID in 1C's 8-4-4-4-12 hexadecimal form.
pub(super) fn uid(rng: &mut StdRng) -> String {
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        rng.r#gen::<u32>(),
        rng.r#gen::<u16>(),
        rng.r#gen::<u16>(),
        rng.r#gen::<u16>(),
        rng.r#gen::<u64>() & 0xffff_ffff_ffff
    )
}

fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list.get(rng.gen_range(0..list.len().max(1)))
        .copied()
        .unwrap_or_default()
}

/// Last name, first name and patronymic of a woman or a man.
pub(super) fn name(rng: &mut StdRng) -> (String, String, String) {
    let female = rng.gen_bool(0.6);
    let last = pick(rng, &MALE_LASTNAMES);
    let (male_patronymic, female_patronymic) = PATRONYMICS[rng.gen_range(0..PATRONYMICS.len())];
    if female {
        (
            format!("{last}а"),
            pick(rng, &FEMALE_FIRSTNAMES).to_string(),
            female_patronymic.to_string(),
        )
    } else {
        (
            last.to_string(),
            pick(rng, &MALE_FIRSTNAMES).to_string(),
            male_patronymic.to_string(),
        )
    }
}

fn days_before(day: NaiveDate, n: u64) -> NaiveDate {
    day.checked_sub_days(Days::new(n)).unwrap_or(day)
}

fn digits(rng: &mut StdRng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
        .collect()
}

/// `departments` departments: a few top-level ones, the rest their groups, round robin.
fn departments(rng: &mut StdRng, count: usize) -> Vec<Department> {
    let count = count.max(1);
    let top = count.div_ceil(5).clamp(1, 5);
    let mut out: Vec<Department> = (1..=top)
        .map(|i| Department {
            id: uid(rng),
            name: format!("Отдел обслуживания клиентов №{i}"),
            parent_id: None,
        })
        .collect();
    for j in 1..=count - top {
        let parent = &out[(j - 1) % top];
        let name = format!("{}: группа обслуживания клиентов №{j}", parent.name);
        let parent_id = Some(parent.id.clone());
        out.push(Department {
            id: uid(rng),
            name,
            parent_id,
        });
    }
    out
}

/// The roster's departments, with generated UIDs; a parent is looked up among those before.
fn roster_departments(rng: &mut StdRng, given: &[RosterDepartment]) -> Vec<Department> {
    let mut out: Vec<Department> = Vec::with_capacity(given.len());
    for d in given {
        let parent_id = d
            .parent
            .as_ref()
            .and_then(|p| out.iter().find(|o| &o.name == p))
            .map(|o| o.id.clone());
        out.push(Department {
            id: uid(rng),
            name: d.name.clone(),
            parent_id,
        });
    }
    out
}

/// A position by the staff's shares.
fn position_of<'a>(rng: &mut StdRng, positions: &'a [Position]) -> &'a Position {
    let mut roll = rng.gen_range(0..100u32);
    let mut chosen = &positions[0];
    for (p, (_, share)) in positions.iter().zip(POSITIONS) {
        if roll < share {
            chosen = p;
            break;
        }
        roll -= share;
    }
    chosen
}

fn rate_of(rng: &mut StdRng) -> f64 {
    match rng.gen_range(0..100) {
        0..75 => 1.0,
        75..90 => 0.5,
        _ => 0.75,
    }
}

fn norm_week_of(rng: &mut StdRng) -> f64 {
    match rng.gen_range(0..100) {
        0..75 => 40.0,
        75..90 => 36.0,
        _ => 30.0,
    }
}

/// One roster employee, from a generator of its own (seeded from the organization's), so
/// that its UID, position, rate, norm and hire date do not depend on the day; its vacations,
/// which do, are drawn last.
fn roster_staff(
    rng: &mut StdRng,
    given: &RosterEmployee,
    department: &Department,
    positions: &[Position],
    today: NaiveDate,
) -> Staff {
    let mut rng = StdRng::seed_from_u64(rng.r#gen());
    let id = uid(&mut rng);
    let position = position_of(&mut rng, positions);
    let rate = rate_of(&mut rng);
    let norm_week = norm_week_of(&mut rng);
    let startwork = days_before(ROSTER_HIRED_BY.min(today), rng.gen_range(60..=3650));
    let area = rng
        .gen_bool(0.9)
        .then(|| pick(&mut rng, &AREAS).to_string());
    let sn = rng.gen_bool(0.5).then(|| digits(&mut rng, 11));
    let db_id = rng.gen_bool(0.3).then(|| digits(&mut rng, 12));
    let vacation_used = vacation_usage(&mut rng, startwork, today);
    Staff {
        employee: Employee {
            id,
            tab_n: given.tab_n.clone(),
            lastname: given.lastname.clone(),
            firstname: given.firstname.clone(),
            secondname: given.secondname.clone(),
            startwork,
            finishwork: None,
            position_id: position.id.clone(),
            position: position.name.clone(),
            position_change_date: Some(startwork),
            department_id: department.id.clone(),
            rate,
            login: given.login.clone().filter(|l| !l.trim().is_empty()),
            norm_week,
            norm_week_change_date: startwork,
            sn,
            db_id,
            area,
            vacation: Vec::new(),
        },
        vacation_used,
        deletion_requested: false,
    }
}

/// One employee's vacations: 14 days in each completed working year, sometimes 7 more.
fn vacation_usage(rng: &mut StdRng, start: NaiveDate, until: NaiveDate) -> Vec<(NaiveDate, f64)> {
    let mut used = Vec::new();
    for year in 1..=40u32 {
        let Some(anniversary) = start.checked_add_months(Months::new(12 * year)) else {
            break;
        };
        if anniversary > until {
            break;
        }
        used.push((days_before(anniversary, rng.gen_range(20..=150)), 14.0));
        if rng.gen_bool(0.5) {
            used.push((days_before(anniversary, rng.gen_range(170..=300)), 7.0));
        }
    }
    used.sort_by_key(|(day, _)| *day);
    used
}

/// The organization of `seed` as of `today`: the roster's people and departments, if given
/// (`employees` and `departments_wanted` are then ignored), else generated ones.
pub(super) fn generate(
    rng: &mut StdRng,
    employees: usize,
    departments_wanted: usize,
    roster: Option<&Roster>,
    today: NaiveDate,
) -> Organization {
    let departments = match roster {
        Some(r) if !r.departments.is_empty() => roster_departments(rng, &r.departments),
        _ => departments(rng, departments_wanted),
    };
    let positions: Vec<Position> = POSITIONS
        .iter()
        .map(|(name, _)| Position {
            id: uid(rng),
            name: name.to_string(),
        })
        .collect();
    let groups: Vec<&Department> = {
        let children: Vec<&Department> = departments
            .iter()
            .filter(|d| d.parent_id.is_some())
            .collect();
        if children.is_empty() {
            departments.iter().collect()
        } else {
            children
        }
    };
    if let Some(roster) = roster {
        let staff = roster
            .employees
            .iter()
            .map(|given| {
                let department = departments
                    .iter()
                    .find(|d| d.name == given.department)
                    .unwrap_or(groups[0]);
                roster_staff(rng, given, department, &positions, today)
            })
            .collect();
        return Organization {
            departments,
            positions,
            staff,
        };
    }
    let month_start = today.with_day(1).unwrap_or(today);
    let mut staff = Vec::with_capacity(employees);
    for i in 1..=employees {
        let (lastname, firstname, secondname) = name(rng);
        let position = position_of(rng, &positions);
        let department = groups[rng.gen_range(0..groups.len())];
        let rate = rate_of(rng);
        let norm_week = norm_week_of(rng);
        let hired_this_month = rng.gen_range(0..100) < 6;
        let startwork = if hired_this_month {
            month_start
                .checked_add_days(Days::new(rng.gen_range(0..u64::from(today.day()))))
                .unwrap_or(today)
        } else {
            days_before(today, rng.gen_range(60..=3650))
        };
        let finishwork = if hired_this_month {
            None
        } else {
            match rng.gen_range(0..100) {
                // Within the last month: still delivered, so WFM learns the date.
                0..5 => Some(days_before(today, rng.gen_range(1..=27))),
                // More than a month ago: no longer delivered.
                5..10 => {
                    let latest = days_before(today, 40);
                    let earliest = days_before(today, 400).max(startwork);
                    (earliest <= latest).then(|| {
                        let span = (latest - earliest).num_days().max(0) as u64;
                        days_before(latest, rng.gen_range(0..=span))
                    })
                }
                _ => None,
            }
        };
        let login = rng.gen_bool(0.9).then(|| format!("op-{i:04}"));
        let area = rng.gen_bool(0.9).then(|| pick(rng, &AREAS).to_string());
        let sn = rng.gen_bool(0.5).then(|| digits(rng, 11));
        let db_id = rng.gen_bool(0.3).then(|| digits(rng, 12));
        let worked_until = finishwork.unwrap_or(today).min(today);
        let vacation_used = vacation_usage(rng, startwork, worked_until);
        staff.push(Staff {
            employee: Employee {
                id: uid(rng),
                tab_n: format!("10-{i:04}"),
                lastname,
                firstname,
                secondname,
                startwork,
                finishwork,
                position_id: position.id.clone(),
                position: position.name.clone(),
                position_change_date: Some(startwork),
                department_id: department.id.clone(),
                rate,
                login,
                norm_week,
                norm_week_change_date: startwork,
                sn,
                db_id,
                area,
                vacation: Vec::new(),
            },
            vacation_used,
            deletion_requested: false,
        });
    }
    Organization {
        departments,
        positions,
        staff,
    }
}

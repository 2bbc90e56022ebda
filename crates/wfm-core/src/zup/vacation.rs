//! Vacation entitlement accrual and balances as 1C ZUP 3.1.7 and later compute them for the
//! `agents` method: one accrual date per calendar month from the start of the working year,
//! placed by how much of the start month was worked (the half-month rule of USSR NKT
//! decree No. 169, p. 35), and balances = days accrued - days used.

use chrono::{Datelike, Months, NaiveDate};

use super::personnel::VacationBalance;

/// Entitlement accrual dates from the start of the working year (the hire date) up to and including `until`: one per calendar month.
///
/// If half the start month or more is worked, each month's date is the end of the previous
/// working month plus half that calendar month (rounded up), capped at the month's end; the
/// start month has its own date. Otherwise the date falls in each following month when the
/// start month's days plus that month's days reach 15 (16 for a working year starting on
/// the 17th of a 31-day month).
pub fn accrual_dates(working_year_start: NaiveDate, until: NaiveDate) -> Vec<NaiveDate> {
    let start = working_year_start;
    let start_len = days_in_month(start);
    let worked = start_len - start.day() + 1;
    // "Half a month or more": compare doubled to keep odd-length months exact.
    let half_or_more = 2 * worked >= start_len;
    let need: u32 = if start.day() == 17 && start_len == 31 {
        16
    } else {
        15
    };
    let mut out = Vec::new();
    let Some(mut month) = start.with_day(1) else {
        return out;
    };
    if !half_or_more {
        match month.checked_add_months(Months::new(1)) {
            Some(next) => month = next,
            None => return out,
        }
    }
    loop {
        let date = if half_or_more {
            half_month_date(month, start.day())
        } else {
            // worked < 16 here, so the day is 1..=15 and exists in every month.
            month.with_day(need.saturating_sub(worked).max(1))
        };
        match date {
            Some(d) if d <= until => out.push(d),
            _ => break,
        }
        match month.checked_add_months(Months::new(1)) {
            Some(next) => month = next,
            None => break,
        }
    }
    out
}

/// Balances (`AR_vacation`) on each accrual date in [from, to]: days accrued by that date (annual_days / 12 per accrual date) minus days used on or before it, rounded to 5 decimals.
pub fn balances(
    working_year_start: NaiveDate,
    annual_days: f64,
    used: &[(NaiveDate, f64)],
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<VacationBalance> {
    let monthly = annual_days / 12.0;
    accrual_dates(working_year_start, to)
        .into_iter()
        .enumerate()
        .filter(|(_, date)| *date >= from)
        .map(|(index, date)| {
            let accrued = monthly * (index + 1) as f64;
            let spent: f64 = used
                .iter()
                .filter(|(day, _)| *day <= date)
                .map(|(_, days)| days)
                .sum();
            VacationBalance {
                date,
                days: ((accrued - spent) * 100_000.0).round() / 100_000.0,
            }
        })
        .collect()
}

/// The accrual date in the calendar month starting `month` for a working year starting on
/// day `start_day`: the end of the previous working month plus half the month, at most the
/// month's last day.
fn half_month_date(month: NaiveDate, start_day: u32) -> Option<NaiveDate> {
    let len = days_in_month(month);
    let last = month.with_day(len)?;
    let previous_end = match start_day.saturating_sub(1).min(len) {
        0 => month.pred_opt()?,
        day => month.with_day(day)?,
    };
    let date = previous_end.checked_add_days(chrono::Days::new(u64::from(len.div_ceil(2))))?;
    Some(date.min(last))
}

fn days_in_month(date: NaiveDate) -> u32 {
    u32::from(date.num_days_in_month())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn half_a_month_or_more_worked_in_the_start_month() {
        // 15.02.17: 14 of 28 days worked.
        assert_eq!(
            accrual_dates(d(2017, 2, 15), d(2017, 4, 30)),
            [d(2017, 2, 28), d(2017, 3, 30), d(2017, 4, 29)]
        );
        // 16.01.17 (16 of 31 days): February's 15.02 + 14 days would be 01.03, capped at 28.02.
        assert_eq!(
            accrual_dates(d(2017, 1, 16), d(2017, 3, 31)),
            [d(2017, 1, 31), d(2017, 2, 28), d(2017, 3, 31)]
        );
        // Hired on the 1st: the previous working month ends on the last day of the month before.
        assert_eq!(
            accrual_dates(d(2017, 3, 1), d(2017, 5, 31)),
            [d(2017, 3, 16), d(2017, 4, 15), d(2017, 5, 16)]
        );
    }

    #[test]
    fn less_than_half_a_month_worked_in_the_start_month() {
        // 20.02.17: 9 days in February, 6 more in each following month.
        assert_eq!(
            accrual_dates(d(2017, 2, 20), d(2017, 5, 31)),
            [d(2017, 3, 6), d(2017, 4, 6), d(2017, 5, 6)]
        );
        // 17.01.17, the 17th of a 31-day month: 15 days in January, 16 needed.
        assert_eq!(
            accrual_dates(d(2017, 1, 17), d(2017, 4, 30)),
            [d(2017, 2, 1), d(2017, 3, 1), d(2017, 4, 1)]
        );
        // The 17th of a 30-day month: 14 days worked, 15 needed.
        assert_eq!(
            accrual_dates(d(2017, 4, 17), d(2017, 6, 1)),
            [d(2017, 5, 1), d(2017, 6, 1)]
        );
    }

    #[test]
    fn accrual_stops_at_until_and_crosses_years() {
        assert_eq!(accrual_dates(d(2017, 2, 20), d(2017, 3, 5)), []);
        assert_eq!(
            accrual_dates(d(2017, 2, 20), d(2017, 3, 6)),
            [d(2017, 3, 6)]
        );
        assert_eq!(accrual_dates(d(2017, 2, 20), d(2016, 1, 1)), []);
        let dates = accrual_dates(d(2017, 2, 15), d(2019, 2, 28));
        assert_eq!(dates.len(), 25);
        assert_eq!(dates[12], d(2018, 2, 28));
        assert!(dates.windows(2).all(|w| w[0].month() != w[1].month()));
    }

    #[test]
    fn balances_accrue_28_days_a_year_less_usage() {
        let start = d(2017, 2, 15);
        let used = [(d(2017, 4, 10), 5.0), (d(2017, 7, 1), 1.0)];
        let got = balances(start, 28.0, &used, d(2017, 3, 1), d(2017, 6, 30));
        assert_eq!(
            got,
            [
                VacationBalance {
                    date: d(2017, 3, 30),
                    days: 4.66667
                },
                VacationBalance {
                    date: d(2017, 4, 29),
                    days: 2.0
                },
                VacationBalance {
                    date: d(2017, 5, 30),
                    days: 4.33333
                },
                VacationBalance {
                    date: d(2017, 6, 29),
                    days: 6.66667
                },
            ]
        );
        // The first accrual alone: 28 / 12.
        assert_eq!(
            balances(start, 28.0, &[], d(2017, 2, 1), d(2017, 2, 28)),
            [VacationBalance {
                date: d(2017, 2, 28),
                days: 2.33333
            }]
        );
        // Usage on the accrual date itself counts.
        assert_eq!(
            balances(
                start,
                28.0,
                &[(d(2017, 2, 28), 3.0)],
                d(2017, 2, 1),
                d(2017, 2, 28)
            )[0]
            .days,
            -0.66667
        );
        assert_eq!(balances(start, 28.0, &[], d(2017, 7, 1), d(2017, 6, 1)), []);
    }
}

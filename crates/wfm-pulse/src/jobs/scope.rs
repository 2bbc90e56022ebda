//! What a sync job covers, checked when it is triggered and completed with defaults, so the
//! job record shows exactly what will run.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wfm_store::integration::JobKind;
use wfm_store::model::FieldError;

/// A job's scope; which fields apply depends on the kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// First day (inclusive): vacation balances (personnel), norm hours, schedules, timesheet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// Last day (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
    /// WFM agent ids; empty means every active synced employee (not for personnel_sync,
    /// which always reads the whole organization).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agent_ids: Vec<i64>,
    /// Norm hours: `month`, `quarter` or `year`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Actual work time: the shift date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// Actual work time: the responsible person named in 1C's documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiator_name: Option<String>,
}

fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn month_end(d: NaiveDate) -> NaiveDate {
    month_start(d)
        .checked_add_months(Months::new(1))
        .and_then(|n| n.pred_opt())
        .unwrap_or(d)
}

impl Scope {
    /// The scope with the kind's defaults filled in, or every field that does not fit the
    /// kind (named `scope.<field>`). `today` is the organization's local day; `who` names
    /// the initiator in 1C's documents when the scope does not.
    pub fn complete(
        mut self,
        kind: JobKind,
        today: NaiveDate,
        who: &str,
    ) -> Result<Scope, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut not_for = |present: bool, field: &str| {
            if present {
                errors.push(FieldError::new(
                    format!("scope.{field}"),
                    format!("does not apply to {}", kind.as_str()),
                ));
            }
        };
        let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
        let year_end = NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today);
        let (from, to) = match kind {
            JobKind::PersonnelSync => {
                not_for(!self.agent_ids.is_empty(), "agent_ids");
                (
                    today,
                    today.checked_add_days(Days::new(364)).unwrap_or(today),
                )
            }
            JobKind::NormHours => (year_start, year_end),
            JobKind::ScheduleUpload => (month_start(today), month_end(today)),
            JobKind::TimetypeFetch => (month_start(today), today),
            JobKind::FactWorktimeUpload => {
                not_for(self.from.is_some(), "from");
                not_for(self.to.is_some(), "to");
                (today, today)
            }
        };
        if kind != JobKind::NormHours {
            not_for(self.mode.is_some(), "mode");
        }
        if kind != JobKind::FactWorktimeUpload {
            not_for(self.date.is_some(), "date");
            not_for(self.initiator_name.is_some(), "initiator_name");
        }
        if kind == JobKind::FactWorktimeUpload {
            self.date = Some(
                self.date
                    .unwrap_or_else(|| today.pred_opt().unwrap_or(today)),
            );
            let name = self
                .initiator_name
                .take()
                .unwrap_or_else(|| who.to_string());
            if name.trim().is_empty() || name.chars().count() > 200 {
                errors.push(FieldError::new(
                    "scope.initiator_name",
                    "must be 1-200 characters",
                ));
            }
            self.initiator_name = Some(name);
        } else {
            self.from = Some(self.from.unwrap_or(from));
            self.to = Some(self.to.unwrap_or(to));
        }
        if kind == JobKind::NormHours {
            let mode = self.mode.take().unwrap_or_else(|| "month".into());
            if !matches!(mode.as_str(), "month" | "quarter" | "year") {
                errors.push(FieldError::new(
                    "scope.mode",
                    "must be month, quarter or year",
                ));
            }
            self.mode = Some(mode);
        }
        if let (Some(f), Some(t)) = (self.from, self.to) {
            if t < f {
                errors.push(FieldError::new("scope.to", "must not be before scope.from"));
            } else if (t - f).num_days() > 731 {
                errors.push(FieldError::new(
                    "scope.to",
                    "the period may cover at most two years",
                ));
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, id) in self.agent_ids.iter().enumerate() {
            if !seen.insert(*id) {
                errors.push(FieldError::new(
                    format!("scope.agent_ids[{i}]"),
                    "is listed twice",
                ));
            }
        }
        if self.agent_ids.len() > 100_000 {
            errors.push(FieldError::new(
                "scope.agent_ids",
                "may list at most 100000 agents",
            ));
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }

    /// The period, once completed.
    pub fn period(&self) -> (NaiveDate, NaiveDate) {
        let d = self.date.unwrap_or_default();
        (self.from.unwrap_or(d), self.to.unwrap_or(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn defaults_per_kind() {
        let today = d(2026, 12, 1);
        let s = |k| Scope::default().complete(k, today, "user:ann").unwrap();
        assert_eq!(s(JobKind::PersonnelSync).period(), (today, d(2027, 11, 30)));
        let norm = s(JobKind::NormHours);
        assert_eq!(
            (norm.period(), norm.mode.as_deref()),
            ((d(2026, 1, 1), d(2026, 12, 31)), Some("month"))
        );
        assert_eq!(
            s(JobKind::ScheduleUpload).period(),
            (d(2026, 12, 1), d(2026, 12, 31))
        );
        assert_eq!(s(JobKind::TimetypeFetch).period(), (d(2026, 12, 1), today));
        let fact = s(JobKind::FactWorktimeUpload);
        assert_eq!(
            (fact.date, fact.initiator_name.as_deref()),
            (Some(d(2026, 11, 30)), Some("user:ann"))
        );
    }

    #[test]
    fn misfits_are_named() {
        let scope = Scope {
            from: Some(d(2026, 5, 1)),
            to: Some(d(2026, 4, 1)),
            agent_ids: vec![3, 3],
            mode: Some("week".into()),
            date: Some(d(2026, 1, 1)),
            ..Scope::default()
        };
        let fields: Vec<String> = scope
            .complete(JobKind::NormHours, d(2026, 12, 1), "x")
            .unwrap_err()
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(
            fields,
            ["scope.date", "scope.mode", "scope.to", "scope.agent_ids[1]"]
        );
        let personnel = Scope {
            agent_ids: vec![1],
            ..Scope::default()
        };
        assert_eq!(
            personnel
                .complete(JobKind::PersonnelSync, d(2026, 12, 1), "x")
                .unwrap_err()[0]
                .field,
            "scope.agent_ids"
        );
    }
}

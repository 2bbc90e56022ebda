//! Who hears of an alert, and how: an escalation level's recipients (teams, users, direct
//! addresses) turned into delivery targets, honouring each person's channels, minimum
//! severity and quiet hours. Pure: preferences and the time are inputs.

use chrono::{DateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use wfm_core::alerting::rule::{Channel, EscalationLevel, Severity};
use wfm_store::alerts::NotificationPrefs;

use crate::notify::Target;

/// A person's preferences, by token subject.
pub type People<'a> = &'a [(String, NotificationPrefs)];

/// The targets of one level for an alert of `severity` at `now`, without repeats. In-app is
/// not a target: every alert is on the live stream.
pub fn targets(
    level: &EscalationLevel,
    severity: Severity,
    people: People,
    now: DateTime<Utc>,
) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    let mut add = |t: Target| {
        if !out.contains(&t) {
            out.push(t);
        }
    };
    let allows = |c: Channel| level.channels.contains(&c);
    for recipient in &level.recipients {
        let Some((kind, rest)) = recipient.split_once(':') else {
            continue;
        };
        match kind {
            "email" if allows(Channel::Email) => add(Target::Email(rest.into())),
            "sms" if allows(Channel::Sms) => add(Target::Sms(rest.into())),
            "webhook" if allows(Channel::Webhook) => add(Target::Webhook(rest.into())),
            "user" | "team" => {
                let chosen = people.iter().filter(|(user, p)| {
                    if kind == "user" {
                        user == rest
                    } else {
                        p.teams.iter().any(|t| t == rest)
                    }
                });
                for (_, prefs) in chosen {
                    for t in personal(prefs, level, severity, now) {
                        add(t);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// One person's targets: the channels both they and the level use, if the alert is severe
/// enough for them; e-mail and SMS wait out quiet hours unless the alert is critical.
fn personal(
    prefs: &NotificationPrefs,
    level: &EscalationLevel,
    severity: Severity,
    now: DateTime<Utc>,
) -> Vec<Target> {
    let min = Severity::parse(&prefs.min_severity).unwrap_or(Severity::Info);
    if severity < min {
        return Vec::new();
    }
    let quiet = severity < Severity::Critical && in_quiet_hours(prefs, now);
    let wants = |c: Channel, name: &str| {
        level.channels.contains(&c) && prefs.channels.iter().any(|p| p == name) && !quiet
    };
    let mut out = Vec::new();
    if wants(Channel::Email, "email") {
        out.extend(prefs.email.clone().map(Target::Email));
    }
    if wants(Channel::Sms, "sms") {
        out.extend(prefs.phone.clone().map(Target::Sms));
    }
    out
}

/// Whether `now` falls in the person's quiet hours (local, possibly across midnight).
pub fn in_quiet_hours(prefs: &NotificationPrefs, now: DateTime<Utc>) -> bool {
    let Some(q) = &prefs.quiet_hours else {
        return false;
    };
    let (Ok(from), Ok(to)) = (
        NaiveTime::parse_from_str(&q.from, "%H:%M"),
        NaiveTime::parse_from_str(&q.to, "%H:%M"),
    ) else {
        return false;
    };
    let tz: Tz = prefs.time_zone.parse().unwrap_or(chrono_tz::Europe::Moscow);
    let t = now.with_timezone(&tz).time();
    if from <= to {
        from <= t && t < to
    } else {
        t >= from || t < to
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wfm_store::alerts::QuietHours;

    fn prefs(channels: &[&str], min: &str, teams: &[&str]) -> NotificationPrefs {
        NotificationPrefs {
            channels: channels.iter().map(|c| c.to_string()).collect(),
            min_severity: min.into(),
            quiet_hours: None,
            email: Some("ann@example.ru".into()),
            phone: Some("+79001234567".into()),
            time_zone: "Europe/Moscow".into(),
            teams: teams.iter().map(|t| t.to_string()).collect(),
        }
    }

    fn level(recipients: &[&str], channels: &[Channel]) -> EscalationLevel {
        EscalationLevel {
            level: 1,
            after_minutes: 0,
            recipients: recipients.iter().map(|r| r.to_string()).collect(),
            channels: channels.to_vec(),
        }
    }

    #[test]
    fn teams_users_and_addresses_become_targets_once() {
        let people = vec![
            (
                "ann".to_string(),
                prefs(&["email", "sms"], "warning", &["supervisors"]),
            ),
            (
                "bob".to_string(),
                prefs(&["in_app"], "info", &["supervisors"]),
            ),
        ];
        let now = "2026-12-01T09:00:00Z".parse().unwrap();
        let l = level(
            &[
                "team:supervisors",
                "user:ann",
                "email:ops@example.ru",
                "webhook:https://hook",
            ],
            &[Channel::Email, Channel::Webhook],
        );
        assert_eq!(
            targets(&l, Severity::Critical, &people, now),
            vec![
                Target::Email("ann@example.ru".into()),
                Target::Email("ops@example.ru".into()),
                Target::Webhook("https://hook".into()),
            ]
        );
        // Below Ann's minimum severity: only the direct addresses.
        assert_eq!(targets(&l, Severity::Info, &people, now).len(), 2);
    }

    #[test]
    fn quiet_hours_hold_back_all_but_critical_alerts() {
        let mut p = prefs(&["email", "sms"], "info", &[]);
        p.quiet_hours = Some(QuietHours {
            from: "22:00".into(),
            to: "07:00".into(),
        });
        let people = vec![("ann".to_string(), p.clone())];
        let l = level(&["user:ann"], &[Channel::Email, Channel::Sms]);
        // 23:30 in Moscow.
        let night = "2026-12-01T20:30:00Z".parse().unwrap();
        assert!(in_quiet_hours(&p, night));
        assert!(targets(&l, Severity::Warning, &people, night).is_empty());
        assert_eq!(targets(&l, Severity::Critical, &people, night).len(), 2);
        let day = "2026-12-01T09:00:00Z".parse().unwrap();
        assert!(!in_quiet_hours(&p, day));
        assert_eq!(targets(&l, Severity::Warning, &people, day).len(), 2);
    }
}

//! Alerting at run time: at every published snapshot the evaluator reads the rules' figures
//! (and, once a minute, their predictions; and the integration components' health), and
//! what changes is made durable and announced:
//! alerts opened, escalated up the ladder, resolved; notifications to each level's people;
//! every alert and its timeline in the store, every change on the live stream.

pub mod message;
mod predictive;
pub mod routing;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::json;
use tokio::sync::{Mutex, broadcast, watch};
use wfm_core::alerting::evaluator::{
    AlertScope, Change, Evaluator, Observation, OpenAlert, observe, observe_components,
};
use wfm_core::alerting::rule::{RuleDefinition, Severity, Trigger};
use wfm_core::live::Figures;
use wfm_store::alerts::{Alert, AlertEvent, AlertFilter, AlertState, NewAlert};
use wfm_store::model::Actor;
use wfm_store::{Store, StoreError, StoreResult};

use crate::health::{Health, HealthReport};
use crate::live::Live;
use crate::notify::Notifier;

/// What the evaluator works with between snapshots.
struct State {
    evaluator: Evaluator,
    rules: Vec<(i64, RuleDefinition)>,
    /// The store id of each open alert, by rule and scope.
    open: BTreeMap<(i64, AlertScope), i64>,
    predictions: predictive::Predictions,
}

/// Alerting: rules, the evaluator, and the way out to people.
pub struct Alerting {
    store: Arc<dyn Store>,
    live: Arc<Live>,
    notifier: Arc<Notifier>,
    state: Mutex<State>,
    notices: broadcast::Sender<Alert>,
    /// Integration health, whose components' figures rules may watch.
    health: std::sync::OnceLock<Arc<Health>>,
}

impl Alerting {
    /// Loads the rules and takes up the alerts left open by the last run.
    pub async fn start(
        store: Arc<dyn Store>,
        live: Arc<Live>,
        notifier: Arc<Notifier>,
    ) -> StoreResult<Arc<Self>> {
        let mut evaluator = Evaluator::new();
        let mut open = BTreeMap::new();
        let mut cursor = None;
        loop {
            let page = store
                .list_alerts(&AlertFilter {
                    open_only: true,
                    before_id: cursor,
                    limit: 1000,
                    ..AlertFilter::default()
                })
                .await?;
            for a in &page {
                if let Some(scope) = AlertScope::parse(&a.scope) {
                    evaluator.restore(
                        a.rule_id,
                        scope,
                        OpenAlert {
                            fired_at: a.fired_at,
                            acknowledged: a.state == AlertState::Acknowledged,
                            level: a.level,
                        },
                    );
                    open.insert((a.rule_id, scope), a.id);
                }
            }
            match page.last() {
                Some(last) if page.len() == 1000 => cursor = Some(last.id),
                _ => break,
            }
        }
        let alerting = Arc::new(Alerting {
            store,
            live,
            notifier,
            state: Mutex::new(State {
                evaluator,
                rules: Vec::new(),
                open,
                predictions: predictive::Predictions::default(),
            }),
            notices: broadcast::channel(1024).0,
            health: std::sync::OnceLock::new(),
        });
        alerting.reload_rules().await?;
        Ok(alerting)
    }

    /// Lets rules watch the integration components of `health` (set once, at start).
    pub fn watch_health(&self, health: Arc<Health>) {
        let _ = self.health.set(health);
    }

    /// Alerts as they change (fired, escalated, acknowledged, resolved), for the stream.
    pub fn notices(&self) -> broadcast::Receiver<Alert> {
        self.notices.subscribe()
    }

    /// Takes up the stored rules (after a change through the API).
    pub async fn reload_rules(&self) -> StoreResult<()> {
        let mut rules = Vec::new();
        for r in self.store.list_rules().await? {
            match serde_json::from_value::<RuleDefinition>(r.definition.clone()) {
                Ok(mut d) => {
                    d.enabled = r.enabled;
                    rules.push((r.id, d));
                }
                Err(e) => tracing::error!(rule = r.id, error = %e, "stored alert rule unreadable"),
            }
        }
        self.state.lock().await.rules = rules;
        Ok(())
    }

    /// Evaluates the current snapshot at `now` and carries out what changes.
    pub async fn evaluate(&self, now: DateTime<Utc>) -> StoreResult<usize> {
        let published = self.live.snapshot();
        let realtime = &published.realtime;
        let groups: Vec<(i64, &Figures)> = realtime
            .groups
            .iter()
            .map(|g| (g.group_id, &g.figures))
            .collect();
        let sites: Vec<(i64, &Figures)> =
            realtime.sites.iter().map(|s| (s.site_id, &s.all)).collect();
        let mut state = self.state.lock().await;
        if state.predictions.due(now) {
            let centers = self.live.centers().await?;
            let rules = state.rules.clone();
            state.predictions.refresh(&rules, &centers, &groups, now);
            state.predictions.persist(&*self.store, &groups, now).await;
        }
        let refs: Vec<(i64, &RuleDefinition)> =
            state.rules.iter().map(|(id, r)| (*id, r)).collect();
        let mut observations: Vec<Observation> = observe(&refs, &groups, &sites);
        observations.extend(state.predictions.observations());
        let health: Option<Arc<HealthReport>> = self.health.get().and_then(|h| h.latest());
        if let Some(report) = &health {
            observations.extend(observe_components(&refs, &report.signals()));
        }
        let refs: Vec<(i64, RuleDefinition)> = state.rules.clone();
        let refs: Vec<(i64, &RuleDefinition)> = refs.iter().map(|(id, r)| (*id, r)).collect();
        let changes = state.evaluator.step(&refs, &observations, now);
        let count = changes.len();
        if count > 0 {
            let people = self.store.all_notification_prefs().await?;
            let names = |scope: AlertScope| -> String {
                match scope {
                    AlertScope::Group(id) => realtime
                        .groups
                        .iter()
                        .find(|g| g.group_id == id)
                        .map_or_else(|| format!("group {id}"), |g| g.name.clone()),
                    AlertScope::Site(id) => format!("site {id}"),
                    AlertScope::Component(c) => c.name().to_string(),
                }
            };
            let figures = |scope: AlertScope| -> Option<&Figures> {
                match scope {
                    AlertScope::Group(id) => groups.iter().find(|(g, _)| *g == id).map(|(_, f)| *f),
                    AlertScope::Site(id) => sites.iter().find(|(s, _)| *s == id).map(|(_, f)| *f),
                    AlertScope::Component(_) => None,
                }
            };
            // Alerts that fire are opened together: a storm costs one commit, not one each.
            let mut fired: Vec<(i64, AlertScope)> = Vec::new();
            let mut new = Vec::new();
            for change in &changes {
                let Change::Fire {
                    rule_id,
                    scope,
                    at,
                    value,
                    threshold,
                } = *change
                else {
                    continue;
                };
                let Some((_, rule)) = refs.iter().find(|(id, _)| *id == rule_id) else {
                    continue;
                };
                let name = names(scope);
                fired.push((rule_id, scope));
                new.push(NewAlert {
                    rule_id,
                    scope: scope.key(),
                    group_id: scope.group_id(),
                    severity: rule.severity.as_str().into(),
                    kind: match rule.trigger {
                        Trigger::Threshold { .. } => "threshold".into(),
                        Trigger::Predictive { .. } => "predictive".into(),
                    },
                    fired_at: at,
                    value: Some(value),
                    threshold: Some(threshold),
                    description: message::description(rule, &name, value),
                    details: {
                        let mut d = message::details(rule, scope, &name, value, figures(scope), at);
                        // A component's alert says what is wrong with it, and why.
                        if let (AlertScope::Component(c), Some(report)) = (scope, &health) {
                            d["problems"] = json!(
                                report
                                    .components
                                    .iter()
                                    .find(|v| v.health.component == c)
                                    .map(|v| v.health.problems.clone())
                                    .unwrap_or_default()
                            );
                        }
                        d
                    },
                });
            }
            let mut opened: BTreeMap<i64, Alert> = BTreeMap::new();
            if !new.is_empty() {
                // `None`: another instance opened it first.
                for (key, alert) in fired.into_iter().zip(self.store.open_alerts(&new).await?) {
                    if let Some(alert) = alert {
                        state.open.insert(key, alert.id);
                        let _ = self.notices.send(alert.clone());
                        opened.insert(alert.id, alert);
                    }
                }
            }
            let mut timeline: Vec<(i64, AlertEvent)> = Vec::new();
            for change in changes {
                let result = match change {
                    Change::Fire { .. } => Ok(()),
                    Change::Escalate {
                        rule_id,
                        scope,
                        level,
                        at,
                    } => {
                        let Some(id) = state.open.get(&(rule_id, scope)).copied() else {
                            continue;
                        };
                        let Some((_, rule)) = refs.iter().find(|(r, _)| *r == rule_id) else {
                            continue;
                        };
                        self.escalate(id, opened.get(&id), rule, level, at, &people, &mut timeline)
                            .await
                    }
                    Change::Resolve {
                        rule_id,
                        scope,
                        at,
                        value,
                    } => {
                        let Some(id) = state.open.remove(&(rule_id, scope)) else {
                            continue;
                        };
                        let actor = Actor::system(format!("alert-{id}"));
                        match self.store.resolve_alert(id, &actor, at).await {
                            Ok(alert) => {
                                timeline.push((
                                    id,
                                    AlertEvent {
                                        at,
                                        event: "value".into(),
                                        actor: "system".into(),
                                        level: None,
                                        details: json!({"value": value, "cleared": true}),
                                    },
                                ));
                                let _ = self.notices.send(alert);
                                Ok(())
                            }
                            Err(StoreError::Conflict(_)) => Ok(()),
                            Err(e) => Err(e),
                        }
                    }
                };
                if let Err(e) = result {
                    tracing::error!(error = %e, "alert change not recorded");
                }
            }
            if !timeline.is_empty() {
                self.store.add_alert_events(&timeline).await?;
            }
        }
        Ok(count)
    }

    /// Notifies `level`'s recipients (levels above 1 are escalations); the timeline entries
    /// of the notifications go to `timeline`, written with the others of the evaluation.
    #[allow(clippy::too_many_arguments)]
    async fn escalate(
        &self,
        id: i64,
        just_opened: Option<&Alert>,
        rule: &RuleDefinition,
        level: u32,
        at: DateTime<Utc>,
        people: &[(String, wfm_store::alerts::NotificationPrefs)],
        timeline: &mut Vec<(i64, AlertEvent)>,
    ) -> StoreResult<()> {
        let Some(rung) = rule.escalation.iter().find(|l| l.level == level) else {
            return Ok(());
        };
        let (alert, events) = match just_opened {
            // Level 1 of an alert opened in this evaluation: nothing more to read.
            Some(a) if level <= 1 => (a.clone(), Vec::new()),
            _ => {
                let alert = if level > 1 {
                    self.store
                        .escalate_alert(
                            id,
                            level,
                            at,
                            &json!({"recipients": rung.recipients, "channels": rung.channels}),
                        )
                        .await?
                } else {
                    self.store.get_alert(id).await?
                };
                (alert, self.store.alert_events(id).await?)
            }
        };
        let note = message::notification(&alert, level, &events);
        let severity = Severity::parse(&alert.severity).unwrap_or(Severity::Critical);
        for target in routing::targets(rung, severity, people, at) {
            let delivery = self.notifier.send(target.clone(), note.clone()).await;
            timeline.push((id, AlertEvent {
                at,
                event: "notified".into(),
                actor: "system".into(),
                level: Some(level),
                details: json!({"channel": target.channel(), "recipient": target.recipient(), "delivery_id": delivery}),
            }));
        }
        if level > 1 {
            let _ = self.notices.send(alert);
        }
        Ok(())
    }

    /// A person acknowledges an alert: escalation stops.
    pub async fn acknowledge(&self, id: i64, actor: &Actor) -> StoreResult<Alert> {
        let alert = self.store.acknowledge_alert(id, actor, Utc::now()).await?;
        if let Some(scope) = AlertScope::parse(&alert.scope) {
            self.state
                .lock()
                .await
                .evaluator
                .acknowledge(alert.rule_id, scope);
        }
        let _ = self.notices.send(alert.clone());
        Ok(alert)
    }

    /// A person resolves an alert; it fires again only after the figure has cleared.
    pub async fn resolve(&self, id: i64, actor: &Actor) -> StoreResult<Alert> {
        let alert = self.store.resolve_alert(id, actor, Utc::now()).await?;
        if let Some(scope) = AlertScope::parse(&alert.scope) {
            let mut state = self.state.lock().await;
            state.evaluator.resolve(alert.rule_id, scope);
            state.open.remove(&(alert.rule_id, scope));
        }
        let _ = self.notices.send(alert.clone());
        Ok(alert)
    }

    /// Evaluates at every publication (at least every second) until `stop`.
    pub async fn run(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        let mut version = self.live.subscribe();
        while !*stop.borrow() {
            if let Err(e) = self.evaluate(Utc::now()).await {
                tracing::error!(error = %e, "alert evaluation failed");
            }
            tokio::select! {
                _ = version.changed() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = stop.changed() => {}
            }
        }
    }
}

//! The published snapshot: every site's figures at one instant, with group names, as
//! readers get it (pre-serialized, with its ETag), plus the operator and interval views.

use std::collections::BTreeMap;

use axum::body::Bytes;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use wfm_core::event::GroupId;
use wfm_core::freshness::{DataSource, Freshness};
use wfm_core::live::{Figures, IntervalFigures, OperatorStatus};
use wfm_core::quality::{QualityFlag, check_figures};

use super::engine::Engine;

/// A group's figures with its name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GroupView {
    pub group_id: i64,
    pub name: String,
    pub service_id: i64,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub figures: Figures,
    /// Derived values that failed their check and are shown as undefined instead.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub data_quality: Vec<QualityFlag>,
}

/// One site's aggregate over all its groups.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SiteView {
    pub site_id: i64,
    pub time_zone: String,
    #[schema(value_type = Object)]
    pub all: Figures,
    /// Derived values of the aggregate that failed their check.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub data_quality: Vec<QualityFlag>,
}

/// A derived value that failed its check, with the scope it belongs to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScopedFlag {
    /// `group:3`, `service:2`, `site:1` or `all`.
    pub scope: String,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub flag: QualityFlag,
}

/// The realtime indicators of every group, service and site at one instant.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Realtime {
    pub at: DateTime<Utc>,
    pub groups: Vec<GroupView>,
    #[schema(value_type = Vec<Object>)]
    pub services: Vec<Figures>,
    pub sites: Vec<SiteView>,
    /// All groups together; present when there is one site (sites in different time zones
    /// have different days, so they are aggregated per site).
    #[schema(value_type = Option<Object>)]
    pub all: Option<Figures>,
    /// How fresh the contact-center data behind the figures is: the newest event, and a
    /// warning when it is older than the feed's expected cycle.
    #[schema(value_type = Object)]
    pub freshness: Freshness,
    /// Every derived value that failed its check (shown as undefined), by scope.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub data_quality: Vec<ScopedFlag>,
}

/// A snapshot as published: immutable, shared by all readers.
pub struct Published {
    pub version: u64,
    pub realtime: Realtime,
    /// `realtime` as JSON, serialized once for every unfiltered read (shared by the
    /// responses, never copied).
    pub body: Bytes,
    /// `body` gzipped once, for the many readers that accept it.
    pub body_gzip: Bytes,
    pub etag: String,
    /// What each group's card shows (in `realtime.groups` order), hashed once per
    /// publication: the stream resends a group only when its hash changes.
    pub cards: Vec<u64>,
    pub operators: Vec<OperatorStatus>,
    pub intervals: BTreeMap<GroupId, Vec<IntervalFigures>>,
    /// The local day of each site.
    pub days: Vec<chrono::NaiveDate>,
    /// The agents the snapshot knows, for names.
    pub agents: std::sync::Arc<Vec<wfm_store::model::Agent>>,
}

/// A hash of what a group's card shows: its figures without the times every publication
/// renews (`updated_at`, `freshness_seconds`; a stream event's `at` and `freshness` carry
/// them). Those are set aside while the group is written into the hash, and put back:
/// the group is serialized straight into the hasher, with nothing built on the way (a
/// JSON tree per group took half of a 500-group publication).
fn card_of(group: &mut GroupView) -> u64 {
    use std::hash::Hasher;

    /// Feeds what serde_json writes to a hasher.
    struct HashWriter(std::collections::hash_map::DefaultHasher);

    impl std::io::Write for HashWriter {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let times: Vec<_> = group
        .figures
        .indicators
        .iter_mut()
        .map(|i| {
            (
                std::mem::replace(&mut i.updated_at, DateTime::UNIX_EPOCH),
                i.freshness_seconds.take(),
            )
        })
        .collect();
    let mut writer = HashWriter(std::collections::hash_map::DefaultHasher::new());
    // Writing into a hasher cannot fail.
    let _ = serde_json::to_writer(&mut writer, &*group);
    for (indicator, (updated_at, freshness)) in group.figures.indicators.iter_mut().zip(times) {
        indicator.updated_at = updated_at;
        indicator.freshness_seconds = freshness;
    }
    writer.0.finish()
}

/// Gzip at a fast level: done at every publication, so it must stay cheap.
fn gzip(body: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(body);
    encoder.finish().unwrap_or_default()
}

/// A strong ETag over a body.
pub fn etag_of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("\"{}\"", hex::encode(&digest[..12]))
}

fn scope_key(scope: wfm_core::live::Scope, site: i64) -> String {
    match scope {
        wfm_core::live::Scope::Group(id) => format!("group:{id}"),
        wfm_core::live::Scope::Service(id) => format!("service:{id}"),
        wfm_core::live::Scope::All => format!("site:{site}"),
    }
}

/// Checks a scope's derived values (those that cannot be become undefined) and files the
/// flags under the scope.
fn checked(f: &mut Figures, site: i64, all: &mut Vec<ScopedFlag>) -> Vec<QualityFlag> {
    let flags = check_figures(f);
    let scope = scope_key(f.scope, site);
    all.extend(flags.iter().cloned().map(|flag| ScopedFlag {
        scope: scope.clone(),
        flag,
    }));
    flags
}

impl Published {
    /// The snapshot at `now`, warning when the newest event is older than a minute.
    pub fn build(engine: &Engine, now: DateTime<Utc>, version: u64) -> Published {
        Reading::of(engine, now, chrono::Duration::seconds(60)).publish(version)
    }
}

/// What a publication reads from the engine: taken while the engine is held, and no more
/// (the JSON, its gzip and the card hashes are made after it is let go, so that ingest
/// does not wait for them).
pub struct Reading {
    realtime: Realtime,
    operators: Vec<OperatorStatus>,
    intervals: BTreeMap<GroupId, Vec<IntervalFigures>>,
    days: Vec<chrono::NaiveDate>,
    agents: std::sync::Arc<Vec<wfm_store::model::Agent>>,
}

impl Reading {
    /// The engine's figures at `now`, warning when the newest event is older than `cycle`.
    pub fn of(engine: &Engine, now: DateTime<Utc>, cycle: chrono::Duration) -> Reading {
        let names: BTreeMap<i64, &str> = engine
            .groups
            .iter()
            .map(|g| (g.id, g.name.as_str()))
            .collect();
        let services: BTreeMap<i64, i64> =
            engine.groups.iter().map(|g| (g.id, g.service_id)).collect();
        let mut realtime = Realtime {
            at: now,
            groups: Vec::new(),
            services: Vec::new(),
            sites: Vec::new(),
            all: None,
            freshness: wfm_core::freshness::assess(
                DataSource::ContactCenter,
                engine.watermark,
                now,
                Some(cycle),
                false,
                0,
            ),
            data_quality: Vec::new(),
        };
        let mut flags = Vec::new();
        let mut operators = Vec::new();
        let mut intervals = BTreeMap::new();
        for site in &engine.sites {
            let mut snap = site.center.snapshot(now);
            intervals.extend(site.center.intervals_of_groups(site.day, now));
            for mut f in snap.groups {
                let wfm_core::live::Scope::Group(id) = f.scope else {
                    continue;
                };
                let data_quality = checked(&mut f, site.site_id, &mut flags);
                realtime.groups.push(GroupView {
                    group_id: id,
                    name: names.get(&id).copied().unwrap_or_default().to_string(),
                    service_id: services.get(&id).copied().unwrap_or_default(),
                    figures: f,
                    data_quality,
                });
            }
            for f in &mut snap.services {
                checked(f, site.site_id, &mut flags);
            }
            realtime.services.extend(snap.services);
            let data_quality = checked(&mut snap.all, site.site_id, &mut flags);
            realtime.sites.push(SiteView {
                site_id: site.site_id,
                time_zone: site.time_zone.clone(),
                all: snap.all,
                data_quality,
            });
            operators.extend(site.center.operators(now));
        }
        if realtime.sites.len() == 1 {
            realtime.all = realtime.sites.first().map(|s| s.all.clone());
        }
        realtime.data_quality = flags;
        Reading {
            realtime,
            operators,
            intervals,
            days: engine.sites.iter().map(|s| s.day).collect(),
            agents: engine.agents.clone(),
        }
    }

    /// The publication numbered `version`: sorted, hashed, serialized and gzipped.
    pub fn publish(self, version: u64) -> Published {
        let Reading {
            mut realtime,
            mut operators,
            intervals,
            days,
            agents,
        } = self;
        realtime.groups.sort_by_key(|g| g.group_id);
        let cards = realtime.groups.iter_mut().map(card_of).collect();
        operators.sort_by_key(|o| o.agent_id);
        // Serializing plain data to a Vec cannot fail.
        let body = serde_json::to_vec(&realtime).unwrap_or_default();
        let etag = etag_of(&body);
        let body_gzip = Bytes::from(gzip(&body));
        let body = Bytes::from(body);
        Published {
            version,
            realtime,
            body,
            body_gzip,
            etag,
            cards,
            operators,
            intervals,
            agents,
            days,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::TimeZone;
    use wfm_core::live::{IndicatorValue, Scope};
    use wfm_core::threshold::{Color, Indicator};

    use super::*;

    fn figures(scope: Scope, sl: f64) -> Figures {
        Figures {
            scope,
            indicators: vec![IndicatorValue {
                indicator: Indicator::ServiceLevel,
                value: Some(sl),
                unit: "percent",
                plan: Some(80.0),
                deviation: Some(sl - 80.0),
                color: Color::Green,
                sample_calls: None,
                too_few_calls: false,
                trend: None,
                sparkline: Vec::new(),
                updated_at: Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap(),
                freshness_seconds: Some(1.0),
            }],
            online: 1,
            planned: 1,
            required: Some(1.0),
            queue_now: 0,
            longest_wait_seconds: 0.0,
            agents_by_state: BTreeMap::new(),
            offered_today: 5,
            answered_today: 5,
            answered_within_target_today: 5,
            abandoned_today: 0,
            short_abandoned_today: 0,
            sl_window_percent: None,
            sl_predicted_percent: None,
            asa_seconds: None,
            abandonment_percent: None,
            abandonment_excluding_short_percent: None,
            occupancy_percent: None,
            counts: Default::default(),
        }
    }

    fn view(figures: Figures) -> GroupView {
        GroupView {
            group_id: 3,
            name: "L1".into(),
            service_id: 2,
            figures,
            data_quality: Vec::new(),
        }
    }

    #[test]
    fn a_card_changes_with_what_it_shows_not_with_the_time_and_is_left_as_it_was() {
        let mut group = view(figures(Scope::Group(3), 85.0));
        let before = group.figures.clone();
        let card = card_of(&mut group);
        assert_eq!(group.figures, before);
        let mut later = view(figures(Scope::Group(3), 85.0));
        later.figures.indicators[0].updated_at += chrono::Duration::seconds(1);
        later.figures.indicators[0].freshness_seconds = Some(2.0);
        assert_eq!(card_of(&mut later), card);
        let mut changed = view(figures(Scope::Group(3), 86.0));
        assert_ne!(card_of(&mut changed), card);
        let mut renamed = view(figures(Scope::Group(3), 85.0));
        renamed.name = "L2".into();
        assert_ne!(card_of(&mut renamed), card);
    }

    #[test]
    fn a_value_that_cannot_be_is_grey_and_filed_under_its_scope() {
        let mut all = Vec::new();
        let mut group = figures(Scope::Group(3), 120.0);
        let flags = checked(&mut group, 1, &mut all);
        assert_eq!(group.indicators[0].value, None);
        assert_eq!(group.indicators[0].color, Color::Grey);
        assert_eq!(flags.len(), 1);
        let mut site = figures(Scope::All, 90.0);
        assert_eq!(checked(&mut site, 1, &mut all), []);
        let mut service = figures(Scope::Service(2), -1.0);
        checked(&mut service, 1, &mut all);
        let filed: Vec<(&str, &str, &str)> = all
            .iter()
            .map(|f| (f.scope.as_str(), f.flag.field, f.flag.check))
            .collect();
        assert_eq!(
            filed,
            [
                ("group:3", "service_level", "above_100"),
                ("service:2", "service_level", "negative")
            ]
        );
        // As readers get it: the value null, the flag beside it.
        let view = GroupView {
            group_id: 3,
            name: "L1".into(),
            service_id: 2,
            figures: group,
            data_quality: flags,
        };
        let json = serde_json::to_value(&view).unwrap();
        assert_eq!(json["indicators"][0]["value"], serde_json::Value::Null);
        assert_eq!(json["data_quality"][0]["check"], "above_100");
        assert_eq!(json["data_quality"][0]["value"], 120.0);
    }
}

//! The published snapshot: every site's figures at one instant, with group names, as
//! readers get it (pre-serialized, with its ETag), plus the operator and interval views.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use wfm_core::event::GroupId;
use wfm_core::live::{Figures, IntervalFigures, OperatorStatus};

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
}

/// One site's aggregate over all its groups.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SiteView {
    pub site_id: i64,
    pub time_zone: String,
    #[schema(value_type = Object)]
    pub all: Figures,
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
}

/// A snapshot as published: immutable, shared by all readers.
pub struct Published {
    pub version: u64,
    pub realtime: Realtime,
    /// `realtime` as JSON, serialized once for every unfiltered read.
    pub body: Vec<u8>,
    /// `body` gzipped once, for the many readers that accept it.
    pub body_gzip: Vec<u8>,
    pub etag: String,
    pub operators: Vec<OperatorStatus>,
    pub intervals: BTreeMap<GroupId, Vec<IntervalFigures>>,
    /// The local day of each site.
    pub days: Vec<chrono::NaiveDate>,
    /// The agents the snapshot knows, for names.
    pub agents: std::sync::Arc<Vec<wfm_store::model::Agent>>,
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

impl Published {
    pub fn build(engine: &Engine, now: DateTime<Utc>, version: u64) -> Published {
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
        };
        let mut operators = Vec::new();
        let mut intervals = BTreeMap::new();
        for site in &engine.sites {
            let snap = site.center.snapshot(now);
            for f in snap.groups {
                let wfm_core::live::Scope::Group(id) = f.scope else {
                    continue;
                };
                intervals.insert(id, site.center.intervals(id, site.day));
                realtime.groups.push(GroupView {
                    group_id: id,
                    name: names.get(&id).copied().unwrap_or_default().to_string(),
                    service_id: services.get(&id).copied().unwrap_or_default(),
                    figures: f,
                });
            }
            realtime.services.extend(snap.services);
            realtime.sites.push(SiteView {
                site_id: site.site_id,
                time_zone: site.time_zone.clone(),
                all: snap.all,
            });
            operators.extend(site.center.operators(now));
        }
        if realtime.sites.len() == 1 {
            realtime.all = realtime.sites.first().map(|s| s.all.clone());
        }
        realtime.groups.sort_by_key(|g| g.group_id);
        operators.sort_by_key(|o| o.agent_id);
        // Serializing plain data to a Vec cannot fail.
        let body = serde_json::to_vec(&realtime).unwrap_or_default();
        let etag = etag_of(&body);
        let body_gzip = gzip(&body);
        Published {
            version,
            realtime,
            body,
            body_gzip,
            etag,
            operators,
            intervals,
            agents: engine.agents.clone(),
            days: engine.sites.iter().map(|s| s.day).collect(),
        }
    }
}

//! The calls offered today, by call id: which site has each and when it was offered, for
//! routing a call's later events and for the ingest checks. A busy day offers half a
//! million calls, so each is kept compactly: its id once in one text per site, and 16
//! bytes in a hash table (a `HashMap<String, (usize, DateTime)>` took ~130 bytes a call).

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

use chrono::{DateTime, Utc};
use hashbrown::HashTable;

/// A call id's place in its site's text, and the instant of its offer (ms: the log keeps
/// milliseconds, and the engine applies events as the log keeps them).
#[derive(Debug, Clone, Copy)]
struct Offer {
    start: u32,
    len: u32,
    at_ms: i64,
}

/// One site's calls.
#[derive(Debug, Clone, Default)]
struct SiteCalls {
    ids: String,
    table: HashTable<Offer>,
}

impl SiteCalls {
    fn id(&self, offer: &Offer) -> &str {
        let start = offer.start as usize;
        self.ids
            .get(start..start + offer.len as usize)
            .unwrap_or_default()
    }

    fn find(&self, hash: u64, call_id: &str) -> Option<&Offer> {
        self.table.find(hash, |o| self.id(o) == call_id)
    }
}

/// The calls offered today with their site (by index) and offer instant.
#[derive(Debug, Clone, Default)]
pub(super) struct OfferedCalls {
    hasher: RandomState,
    /// By site index.
    sites: Vec<SiteCalls>,
    /// Ids that do not fit a site's text (past 4 GiB of ids): kept as they are.
    overflow: HashMap<String, (usize, i64)>,
}

impl OfferedCalls {
    /// Notes the offer of `call_id` at site `site`; a repeated offer replaces the earlier.
    pub(super) fn insert(&mut self, call_id: &str, site: usize, at: DateTime<Utc>) {
        let at_ms = at.timestamp_millis();
        let hash = self.hasher.hash_one(call_id);
        let mut stored = false;
        for (index, calls) in self.sites.iter_mut().enumerate() {
            let ids = &calls.ids;
            let same = |o: &Offer| {
                let start = o.start as usize;
                ids.get(start..start + o.len as usize) == Some(call_id)
            };
            if index == site {
                if let Ok(mut entry) = calls.table.find_entry(hash, same) {
                    entry.get_mut().at_ms = at_ms;
                    stored = true;
                }
            } else if let Ok(entry) = calls.table.find_entry(hash, same) {
                // Offered again at another site (its text keeps the old id, unreferenced).
                entry.remove();
            }
        }
        if stored {
            self.overflow.remove(call_id);
            return;
        }
        if self.sites.len() <= site {
            self.sites.resize_with(site + 1, SiteCalls::default);
        }
        let Some(calls) = self.sites.get_mut(site) else {
            return;
        };
        let place = (u32::try_from(calls.ids.len()), u32::try_from(call_id.len()));
        let (Ok(start), Ok(len)) = place else {
            self.overflow.insert(call_id.to_owned(), (site, at_ms));
            return;
        };
        if calls
            .ids
            .len()
            .checked_add(call_id.len())
            .is_none_or(|end| end > u32::MAX as usize)
        {
            self.overflow.insert(call_id.to_owned(), (site, at_ms));
            return;
        }
        calls.ids.push_str(call_id);
        self.overflow.remove(call_id);
        let hasher = &self.hasher;
        let ids = &calls.ids;
        calls
            .table
            .insert_unique(hash, Offer { start, len, at_ms }, |o| {
                let start = o.start as usize;
                hasher.hash_one(ids.get(start..start + o.len as usize).unwrap_or_default())
            });
    }

    /// The site and offer instant of `call_id`, if it was offered today.
    pub(super) fn get(&self, call_id: &str) -> Option<(usize, DateTime<Utc>)> {
        let hash = self.hasher.hash_one(call_id);
        let found = self
            .sites
            .iter()
            .enumerate()
            .find_map(|(site, calls)| calls.find(hash, call_id).map(|o| (site, o.at_ms)))
            .or_else(|| self.overflow.get(call_id).copied())?;
        Some((found.0, DateTime::from_timestamp_millis(found.1)?))
    }

    /// Frees the room grown beyond what the calls take (after a replay, say).
    pub(super) fn shrink_to_fit(&mut self) {
        let hasher = &self.hasher;
        for calls in &mut self.sites {
            calls.ids.shrink_to_fit();
            let ids = &calls.ids;
            calls.table.shrink_to_fit(|o| {
                let start = o.start as usize;
                hasher.hash_one(ids.get(start..start + o.len as usize).unwrap_or_default())
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn t(s: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0).unwrap() + chrono::Duration::seconds(s)
    }

    #[test]
    fn each_call_is_found_at_its_site_with_its_offer_and_a_repeat_replaces_it() {
        let mut calls = OfferedCalls::default();
        for n in 0..10_000 {
            calls.insert(&format!("call-{n}"), n % 3, t(n as i64));
        }
        calls.shrink_to_fit();
        for n in 0..10_000 {
            assert_eq!(calls.get(&format!("call-{n}")), Some((n % 3, t(n as i64))));
        }
        assert_eq!(calls.get("call-10000"), None);
        assert_eq!(calls.get(""), None);
        assert_eq!(calls.get("call-1"), Some((1, t(1))));
        calls.insert("call-1", 1, t(50));
        assert_eq!(calls.get("call-1"), Some((1, t(50))));
        calls.insert("call-1", 2, t(60));
        assert_eq!(calls.get("call-1"), Some((2, t(60))));
        calls.insert("", 0, t(70));
        assert_eq!(calls.get(""), Some((0, t(70))));
        // A prefix of a kept id is another call.
        assert_eq!(calls.get("call-"), None);
        assert_eq!(calls.get("call-99"), Some((0, t(99))));
    }
}

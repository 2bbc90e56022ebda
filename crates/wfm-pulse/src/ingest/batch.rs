//! A batch of contact-center data as every source hands it in, the one shape the live
//! engine takes (`Live::take`): the items that read, with their places in the request, and
//! the rejections of those that did not. Handlers only parse into it.

use serde::Serialize;
use utoipa::ToSchema;
use wfm_core::event::EventKind;

use super::argus::StatusChange;
use super::native::NativeEvent;
use super::{Candidate, Directory, Rejection};

/// Where contact-center data comes from. Its name is kept with each event in the log and
/// labels the rejection counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The incumbent's status push (`POST /ccwfm/api/rest/status`).
    ArgusStatus,
    /// wfm-pulse's own event feed (`POST /api/v1/events`).
    Native,
    /// Asterisk's queue_log, followed or imported.
    QueueLog,
    /// The incumbent's contract, polled (`/online/*`).
    ArgusPull,
}

impl Source {
    /// The name in the event log, the API and the metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::ArgusStatus => "argus_status",
            Source::Native => "native",
            Source::QueueLog => "queue_log",
            Source::ArgusPull => "argus_pull",
        }
    }
}

/// The two feeds of the contact center, by what their items are about; each has its own
/// health.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Feed {
    /// Operator status changes.
    Status,
    /// Call events.
    Calls,
}

impl Feed {
    /// The feed an event belongs to.
    pub fn of(kind: &EventKind) -> Feed {
        match kind {
            EventKind::AgentStateChanged { .. } => Feed::Status,
            _ => Feed::Calls,
        }
    }
}

/// One item that read, in its source's own terms.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Status(StatusChange),
    Event(NativeEvent),
}

impl Item {
    pub fn feed(&self) -> Feed {
        match self {
            Item::Status(_) | Item::Event(NativeEvent::AgentState { .. }) => Feed::Status,
            Item::Event(_) => Feed::Calls,
        }
    }

    /// The operator's login it names.
    fn login(&self) -> Option<&str> {
        match self {
            Item::Status(s) => Some(&s.worker_id),
            Item::Event(e) => e.agent(),
        }
    }

    /// The group code it names. A name made only of digits is a wfm-pulse id, not a code.
    fn group_code(&self) -> Option<&str> {
        let code = match self {
            Item::Event(
                NativeEvent::CallOffered { group, .. } | NativeEvent::GroupLoad { group, .. },
            ) => Some(group.as_str()),
            Item::Event(NativeEvent::AgentState { group, .. }) => group.as_deref(),
            _ => None,
        };
        code.filter(|g| !g.bytes().all(|b| b.is_ascii_digit()))
    }
}

/// A parsed batch from one source.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub source: Source,
    /// The items that read, by their place in the request (from 0).
    pub items: Vec<(usize, Item)>,
    /// The items that did not read, with the feed each was for.
    pub unreadable: Vec<(Rejection, Feed)>,
}

/// What name resolution makes of a batch.
#[derive(Debug, Default)]
pub struct Resolved {
    pub candidates: Vec<Candidate>,
    /// The unreadable items and those naming what wfm-pulse does not know.
    pub rejections: Vec<Rejection>,
    /// Items that change nothing by themselves (a status exit).
    pub ignored: usize,
}

impl Batch {
    /// The feed of each item, by its place in the request.
    pub fn feeds(&self) -> Vec<Feed> {
        let read = self.items.iter().map(|(i, item)| (*i, item.feed()));
        let unread = self.unreadable.iter().map(|(r, feed)| (r.index, *feed));
        let mut feeds = vec![Feed::Calls; self.items.len() + self.unreadable.len()];
        for (i, feed) in read.chain(unread) {
            if let Some(slot) = feeds.get_mut(i) {
                *slot = feed;
            }
        }
        feeds
    }

    /// The operators' logins and the group codes the items name, for creating the unknown
    /// ones when so configured.
    pub fn names(&self) -> (Vec<String>, Vec<String>) {
        let items = || self.items.iter().map(|(_, item)| item);
        let logins = items().filter_map(Item::login).map(str::to_string);
        let codes = items().filter_map(Item::group_code).map(str::to_string);
        (logins.collect(), codes.collect())
    }

    /// Every item resolved against `names`, each event marked with the batch's source.
    pub fn resolve(self, names: &Directory) -> Resolved {
        let mut out = Resolved {
            rejections: self.unreadable.into_iter().map(|(r, _)| r).collect(),
            ..Resolved::default()
        };
        for (index, item) in self.items {
            let resolved = match item {
                Item::Status(change) => names.status(index, &change, self.source),
                Item::Event(event) => names.native(index, event, self.source).map(Some),
            };
            match resolved {
                Ok(Some(c)) => out.candidates.push(c),
                Ok(None) => out.ignored += 1,
                Err(r) => out.rejections.push(r),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Reason;
    use wfm_core::event::AgentState;

    fn names() -> Directory {
        let mut d = Directory::default();
        d.agents.insert("op-1".into(), 7);
        d.groups.insert("L1".into(), 3);
        d.state_codes.insert("Ready".into(), AgentState::Ready);
        d
    }

    fn status(login: &str, action: u8) -> Item {
        Item::Status(StatusChange {
            worker_id: login.into(),
            state_name: "Ready".into(),
            state_code: "Ready".into(),
            system_id: "pbx".into(),
            action_time: 1_796_600_000,
            action,
        })
    }

    fn offered(group: &str) -> Item {
        Item::Event(NativeEvent::CallOffered {
            id: format!("e-{group}"),
            at: chrono::DateTime::from_timestamp(1_796_600_000, 0).unwrap(),
            call_id: "c1".into(),
            group: group.into(),
            customer_id: None,
        })
    }

    fn unreadable(index: usize) -> (Rejection, Feed) {
        let r = Rejection {
            index,
            event_id: None,
            reason: Reason::Incomplete,
            field: Some("at".into()),
            message: "missing field `at`".into(),
        };
        (r, Feed::Calls)
    }

    #[test]
    fn every_source_resolves_through_one_batch() {
        let batch = Batch {
            source: Source::ArgusStatus,
            items: vec![
                (0, status("op-1", 1)),
                (1, status("op-1", 0)),
                (2, status("stranger", 1)),
                (4, offered("L1")),
            ],
            unreadable: vec![unreadable(3)],
        };
        let feeds = batch.feeds();
        assert_eq!(
            feeds,
            [
                Feed::Status,
                Feed::Status,
                Feed::Status,
                Feed::Calls,
                Feed::Calls
            ]
        );
        let resolved = batch.resolve(&names());
        let placed: Vec<usize> = resolved.candidates.iter().map(|c| c.index).collect();
        assert_eq!(placed, [0, 4]);
        assert_eq!(resolved.ignored, 1, "a status exit changes nothing alone");
        let refused: Vec<(usize, Reason)> = resolved
            .rejections
            .iter()
            .map(|r| (r.index, r.reason))
            .collect();
        assert_eq!(
            refused,
            [(3, Reason::Incomplete), (2, Reason::UnknownReference)]
        );
        let sources: Vec<&str> = resolved.candidates.iter().map(|c| c.event.source).collect();
        assert_eq!(sources, ["argus_status", "argus_status"]);
    }

    #[test]
    fn the_names_to_create_are_logins_and_codes_never_ids() {
        let batch = Batch {
            source: Source::Native,
            items: vec![
                (0, status("op-9", 1)),
                (1, offered("L9")),
                (2, offered("42")),
            ],
            unreadable: Vec::new(),
        };
        let (logins, codes) = batch.names();
        assert_eq!(
            (logins, codes),
            (vec!["op-9".to_string()], vec!["L9".to_string()])
        );
    }
}

//! Asterisk's queue_log, read: its lines parsed and translated into the native feed's
//! events, in the one batch shape ingest takes. The follower (`integrations::queue_log`)
//! and the import both read through here.

pub mod line;
pub mod translate;

pub use translate::Translator;

#[cfg(test)]
mod tests;

use super::batch::{Batch, Feed, Item, Source};
use super::{Reason, Rejection};

/// Lines of a queue_log, each with its line number, as one batch: every event they mean,
/// in order, and a rejection for each line that does not read, naming its line number.
pub fn batch<'a>(
    translator: &mut Translator,
    lines: impl IntoIterator<Item = (u64, &'a str)>,
) -> Batch {
    let mut items = Vec::new();
    let mut unreadable = Vec::new();
    for (number, text) in lines {
        match translator.read(text) {
            Ok(events) => items.extend(events.into_iter().map(Item::Event)),
            Err(bad) => unreadable.push(Rejection {
                index: 0,
                event_id: None,
                reason: if bad.field == "data" {
                    Reason::Unreasonable
                } else {
                    Reason::Incomplete
                },
                field: Some(bad.field.to_string()),
                message: format!("line {number}: {}", bad.message),
            }),
        }
    }
    finish(items, unreadable)
}

/// The events still held back for the next line (after-call decisions), as a batch: for
/// the end of an import, or a log gone quiet.
pub fn flush(translator: &mut Translator) -> Batch {
    finish(
        translator.flush().into_iter().map(Item::Event).collect(),
        Vec::new(),
    )
}

/// Numbers the items and the unreadable lines after them, as a batch's places.
fn finish(items: Vec<Item>, unreadable: Vec<Rejection>) -> Batch {
    let read = items.len();
    Batch {
        source: Source::QueueLog,
        items: items.into_iter().enumerate().collect(),
        unreadable: unreadable
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    Rejection {
                        index: read + i,
                        ..r
                    },
                    Feed::Calls,
                )
            })
            .collect(),
    }
}

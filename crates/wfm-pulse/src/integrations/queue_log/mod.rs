//! The queue_log follower: reads Asterisk's queue_log as it grows, translates it
//! (`ingest::queue_log`) and hands each read to the live engine, then keeps how far it got
//! in the store. A restart resumes there; the lines of a read taken twice (a crash between
//! the take and the save) make the same event ids, which the event log skips.

pub mod tail;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use wfm_store::Store;
use wfm_store::model::Actor;

use crate::ingest::Batch;
use crate::ingest::queue_log::{self, Translator, line};
use crate::live::Live;
use tail::Tail;

/// The feed's name in the store's positions.
pub const FEED: &str = "queue_log";
/// How often the file is looked at when nothing new came.
const POLL: Duration = Duration::from_millis(250);
/// Quiet polls after which the calls waiting for a next line are settled.
const QUIET_POLLS: u32 = 4;
/// Bytes read at most at once.
const READ_BYTES: usize = 1 << 20;

/// What to follow: the file, and the members whose names are not logins.
#[derive(Debug, Clone)]
pub struct QueueLogFeed {
    pub path: PathBuf,
    pub members: HashMap<String, String>,
}

/// Reads the CSV of `member,login` (a header line `member,login` may come first).
pub fn members(path: &Path) -> Result<HashMap<String, String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("queue_log_members: cannot read {}: {e}", path.display()))?;
    let mut members = HashMap::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || (number == 0 && line.eq_ignore_ascii_case("member,login")) {
            continue;
        }
        let Some((member, login)) = line.split_once(',') else {
            return Err(format!(
                "queue_log_members: {} line {}: expected member,login, not {line:?}",
                path.display(),
                number + 1
            ));
        };
        let (member, login) = (member.trim(), login.trim());
        if member.is_empty() || login.is_empty() {
            return Err(format!(
                "queue_log_members: {} line {}: member and login must not be empty",
                path.display(),
                number + 1
            ));
        }
        members.insert(member.to_string(), login.to_string());
    }
    Ok(members)
}

/// Follows the file until `stop` turns true.
pub async fn run(
    live: Arc<Live>,
    store: Arc<dyn Store>,
    feed: QueueLogFeed,
    mut stop: watch::Receiver<bool>,
) {
    let saved = loop {
        match store.feed_position(FEED).await {
            Ok(saved) => break saved,
            Err(e) => tracing::warn!(error = %e, "queue_log: cannot read the saved position"),
        }
        if wait(&mut stop, Duration::from_secs(5)).await {
            return;
        }
    };
    // A file never followed before: its lines older than the live window only build the
    // state (the engine would refuse them as too old).
    let mut window_start = saved
        .is_none()
        .then(|| (chrono::Utc::now() - live.max_behind()).timestamp_millis());
    let mut tail = Some(Tail::new(feed.path.clone(), saved.clone()));
    let mut translator = Translator::new(feed.members, HashMap::new());
    let mut saved = saved;
    let mut quiet = 0;
    let mut failing = false;
    loop {
        let Some(mut reader) = tail.take() else {
            return;
        };
        let read = tokio::task::spawn_blocking(move || {
            let chunk = reader.read(READ_BYTES);
            (reader, chunk)
        })
        .await;
        let Ok((reader, chunk)) = read else {
            return;
        };
        tail = Some(reader);
        let chunk = match chunk {
            Ok(chunk) => {
                failing = false;
                chunk
            }
            Err(e) => {
                if !failing {
                    tracing::warn!(file = %feed.path.display(), error = %e, "queue_log: cannot read");
                }
                failing = true;
                if wait(&mut stop, Duration::from_secs(1)).await {
                    return;
                }
                continue;
            }
        };
        for note in &chunk.notes {
            tracing::info!("queue_log: {note}");
        }
        let lines = !chunk.known.is_empty() || !chunk.new.is_empty();
        // The state map as it is now, read only when there are lines to translate.
        if lines && let Ok(reasons) = live.state_map().await {
            translator.set_reasons(reasons);
        }
        for (_, text) in &chunk.known {
            let _ = translator.read(text);
        }
        let mut new = &chunk.new[..];
        if let Some(start) = window_start {
            let old = new
                .iter()
                .take_while(|(_, text)| line::parse(text).is_ok_and(|l| l.time_ms < start));
            let count = old.count();
            for (_, text) in &new[..count] {
                let _ = translator.read(text);
            }
            new = &new[count..];
            if !new.is_empty() {
                window_start = None;
            }
        }
        if !new.is_empty() {
            quiet = 0;
            let lines = new.iter().map(|(n, t)| (*n, t.as_str()));
            let batch = queue_log::batch(&mut translator, lines);
            if !take(&live, batch, &mut stop).await {
                return;
            }
        } else {
            quiet += 1;
            if quiet == QUIET_POLLS
                && !take(&live, queue_log::flush(&mut translator), &mut stop).await
            {
                return;
            }
        }
        if chunk.position != saved {
            if let Some(position) = &chunk.position {
                if let Err(e) = store.save_feed_position(FEED, position).await {
                    tracing::warn!(error = %e, "queue_log: cannot save the position");
                } else {
                    saved = chunk.position.clone();
                }
            }
        }
        if !chunk.more && wait(&mut stop, POLL).await {
            return;
        }
    }
}

/// Hands a batch to the live engine, again and again while the store refuses it; false
/// when stopped first.
async fn take(live: &Arc<Live>, batch: Batch, stop: &mut watch::Receiver<bool>) -> bool {
    if batch.items.is_empty() && batch.unreadable.is_empty() {
        return true;
    }
    loop {
        let actor = Actor {
            name: "queue_log".into(),
            correlation_id: uuid::Uuid::new_v4().to_string(),
        };
        match live.take(batch.clone(), &actor).await {
            Ok(_) => return true,
            Err(e) => {
                tracing::warn!(error = %e, "queue_log: the events could not be stored; trying again")
            }
        }
        if wait(stop, Duration::from_secs(1)).await {
            return false;
        }
    }
}

/// Waits `pause`; true when stopping came first.
async fn wait(stop: &mut watch::Receiver<bool>, pause: Duration) -> bool {
    if *stop.borrow() {
        return true;
    }
    tokio::select! {
        _ = tokio::time::sleep(pause) => *stop.borrow(),
        _ = stop.changed() => true,
    }
}

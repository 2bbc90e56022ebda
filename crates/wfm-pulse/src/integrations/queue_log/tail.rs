//! Reading a growing log file by whole lines from a saved position, across rotation (the
//! file renamed and a new one made under its name) and truncation (copytruncate).
//!
//! A resumed read goes over the lines before the saved position once more, for the state
//! they build up (who is paused, which calls are open), and hands them apart from the new
//! ones. A file never read before is read from its start.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use wfm_store::live::FeedPosition;

/// What one read found.
#[derive(Debug, Default)]
pub struct Chunk {
    /// Lines read again for the state they build, with their numbers.
    pub known: Vec<(u64, String)>,
    /// New lines, with their numbers.
    pub new: Vec<(u64, String)>,
    /// Where the next read starts.
    pub position: Option<FeedPosition>,
    /// The read stopped at its size bound: more is waiting.
    pub more: bool,
    /// What happened to the file, for the log: rotated, truncated.
    pub notes: Vec<String>,
}

/// A file followed by lines.
pub struct Tail {
    path: PathBuf,
    saved: Option<FeedPosition>,
    started: bool,
    open: Option<Open>,
}

struct Open {
    file: File,
    id: String,
    offset: u64,
    line: u64,
    /// Lines ending at or before this offset were taken before: read for state only.
    known_until: u64,
}

/// The file as the operating system knows it: device and inode.
pub fn file_id(meta: &std::fs::Metadata) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        format!("{}:{}", meta.dev(), meta.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        "file".to_string()
    }
}

fn open(path: &Path) -> io::Result<Option<(File, String)>> {
    match File::open(path) {
        Ok(file) => {
            let id = file_id(&file.metadata()?);
            Ok(Some((file, id)))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// A file beside `path` whose name starts with its name (`queue_log.0`, `queue_log-2026…`)
/// and which is the file `id`: where a rotation moved it.
fn rotated(path: &Path, id: &str) -> io::Result<Option<(File, String)>> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Ok(None);
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let name = name.to_string_lossy();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let sibling = entry.file_name();
        if !sibling.to_string_lossy().starts_with(name.as_ref()) {
            continue;
        }
        if let Some((file, found)) = open(&entry.path())? {
            if found == id {
                return Ok(Some((file, found)));
            }
        }
    }
    Ok(None)
}

impl Tail {
    /// Follows `path` from `saved` (None: from the file's start).
    pub fn new(path: PathBuf, saved: Option<FeedPosition>) -> Self {
        Tail {
            path,
            saved,
            started: false,
            open: None,
        }
    }

    /// Reads the whole lines added since the last read, at most about `max_bytes`.
    pub fn read(&mut self, max_bytes: usize) -> io::Result<Chunk> {
        let mut chunk = Chunk::default();
        if !self.started {
            self.start(&mut chunk)?;
        }
        if self.open.is_none() {
            if let Some((file, id)) = open(&self.path)? {
                self.open = Some(Open::at_start(file, id, 0));
            }
        }
        let Some(open) = self.open.as_mut() else {
            return Ok(chunk);
        };
        if open.file.metadata()?.len() < open.offset {
            chunk.notes.push(format!(
                "{} was truncated: reading it again from its start",
                self.path.display()
            ));
            *open = Open::at_start(open.file.try_clone()?, open.id.clone(), 0);
        }
        chunk.more = open.lines(max_bytes, false, &mut chunk)?;
        if !chunk.more {
            self.follow_rotation(&mut chunk)?;
        }
        chunk.position = self.open.as_ref().map(Open::position);
        Ok(chunk)
    }

    /// Opens where the saved position points: the same file, or the one a rotation moved
    /// it to, or else the file now under the name.
    fn start(&mut self, chunk: &mut Chunk) -> io::Result<()> {
        self.started = true;
        let current = open(&self.path)?;
        let Some(saved) = self.saved.take() else {
            self.open = current.map(|(file, id)| Open::at_start(file, id, 0));
            return Ok(());
        };
        if let Some((file, id)) = current.as_ref().filter(|(_, id)| *id == saved.file_id) {
            self.open = Some(Open::at_start(file.try_clone()?, id.clone(), saved.offset));
            return Ok(());
        }
        if let Some((file, id)) = rotated(&self.path, &saved.file_id)? {
            chunk.notes.push(format!(
                "{} was rotated while stopped: finishing the file it was reading",
                self.path.display()
            ));
            self.open = Some(Open::at_start(file, id, saved.offset));
            return Ok(());
        }
        if current.is_some() {
            chunk.notes.push(format!(
                "{}: the file read before is gone; reading the present one from its start",
                self.path.display()
            ));
        }
        self.open = current.map(|(file, id)| Open::at_start(file, id, 0));
        Ok(())
    }

    /// At the end of the open file: when another file now has the name, the rest of this
    /// one (a last line without its end too), then the new file from its start.
    fn follow_rotation(&mut self, chunk: &mut Chunk) -> io::Result<()> {
        let Some(open) = self.open.as_mut() else {
            return Ok(());
        };
        let Some((file, id)) = self::open(&self.path)? else {
            return Ok(());
        };
        if id == open.id {
            return Ok(());
        }
        open.lines(usize::MAX, true, chunk)?;
        chunk.notes.push(format!(
            "{} was rotated: following the new file",
            self.path.display()
        ));
        self.open = Some(Open::at_start(file, id, 0));
        Ok(())
    }
}

impl Open {
    fn at_start(file: File, id: String, known_until: u64) -> Open {
        Open {
            file,
            id,
            offset: 0,
            line: 0,
            known_until,
        }
    }

    fn position(&self) -> FeedPosition {
        FeedPosition {
            file_id: self.id.clone(),
            offset: self.offset,
            line: self.line,
        }
    }

    /// Reads whole lines from the offset, about `max_bytes` of them (and a last line without
    /// its end when `to_end`); true when the bound stopped it.
    fn lines(&mut self, max_bytes: usize, to_end: bool, chunk: &mut Chunk) -> io::Result<bool> {
        self.file.seek(SeekFrom::Start(self.offset))?;
        let mut bytes = Vec::new();
        let limit = u64::try_from(max_bytes).unwrap_or(u64::MAX);
        (&mut self.file).take(limit).read_to_end(&mut bytes)?;
        let full = bytes.len() as u64 >= limit;
        // A last line without its end waits for it, unless the file is done with or the
        // line alone fills the bound.
        let whole = match bytes.iter().rposition(|&b| b == b'\n') {
            _ if to_end => bytes.len(),
            Some(last) => last + 1,
            None if full => bytes.len(),
            None => 0,
        };
        for text in bytes[..whole].split_inclusive(|&b| b == b'\n') {
            self.offset += text.len() as u64;
            self.line += 1;
            let text = String::from_utf8_lossy(text)
                .trim_end_matches(['\n', '\r'])
                .to_string();
            if text.is_empty() {
                continue;
            }
            let into = if self.offset <= self.known_until {
                &mut chunk.known
            } else {
                &mut chunk.new
            };
            into.push((self.line, text));
        }
        Ok(full)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    struct Dir(PathBuf);

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn append(path: &Path, text: &str) {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap();
        f.write_all(text.as_bytes()).unwrap();
    }

    fn new_lines(chunk: &Chunk) -> Vec<(u64, &str)> {
        chunk.new.iter().map(|(n, t)| (*n, t.as_str())).collect()
    }

    #[test]
    fn whole_lines_only_then_truncation_then_rotation() {
        let dir = Dir(std::env::temp_dir().join(format!("wfm-tail-{}", uuid::Uuid::new_v4())));
        std::fs::create_dir_all(&dir.0).unwrap();
        let path = dir.0.join("queue_log");
        let mut tail = Tail::new(path.clone(), None);
        assert!(tail.read(1 << 20).unwrap().new.is_empty(), "no file yet");

        append(&path, "a\nb\nhalf");
        let chunk = tail.read(1 << 20).unwrap();
        assert_eq!(new_lines(&chunk), [(1, "a"), (2, "b")]);
        assert_eq!(chunk.position.as_ref().unwrap().offset, 4, "after b's end");
        append(&path, "-done\n");
        assert_eq!(new_lines(&tail.read(1 << 20).unwrap()), [(3, "half-done")]);

        // copytruncate: emptied, then written again.
        std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&path)
            .unwrap();
        append(&path, "c\n");
        let chunk = tail.read(1 << 20).unwrap();
        assert_eq!(new_lines(&chunk), [(1, "c")]);
        assert!(chunk.notes[0].contains("truncated"), "{:?}", chunk.notes);

        // logger rotate: renamed with a last line still open, a new file begun.
        append(&path, "d\nunfinished");
        std::fs::rename(&path, dir.0.join("queue_log.0")).unwrap();
        append(&path, "CONFIGRELOAD\n");
        let chunk = tail.read(1 << 20).unwrap();
        assert_eq!(
            new_lines(&chunk),
            [(2, "d"), (3, "unfinished")],
            "the old file to its end, its last line too"
        );
        assert!(chunk.notes[0].contains("rotated"), "{:?}", chunk.notes);
        assert_eq!(
            new_lines(&tail.read(1 << 20).unwrap()),
            [(1, "CONFIGRELOAD")]
        );
    }

    #[test]
    fn a_resumed_read_goes_over_the_known_lines_for_state_only() {
        let dir = Dir(std::env::temp_dir().join(format!("wfm-tail-{}", uuid::Uuid::new_v4())));
        std::fs::create_dir_all(&dir.0).unwrap();
        let path = dir.0.join("queue_log");
        append(&path, "a\nb\nc\n");
        let id = file_id(&std::fs::metadata(&path).unwrap());
        let saved = FeedPosition {
            file_id: id,
            offset: 4,
            line: 2,
        };
        let chunk = Tail::new(path, Some(saved)).read(1 << 20).unwrap();
        let known: Vec<&str> = chunk.known.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!((known, new_lines(&chunk)), (vec!["a", "b"], vec![(3, "c")]));
    }
}

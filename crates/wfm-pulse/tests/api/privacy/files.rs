//! The files holding personal data and secrets, on the real binary: a first start creates
//! the data directory for its owner only (0700) and the database, its -wal and -shm and the
//! generated JWT secret readable by the owner only (0600); a start on a database others may
//! read warns, naming the file, its mode and the fix.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::binary::{self, Binary};
use super::common;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// A directory to hold a data directory that does not exist yet, and the server's log.
fn root() -> (PathBuf, PathBuf, PathBuf) {
    let root = binary::data_dir();
    let (dir, log) = (root.join("data"), root.join("server.log"));
    (root, dir, log)
}

#[tokio::test]
async fn a_first_start_keeps_the_data_directory_and_its_files_to_the_owner() {
    let (root, dir, log) = root();
    let s = Binary::start_generating_secret(&dir, binary::free_port(), &log).await;
    let db = dir.join("wfm-pulse.db");
    // SQLite makes -wal and -shm when it opens the database in WAL mode, and the migrations
    // have written through it by the time the server is ready.
    let files = ["wfm-pulse.db-wal", "wfm-pulse.db-shm"].map(|f| dir.join(f));
    common::eventually("the write-ahead log and its index", 30, async || {
        files.iter().all(|f| f.exists()).then_some(())
    })
    .await;
    let octal = |p: &Path| {
        let name = p.file_name().unwrap().to_string_lossy();
        format!("{name} {:o}", mode(p))
    };
    let modes: Vec<String> = [&dir, &db, &files[0], &files[1], &dir.join("jwt-secret")]
        .into_iter()
        .map(|p| octal(p))
        .collect();
    assert_eq!(
        modes,
        [
            "data 700",
            "wfm-pulse.db 600",
            "wfm-pulse.db-wal 600",
            "wfm-pulse.db-shm 600",
            "jwt-secret 600",
        ]
    );
    s.stop();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        !text.contains("open to other local users"),
        "nothing to warn about: {text}"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[tokio::test]
async fn a_database_others_can_read_is_warned_about_at_start() {
    let (root, dir, log) = root();
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    // An empty file is an empty database to SQLite: as if an older version had created it.
    let db = dir.join("wfm-pulse.db");
    std::fs::write(&db, b"").unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let s = Binary::start(&dir, binary::free_port(), &log).await;
    s.stop();
    let text = std::fs::read_to_string(&log).unwrap();
    let warned: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("WARN") && l.contains("open to other local users"))
        .collect();
    let about_db = warned
        .iter()
        .find(|l| l.contains(&format!("{} is open", db.display())))
        .unwrap_or_else(|| panic!("no warning about {}: {text}", db.display()));
    assert!(
        about_db.contains("mode 0644") && about_db.contains(&format!("chmod 600 {}", db.display())),
        "{about_db}"
    );
    assert!(
        warned
            .iter()
            .all(|l| !l.contains(&format!("{} is open", dir.display()))),
        "the directory is the owner's: {warned:?}"
    );
    // Left as it was: the operator decides.
    assert_eq!(mode(&db), 0o644);
    std::fs::remove_dir_all(&root).unwrap();
}

//! Files holding personal data or secrets: the data directory, the SQLite database with its
//! -wal and -shm, the JWT secret. Created for their owner only (directory 0700, files 0600:
//! the database file is created by the store, and SQLite gives -wal and -shm its
//! permissions); at start, a warning names any that group or others may use, with the
//! command that fixes it. Nothing is changed behind the operator's back: a looser mode may
//! be deliberate (a backup agent's group), and a warning says so where a chmod would not.

use std::io;
use std::path::{Path, PathBuf};

/// Creates `dir` and any missing parents for the owner only (0700). An existing directory is
/// left as it is (the start-up check warns if others may read it).
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Why a file or directory with these permission bits is exposed, and the command that fixes
/// it; None when only its owner may use it.
pub fn exposure(path: &Path, mode: u32, is_dir: bool) -> Option<Exposure> {
    if mode & 0o077 == 0 {
        return None;
    }
    let wanted = if is_dir { "700" } else { "600" };
    Some(Exposure {
        path: path.to_path_buf(),
        mode: format!("{:04o}", mode & 0o7777),
        fix: format!("chmod {wanted} {}", shell_word(&path.display().to_string())),
    })
}

/// A path or directory that group or others may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    pub path: PathBuf,
    /// Its permission bits, in octal (`0644`).
    pub mode: String,
    /// What to run to make it the owner's only.
    pub fix: String,
}

/// `s` as one shell word: as it is when plain, else in single quotes.
fn shell_word(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+,:@%=".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The exposures among `paths` that exist (a missing path is not one).
#[cfg(unix)]
pub fn exposed(paths: &[PathBuf]) -> Vec<Exposure> {
    use std::os::unix::fs::PermissionsExt;
    paths
        .iter()
        .filter_map(|p| {
            let meta = std::fs::metadata(p).ok()?;
            exposure(p, meta.permissions().mode(), meta.is_dir())
        })
        .collect()
}

#[cfg(not(unix))]
pub fn exposed(_: &[PathBuf]) -> Vec<Exposure> {
    Vec::new()
}

/// The files holding personal data or secrets: the data directory, the SQLite database
/// and its -wal and -shm (when the store is SQLite), the JWT secret file (when it is one).
pub fn private_paths(data_dir: &Path, database_url: &str, secret: Option<&Path>) -> Vec<PathBuf> {
    let mut paths = vec![data_dir.to_path_buf()];
    if let Some(db) = wfm_store::sqlite_file(database_url) {
        let with = |suffix: &str| {
            let mut name = db.clone().into_os_string();
            name.push(suffix);
            PathBuf::from(name)
        };
        paths.extend([db.clone(), with("-wal"), with("-shm")]);
    }
    paths.extend(secret.map(Path::to_path_buf));
    paths
}

/// Warns about each of `paths` that group or others may use.
pub fn warn_if_exposed(paths: &[PathBuf]) {
    for e in exposed(paths) {
        tracing::warn!(
            path = %e.path.display(),
            mode = %e.mode,
            fix = %e.fix,
            "{} is open to other local users (mode {}), and it holds personal data or a \
             secret: run `{}`",
            e.path.display(),
            e.mode,
            e.fix
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_owners_modes_pass() {
        let db = Path::new("/var/lib/wfm/wfm-pulse.db");
        for fine in [0o600, 0o400, 0o100600, 0o700] {
            assert_eq!(exposure(db, fine, false), None, "{fine:o}");
        }
        let e = exposure(db, 0o100644, false).unwrap();
        assert_eq!(
            (e.mode.as_str(), e.fix.as_str()),
            ("0644", "chmod 600 /var/lib/wfm/wfm-pulse.db")
        );
        for open in [0o640, 0o604, 0o620, 0o602, 0o660] {
            assert!(exposure(db, open, false).is_some(), "{open:o}");
        }
        let dir = exposure(Path::new("data"), 0o40755, true).unwrap();
        assert_eq!(
            (dir.mode.as_str(), dir.fix.as_str()),
            ("0755", "chmod 700 data")
        );
        let odd = exposure(Path::new("/srv/my data/it's"), 0o644, false).unwrap();
        assert_eq!(odd.fix, r"chmod 600 '/srv/my data/it'\''s'");
    }

    #[test]
    fn the_private_paths_follow_the_database_url() {
        let dir = Path::new("/d");
        let paths = private_paths(dir, "sqlite:///d/w.db", Some(Path::new("/d/jwt-secret")));
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        assert_eq!(
            names,
            [
                "/d",
                "/d/w.db",
                "/d/w.db-wal",
                "/d/w.db-shm",
                "/d/jwt-secret"
            ]
        );
        assert_eq!(private_paths(dir, "postgres://h/db", None), [dir]);
    }

    #[cfg(unix)]
    #[test]
    fn a_real_file_open_to_others_is_found_and_a_new_directory_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let root = std::env::temp_dir().join(format!("wfm-files-{}", uuid::Uuid::new_v4()));
        let dir = root.join("a/b");
        create_private_dir(&dir).unwrap();
        for d in [&root.join("a"), &dir] {
            let mode = std::fs::metadata(d).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700, "{}", d.display());
        }
        let db = dir.join("w.db");
        std::fs::write(&db, b"").unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
        let found = exposed(&[dir.clone(), db.clone(), dir.join("w.db-wal")]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((&found[0].path, found[0].mode.as_str()), (&db, "0644"));
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(exposed(&[db]), []);
        std::fs::remove_dir_all(&root).unwrap();
    }
}

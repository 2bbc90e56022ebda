//! The audit log is append-only, proved on the source: of every statement in the store's
//! code and migrations that names the audit log, the only one that changes or removes
//! entries is the retention purge's `DELETE FROM audit_log WHERE at < $1`. (The conformance
//! suite proves the database refuses updates, and that the purge removes exactly the
//! expired entries.)

use std::path::{Path, PathBuf};

/// Every `.rs` and `.sql` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs" || e == "sql") {
            out.push(path);
        }
    }
}

/// Statements that change or remove rows or the table, as they start.
const CHANGES: [&str; 8] = [
    "UPDATE AUDIT_LOG",
    "DELETE FROM AUDIT_LOG",
    "TRUNCATE AUDIT_LOG",
    "TRUNCATE TABLE AUDIT_LOG",
    "DROP TABLE AUDIT_LOG",
    "ALTER TABLE AUDIT_LOG",
    "REPLACE INTO AUDIT_LOG",
    "INSERT OR REPLACE INTO AUDIT_LOG",
];

#[test]
fn nothing_but_the_retention_purge_changes_or_removes_audit_entries() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    sources(&root.join("migrations"), &mut files);
    assert!(files.len() > 20, "the sources were found: {files:?}");
    let mut found = Vec::new();
    let mut statements_naming_it = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        // Whitespace and case folded, so a statement split over lines is still seen.
        let folded = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_uppercase();
        statements_naming_it += folded.matches("AUDIT_LOG").count();
        for verb in CHANGES {
            for (at, _) in folded.match_indices(verb) {
                let statement: String = folded[at..].chars().take(36).collect();
                let name = file.file_name().unwrap().to_string_lossy().into_owned();
                found.push((name, statement));
            }
        }
    }
    assert!(
        statements_naming_it > 5,
        "the audit log's statements were read"
    );
    assert_eq!(
        found,
        [(
            "audit.rs".to_string(),
            "DELETE FROM AUDIT_LOG WHERE AT < $1\"".to_string()
        )],
        "the purge is the only statement changing or removing audit entries"
    );
}

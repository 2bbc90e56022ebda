-- Data protection: the audit log made append-only by the database itself, each person's
-- key for the personal fields of audit entries (destroyed on erasure: crypto-shredding),
-- erased 1C employees (SHA-256 of the UID, so a later sync does not bring them back) and
-- the record of every erasure (which categories, never the data).
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- key_hex is 32 random bytes as hex; agent_id is no reference, so that the audit entries of a
-- deleted agent stay readable.
CREATE TABLE person_keys (
    agent_id INTEGER PRIMARY KEY,
    key_hex TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE privacy_deletions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id INTEGER,
    pseudonym TEXT,
    source TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('completed', 'failed')),
    categories TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    completed_at INTEGER,
    error TEXT,
    correlation_id TEXT NOT NULL
);
CREATE INDEX privacy_deletions_agent ON privacy_deletions (agent_id);

CREATE TABLE erased_employees (
    uid_sha256 TEXT PRIMARY KEY,
    deletion_id INTEGER NOT NULL REFERENCES privacy_deletions(id),
    erased_at INTEGER NOT NULL
);

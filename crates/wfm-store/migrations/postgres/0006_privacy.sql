-- Data protection: the audit log made append-only by the database itself, each person's
-- key for the personal fields of audit entries (destroyed on erasure: crypto-shredding),
-- erased 1C employees (SHA-256 of the UID, so a later sync does not bring them back) and
-- the record of every erasure (which categories, never the data).
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- key_hex is 32 random bytes as hex; agent_id is no reference, so that the audit entries of a
-- deleted agent stay readable.
CREATE TABLE person_keys (
    agent_id BIGINT PRIMARY KEY,
    key_hex TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE privacy_deletions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agent_id BIGINT,
    pseudonym TEXT,
    source TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('completed', 'failed')),
    categories TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    completed_at BIGINT,
    error TEXT,
    correlation_id TEXT NOT NULL
);
CREATE INDEX privacy_deletions_agent ON privacy_deletions (agent_id);

CREATE TABLE erased_employees (
    uid_sha256 TEXT PRIMARY KEY,
    deletion_id BIGINT NOT NULL REFERENCES privacy_deletions(id),
    erased_at BIGINT NOT NULL
);

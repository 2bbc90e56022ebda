-- Foundation: contact-center structure, access and the audit log. Instants are Unix ms (UTC).
CREATE TABLE sites (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    time_zone TEXT NOT NULL,
    interval_minutes BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE services (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (site_id, name)
);

CREATE TABLE agent_groups (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service_id BIGINT NOT NULL REFERENCES services(id),
    name TEXT NOT NULL,
    external_id TEXT UNIQUE,
    channel TEXT NOT NULL,
    sl_seconds BIGINT NOT NULL,
    sl_percent DOUBLE PRECISION NOT NULL,
    max_occupancy DOUBLE PRECISION NOT NULL,
    short_abandon_seconds BIGINT NOT NULL,
    grace_seconds BIGINT NOT NULL,
    thresholds TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (service_id, name)
);

CREATE TABLE agents (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    personnel_number TEXT,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    primary_group_id BIGINT REFERENCES agent_groups(id),
    active BIGINT NOT NULL CHECK (active IN (0, 1)),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE agent_skills (
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    group_id BIGINT NOT NULL REFERENCES agent_groups(id),
    priority BIGINT NOT NULL,
    PRIMARY KEY (agent_id, group_id)
);
CREATE INDEX agent_skills_group ON agent_skills (group_id);

CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    email TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE audit_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    correlation_id TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_correlation ON audit_log (correlation_id);
CREATE INDEX audit_log_at ON audit_log (at);

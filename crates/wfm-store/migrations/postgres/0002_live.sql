-- Live pipeline: the event log, the contact center's state codes, and the plan.
CREATE TABLE events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX events_at ON events (at);

CREATE TABLE state_codes (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    state TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE forecast (
    group_id BIGINT NOT NULL REFERENCES agent_groups(id) ON DELETE CASCADE,
    start_at BIGINT NOT NULL,
    end_at BIGINT NOT NULL,
    calls DOUBLE PRECISION NOT NULL,
    aht_seconds DOUBLE PRECISION NOT NULL,
    acd_percent DOUBLE PRECISION NOT NULL,
    operators DOUBLE PRECISION,
    PRIMARY KEY (group_id, start_at)
);

CREATE TABLE timetable (
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    start_at BIGINT NOT NULL,
    end_at BIGINT NOT NULL,
    activity TEXT NOT NULL,
    group_id BIGINT REFERENCES agent_groups(id) ON DELETE CASCADE,
    PRIMARY KEY (agent_id, start_at)
);
CREATE INDEX timetable_start ON timetable (start_at);

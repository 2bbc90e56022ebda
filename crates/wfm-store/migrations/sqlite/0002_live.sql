-- Live pipeline: the event log, the contact center's state codes, and the plan.
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX events_at ON events (at);

CREATE TABLE state_codes (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    state TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE forecast (
    group_id INTEGER NOT NULL REFERENCES agent_groups(id) ON DELETE CASCADE,
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    calls REAL NOT NULL,
    aht_seconds REAL NOT NULL,
    acd_percent REAL NOT NULL,
    operators REAL,
    PRIMARY KEY (group_id, start_at)
);

CREATE TABLE timetable (
    agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    activity TEXT NOT NULL,
    group_id INTEGER REFERENCES agent_groups(id) ON DELETE CASCADE,
    PRIMARY KEY (agent_id, start_at)
);
CREATE INDEX timetable_start ON timetable (start_at);

-- Integration: durable sync jobs, the integration activity log, the registry of integration
-- systems, production calendars, and the 1C ZUP data the syncs bring in.
-- Instants are Unix ms (UTC); dates are TEXT 'YYYY-MM-DD'; JSON is TEXT.
CREATE TABLE sync_jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    scope TEXT NOT NULL,
    queue_key TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    progress_done INTEGER NOT NULL,
    progress_total INTEGER NOT NULL,
    result TEXT,
    last_error TEXT,
    run_after INTEGER NOT NULL,
    lease_owner TEXT,
    lease_until INTEGER,
    initiator TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER
);
CREATE INDEX sync_jobs_runnable ON sync_jobs (state, run_after);
CREATE INDEX sync_jobs_queue ON sync_jobs (queue_key, id);
CREATE INDEX sync_jobs_correlation ON sync_jobs (correlation_id);

CREATE TABLE integration_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    correlation_id TEXT NOT NULL,
    system TEXT NOT NULL,
    operation TEXT NOT NULL,
    direction TEXT NOT NULL,
    outcome TEXT NOT NULL,
    http_status INTEGER,
    latency_ms INTEGER,
    records INTEGER,
    error TEXT,
    initiator TEXT NOT NULL,
    job_id INTEGER
);
CREATE INDEX integration_log_at ON integration_log (at);
CREATE INDEX integration_log_correlation ON integration_log (correlation_id);
CREATE INDEX integration_log_operation ON integration_log (system, operation, outcome);

-- audit_view is the configuration with secrets masked: what the audit log shows as "before".
CREATE TABLE integration_systems (
    system TEXT PRIMARY KEY,
    config TEXT NOT NULL,
    audit_view TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE production_calendars (
    year INTEGER PRIMARY KEY,
    xml TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- A department's service or group may be deleted in WFM; the next sync links it anew.
CREATE TABLE zup_departments (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    parent_id TEXT,
    service_id INTEGER REFERENCES services(id) ON DELETE SET NULL,
    group_id INTEGER REFERENCES agent_groups(id) ON DELETE SET NULL,
    synced_at INTEGER NOT NULL
);

CREATE TABLE zup_positions (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE zup_employees (
    id TEXT PRIMARY KEY,
    agent_id INTEGER NOT NULL UNIQUE REFERENCES agents(id) ON DELETE CASCADE,
    tab_n TEXT NOT NULL,
    lastname TEXT NOT NULL,
    firstname TEXT NOT NULL,
    secondname TEXT NOT NULL,
    startwork TEXT NOT NULL,
    finishwork TEXT,
    position_id TEXT NOT NULL,
    position TEXT NOT NULL,
    position_change_date TEXT,
    department_id TEXT NOT NULL,
    rate REAL NOT NULL,
    login TEXT,
    norm_week REAL NOT NULL,
    norm_week_change_date TEXT NOT NULL,
    sn TEXT,
    db_id TEXT,
    area TEXT,
    vacation TEXT NOT NULL,
    active INTEGER NOT NULL CHECK (active IN (0, 1)),
    synced_at INTEGER NOT NULL
);

CREATE TABLE zup_norm_hours (
    employee_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    hours REAL NOT NULL,
    PRIMARY KEY (employee_id, mode, from_date)
);

CREATE TABLE zup_timesheet (
    employee_id TEXT NOT NULL,
    day TEXT NOT NULL,
    timetype TEXT NOT NULL,
    hours REAL NOT NULL,
    PRIMARY KEY (employee_id, day, timetype)
);
CREATE INDEX zup_timesheet_day ON zup_timesheet (day);

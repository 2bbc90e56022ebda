-- Calls to the workplace: a supervisor asks an operator back to the line; tracked until on line.
CREATE TABLE workplace_calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    requested_by TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    correlation_id TEXT NOT NULL,
    on_line_at INTEGER
);
CREATE INDEX workplace_calls_requested ON workplace_calls (requested_at);

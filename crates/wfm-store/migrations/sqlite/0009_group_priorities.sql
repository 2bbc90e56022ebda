-- Group priorities for the executive dashboard: a group's importance (critical, high,
-- normal, low; a group without a row is normal), who set it and when.
CREATE TABLE group_priorities (
    group_id INTEGER PRIMARY KEY REFERENCES agent_groups(id) ON DELETE CASCADE,
    importance TEXT NOT NULL CHECK (importance IN ('critical', 'high', 'normal', 'low')),
    updated_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

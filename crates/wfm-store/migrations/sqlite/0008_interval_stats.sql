-- Indicator history: per group and grid interval, the summable components every indicator
-- of any bucket is computed from; per operator and interval, the adherence minutes. Both
-- are upserted as intervals close. Operators are keyed by agent id alone (no names), which
-- erasure keeps under a pseudonym, so the statistics outlive an erased person.
CREATE TABLE interval_stats (
    group_id INTEGER NOT NULL,
    interval_start INTEGER NOT NULL,
    interval_seconds INTEGER NOT NULL,
    arrivals INTEGER NOT NULL,
    offered INTEGER NOT NULL,
    answered INTEGER NOT NULL,
    answered_within_target INTEGER NOT NULL,
    abandoned INTEGER NOT NULL,
    short_abandoned INTEGER NOT NULL,
    handled INTEGER NOT NULL,
    handle_seconds REAL NOT NULL,
    wait_seconds REAL NOT NULL,
    forecast_calls REAL NOT NULL,
    forecast_answered REAL NOT NULL,
    forecast_handle_seconds REAL NOT NULL,
    planned_minutes INTEGER NOT NULL,
    online_minutes INTEGER NOT NULL,
    required_minutes REAL,
    sl_target_percent REAL NOT NULL,
    PRIMARY KEY (group_id, interval_start)
);

CREATE TABLE adherence_stats (
    agent_id INTEGER NOT NULL,
    interval_start INTEGER NOT NULL,
    interval_seconds INTEGER NOT NULL,
    scheduled_minutes INTEGER NOT NULL,
    adherent_minutes INTEGER NOT NULL,
    PRIMARY KEY (agent_id, interval_start)
);
CREATE INDEX adherence_stats_interval ON adherence_stats (interval_start);

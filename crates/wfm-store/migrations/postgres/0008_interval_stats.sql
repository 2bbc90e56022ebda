-- Indicator history: per group and grid interval, the summable components every indicator
-- of any bucket is computed from; per operator and interval, the adherence minutes. Both
-- are upserted as intervals close. Operators are keyed by agent id alone (no names), which
-- erasure keeps under a pseudonym, so the statistics outlive an erased person.
CREATE TABLE interval_stats (
    group_id BIGINT NOT NULL,
    interval_start BIGINT NOT NULL,
    interval_seconds BIGINT NOT NULL,
    arrivals BIGINT NOT NULL,
    offered BIGINT NOT NULL,
    answered BIGINT NOT NULL,
    answered_within_target BIGINT NOT NULL,
    abandoned BIGINT NOT NULL,
    short_abandoned BIGINT NOT NULL,
    handled BIGINT NOT NULL,
    handle_seconds DOUBLE PRECISION NOT NULL,
    wait_seconds DOUBLE PRECISION NOT NULL,
    forecast_calls DOUBLE PRECISION NOT NULL,
    forecast_answered DOUBLE PRECISION NOT NULL,
    forecast_handle_seconds DOUBLE PRECISION NOT NULL,
    planned_minutes BIGINT NOT NULL,
    online_minutes BIGINT NOT NULL,
    required_minutes DOUBLE PRECISION,
    sl_target_percent DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (group_id, interval_start)
);

CREATE TABLE adherence_stats (
    agent_id BIGINT NOT NULL,
    interval_start BIGINT NOT NULL,
    interval_seconds BIGINT NOT NULL,
    scheduled_minutes BIGINT NOT NULL,
    adherent_minutes BIGINT NOT NULL,
    PRIMARY KEY (agent_id, interval_start)
);
CREATE INDEX adherence_stats_interval ON adherence_stats (interval_start);

-- Alerting: alert rules, alerts with their timeline, predictions (scored later against what
-- happened), notification deliveries and each user's notification preferences.
-- Instants are Unix ms (UTC); flags are 0/1; JSON is TEXT.
CREATE TABLE alert_rules (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    enabled BIGINT NOT NULL CHECK (enabled IN (0, 1)),
    definition TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- No references from alerts to rules or groups: a deleted rule or group keeps its alerts
-- for history.
CREATE TABLE alerts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule_id BIGINT NOT NULL,
    scope TEXT NOT NULL,
    group_id BIGINT,
    severity TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('firing', 'acknowledged', 'resolved')),
    fired_at BIGINT NOT NULL,
    value DOUBLE PRECISION,
    threshold DOUBLE PRECISION,
    description TEXT NOT NULL,
    details TEXT NOT NULL,
    level BIGINT NOT NULL,
    acknowledged_at BIGINT,
    acknowledged_by TEXT,
    resolved_at BIGINT,
    resolved_by TEXT,
    updated_at BIGINT NOT NULL
);
-- At most one open (firing or acknowledged) alert per rule and scope, even under racing writers.
CREATE UNIQUE INDEX alerts_open_per_scope ON alerts (rule_id, scope) WHERE state <> 'resolved';
CREATE INDEX alerts_fired ON alerts (fired_at);
CREATE INDEX alerts_group ON alerts (group_id, fired_at);

CREATE TABLE alert_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id BIGINT NOT NULL REFERENCES alerts(id),
    at BIGINT NOT NULL,
    event TEXT NOT NULL,
    actor TEXT NOT NULL,
    level BIGINT,
    details TEXT NOT NULL
);
CREATE INDEX alert_events_alert ON alert_events (alert_id, at, id);

CREATE TABLE predictions (
    kind TEXT NOT NULL,
    group_id BIGINT NOT NULL,
    made_at BIGINT NOT NULL,
    target_at BIGINT NOT NULL,
    predicted DOUBLE PRECISION NOT NULL,
    threshold DOUBLE PRECISION NOT NULL,
    breach BIGINT NOT NULL CHECK (breach IN (0, 1)),
    actual DOUBLE PRECISION,
    actual_breach BIGINT CHECK (actual_breach IN (0, 1)),
    PRIMARY KEY (kind, group_id, target_at)
);
CREATE INDEX predictions_target ON predictions (target_at);

CREATE TABLE notification_deliveries (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id BIGINT REFERENCES alerts(id),
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX notification_deliveries_alert ON notification_deliveries (alert_id, id);

-- user_name is the token subject (`user` is reserved in PostgreSQL).
CREATE TABLE notification_prefs (
    user_name TEXT PRIMARY KEY,
    prefs TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Integration health: halts of automatic synchronization after a failed consistency check
-- (one in force per system, kept with its resumption for history), and the index that
-- lets feed rates be read by receipt time.
CREATE TABLE sync_halts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    system TEXT NOT NULL,
    halted_at BIGINT NOT NULL,
    reason TEXT NOT NULL,
    details TEXT NOT NULL,
    halted_by TEXT NOT NULL,
    resumed_at BIGINT,
    resumed_by TEXT,
    resume_note TEXT,
    accept_next BIGINT NOT NULL CHECK (accept_next IN (0, 1)),
    accept_used_at BIGINT
);
CREATE UNIQUE INDEX sync_halts_in_force ON sync_halts (system) WHERE resumed_at IS NULL;

CREATE INDEX events_received_at ON events (received_at);

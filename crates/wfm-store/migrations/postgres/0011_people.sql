-- People who sign in to the console: local accounts (argon2id password hashes, never the
-- password), failed attempts and lockout, a display language and personal settings (JSON:
-- which groups and indicators the wallboard shows). Sessions are kept by the SHA-256 of
-- their cookie, so a copy of the database cannot be used to sign in.
-- The foundation's users table was never used; it gives way to this one.
DROP TABLE users;

CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    locale TEXT NOT NULL,
    settings TEXT NOT NULL,
    failed_attempts BIGINT NOT NULL,
    locked_until BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- The first schema: messages, the rate-limit counters and the webhook
-- outbox. Times are Unix microseconds (UTC) in BIGINT columns, the same on
-- SQLite and PostgreSQL. Never edit a migration once it has landed: add
-- the next number.

-- +goose Up
CREATE TABLE messages (
    id              TEXT PRIMARY KEY,
    received_at     BIGINT NOT NULL,
    name            TEXT NOT NULL,
    contact         TEXT NOT NULL,
    body            TEXT NOT NULL,
    via             TEXT NOT NULL,
    remote_addr     TEXT NOT NULL,
    key_fingerprint TEXT NOT NULL,
    client_version  TEXT NOT NULL,
    read_at         BIGINT
);
CREATE INDEX messages_received_at ON messages (received_at);

-- One row per limit and fixed window: bucket is "addr:IP", "key:SHA256:..."
-- or "global"; window_start the window's first microsecond.
CREATE TABLE rate_counts (
    bucket       TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    window_end   BIGINT NOT NULL,
    count        INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_counts_window_end ON rate_counts (window_end);

-- A message waiting for the webhook; the row goes once it is delivered.
CREATE TABLE outbox (
    message_id   TEXT PRIMARY KEY,
    attempts     INTEGER NOT NULL,
    next_attempt BIGINT NOT NULL,
    last_error   TEXT NOT NULL
);
CREATE INDEX outbox_next_attempt ON outbox (next_attempt);

-- +goose Down
DROP TABLE outbox;
DROP TABLE rate_counts;
DROP TABLE messages;

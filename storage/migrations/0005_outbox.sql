-- lpbot schema, version 5: the outbox. Every message the bot owes a platform (a daily
-- question, a feedback reply, an edit, a delete) is a row here before it is sent, so a
-- crash or a platform fault delays it instead of losing it.

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    key             TEXT    NOT NULL UNIQUE,     -- "question:12"; also the platform tag
    kind            TEXT    NOT NULL,            -- which core handler sends it
    platform        TEXT    NOT NULL,
    channel_id      TEXT    NOT NULL,
    workspace       TEXT,
    post_id         INTEGER,
    answer_id       INTEGER,
    thread_id       TEXT,
    reply_to        TEXT,
    message_id      TEXT,                        -- target of an edit/delete; result once sent
    state           TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'sent', 'given_up')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    lease_until     TEXT,
    in_doubt        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    deadline        TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    sent_at         TEXT
);

CREATE INDEX outbox_waiting ON outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX outbox_leased ON outbox (lease_until) WHERE state = 'sending';

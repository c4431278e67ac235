-- lpbot schema, version 1. Datetimes are ISO 8601 UTC text with microseconds
-- ("2025-03-03T09:00:00.000000+00:00"), so text order is time order; dates are
-- ISO text; booleans are 0/1; lists are JSON arrays.

CREATE TABLE channels (
    platform        TEXT    NOT NULL,
    channel_id      TEXT    NOT NULL,
    workspace       TEXT,
    post_time       TEXT    NOT NULL,
    timezone        TEXT    NOT NULL,
    weekdays        TEXT    NOT NULL,           -- "0,1,2,3,4" (Monday = 0)
    paused          INTEGER NOT NULL DEFAULT 0,
    scheduled       INTEGER NOT NULL DEFAULT 0,
    skip_dates      TEXT    NOT NULL DEFAULT '[]',
    enabled         INTEGER NOT NULL DEFAULT 1,
    disabled_reason TEXT,
    PRIMARY KEY (platform, channel_id)
);

CREATE TABLE posts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    platform    TEXT NOT NULL,
    channel_id  TEXT NOT NULL,
    workspace   TEXT,
    kind        TEXT NOT NULL CHECK (kind IN ('daily', 'adhoc')),
    status      TEXT NOT NULL CHECK (status IN ('claimed', 'posted', 'skipped', 'failed')),
    question_id TEXT NOT NULL,
    principle   TEXT NOT NULL,
    local_date  TEXT,
    claimed_at  TEXT NOT NULL,
    posted_at   TEXT,
    message_id  TEXT,
    thread_id   TEXT,
    link        TEXT,
    CHECK (kind = 'adhoc' OR local_date IS NOT NULL)
);

-- The cross-process guarantee behind claim_daily_post: one daily post per channel
-- per local date, whichever process inserts first.
CREATE UNIQUE INDEX posts_one_daily_per_day
    ON posts (platform, channel_id, local_date) WHERE kind = 'daily';
CREATE INDEX posts_by_thread ON posts (platform, thread_id);
CREATE INDEX posts_by_channel ON posts (platform, channel_id, claimed_at);
CREATE INDEX posts_claimed ON posts (claimed_at) WHERE status = 'claimed';

CREATE TABLE answers (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    platform            TEXT    NOT NULL,
    channel_id          TEXT    NOT NULL,
    workspace           TEXT,
    user_id             TEXT    NOT NULL,
    user_name           TEXT    NOT NULL DEFAULT '',
    text                TEXT    NOT NULL,
    score               INTEGER NOT NULL,
    created_at          TEXT    NOT NULL,
    edited_at           TEXT,
    post_id             INTEGER REFERENCES posts (id) ON DELETE SET NULL,
    question_id         TEXT,
    principle           TEXT,
    message_id          TEXT,
    feedback_message_id TEXT,
    missing             TEXT    NOT NULL DEFAULT '[]',
    private             INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX answers_by_message ON answers (platform, message_id);
CREATE INDEX answers_by_user ON answers (platform, user_id, created_at);
CREATE INDEX answers_by_channel ON answers (platform, channel_id, created_at);
CREATE INDEX answers_by_post ON answers (post_id);

CREATE TABLE custom_questions (
    id        TEXT PRIMARY KEY,
    principle TEXT NOT NULL,
    text      TEXT NOT NULL,
    followups TEXT NOT NULL DEFAULT '[]',
    audience  TEXT
);

CREATE TABLE preferences (
    platform TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (platform, user_id, key)
);

CREATE TABLE seen_events (
    key     TEXT PRIMARY KEY,
    seen_at TEXT NOT NULL
);

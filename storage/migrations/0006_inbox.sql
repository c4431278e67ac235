-- lpbot schema, version 6: the inbox. An answer, an edit or a delete that a platform
-- handed over (and was acknowledged) is kept here until the core has handled it, so a
-- process killed in between handles it after the restart instead of losing it.

CREATE TABLE inbox (
    key         TEXT PRIMARY KEY,   -- "answer:slack:1750000500.000100"
    kind        TEXT NOT NULL,      -- which core event: answer, edit, delete
    payload     TEXT NOT NULL,      -- the event as JSON
    received_at TEXT NOT NULL
);

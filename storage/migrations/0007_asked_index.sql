-- lpbot schema, version 7: picking a question reads the channel's history grouped by
-- question (Storage.asked_questions) for every daily post; this index holds every
-- column that query needs, in its grouping order, so it never reads the posts table.

CREATE INDEX posts_asked
    ON posts (platform, channel_id, question_id, principle, status, claimed_at, id);

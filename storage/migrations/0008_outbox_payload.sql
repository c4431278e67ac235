-- lpbot schema, version 8: a message the core cannot rebuild from storage (a command's
-- answer sent after the platform's acknowledgement) keeps its content with its row.
-- It may hold a short-lived platform credential (a response_url, an interaction
-- token), so it is dropped as soon as the row is sent or given up.

ALTER TABLE outbox ADD COLUMN payload TEXT;

-- lpbot schema, version 2: when daily posts started in a channel, so a day that
-- began before the schedule existed is never owed (nor recorded as skipped).
ALTER TABLE channels ADD COLUMN scheduled_since TEXT;

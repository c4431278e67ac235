-- lpbot schema, version 4: one stored answer per platform message, so two processes
-- handling the same message cannot store it twice; seen platform events are pruned
-- by age, so the Slack retry check does not grow forever.

-- Earlier versions could hold duplicates: keep the first of each.
DELETE FROM answers
 WHERE message_id IS NOT NULL
   AND id NOT IN (SELECT MIN(id) FROM answers WHERE message_id IS NOT NULL
                  GROUP BY platform, message_id);

DROP INDEX answers_by_message;
CREATE UNIQUE INDEX answers_one_per_message
    ON answers (platform, message_id) WHERE message_id IS NOT NULL;

CREATE INDEX seen_events_by_age ON seen_events (seen_at);

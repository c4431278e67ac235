-- Placeholder so this branch's migrations stay numbered without gaps. The outbox
-- branch (issue 13) ships the real 0003_outbox.sql: on merge, take that file whole.
SELECT 1;

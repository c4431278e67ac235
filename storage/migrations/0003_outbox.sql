-- Intentionally empty: version 3 was reserved for the outbox while it was built on a
-- branch; the outbox table is version 5 (0005_outbox.sql), after the answers' identity.
SELECT 1;

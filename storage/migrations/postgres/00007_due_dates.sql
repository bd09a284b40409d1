-- +goose Up
-- Due dates (a calendar date, no time of day), each person's time zone
-- (an IANA name from the platform; '' means LEARNBOT_TIMEZONE) and the
-- reminders armed for open assignments with a due date.
ALTER TABLE people ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE assignments ADD COLUMN due_date DATE;
-- The due date of the command a decision was asked for: Only new and Force
-- reassignment apply it.
ALTER TABLE decisions ADD COLUMN due_date DATE;

-- One row per assignment and kind while its reminder is pending. Arming
-- (setting or changing a due date) upserts it; the reminder scan deletes it
-- in the transaction that queues the DM, which is what makes a reminder go
-- out at most once across replicas and restarts. due_date is the date it
-- reminds of, checked again when the DM is sent. No foreign key, as for
-- assignments (migration 00002): rows are written by the thousand and only
-- from assignments of the same transaction.
CREATE TABLE reminders (
    assignment_id BIGINT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('before', 'overdue')),
    due_date      DATE NOT NULL,
    remind_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (assignment_id, kind)
);
CREATE INDEX reminders_at ON reminders (remind_at);

-- +goose Down
DROP TABLE reminders;
ALTER TABLE decisions DROP COLUMN due_date;
ALTER TABLE assignments DROP COLUMN due_date;
ALTER TABLE people DROP COLUMN time_zone;

-- +goose Up
-- Due dates (a calendar date as TEXT YYYY-MM-DD), each person's time zone
-- (an IANA name from the platform; '' means LEARNBOT_TIMEZONE) and the
-- reminders armed for open assignments with a due date.
ALTER TABLE people ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE assignments ADD COLUMN due_date TEXT;
-- The due date of the command a decision was asked for: Only new and Force
-- reassignment apply it.
ALTER TABLE decisions ADD COLUMN due_date TEXT;

-- One row per assignment and kind while its reminder is pending; see the
-- PostgreSQL migration of the same name.
CREATE TABLE reminders (
    assignment_id BIGINT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('before', 'overdue')),
    due_date      TEXT NOT NULL,
    remind_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (assignment_id, kind)
);
CREATE INDEX reminders_at ON reminders (remind_at);

-- +goose Down
DROP TABLE reminders;
ALTER TABLE decisions DROP COLUMN due_date;
ALTER TABLE assignments DROP COLUMN due_date;
ALTER TABLE people DROP COLUMN time_zone;

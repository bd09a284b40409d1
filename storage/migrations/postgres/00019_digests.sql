-- +goose Up
-- Digests, nudges and escalation (DESIGN section 3c).
-- How often a guide gets the digest of what they assigned.
ALTER TABLE people ADD COLUMN digest TEXT NOT NULL DEFAULT 'weekly' CHECK (digest IN ('daily', 'weekly', 'off'));

-- notices claims a scheduled DM once per person, kind ('digest',
-- 'escalation') and period (the person's local date it is for): the row is
-- inserted in the transaction that queues the DM, so replicas waking at the
-- same moment queue it once.
CREATE TABLE notices (
    person_id  BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    period     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, kind, period)
);

-- nudges: at most one nudge per assignment and day of the learner's calendar.
CREATE TABLE nudges (
    assignment_id BIGINT NOT NULL REFERENCES assignments (id) ON DELETE CASCADE,
    day           DATE NOT NULL,
    PRIMARY KEY (assignment_id, day)
);

-- escalations: each assignment reported once to its guide, on the guide's day.
CREATE TABLE escalations (
    assignment_id BIGINT PRIMARY KEY REFERENCES assignments (id) ON DELETE CASCADE,
    guide_id      BIGINT NOT NULL,
    day           DATE NOT NULL
);
CREATE INDEX escalations_guide ON escalations (guide_id, day);

-- The scan and the digests look up open assignments by who made them.
CREATE INDEX assignments_open_by ON assignments (assigned_by, task_id) WHERE state = 'open';

-- +goose Down
DROP INDEX assignments_open_by;
DROP TABLE escalations;
DROP TABLE nudges;
DROP TABLE notices;
ALTER TABLE people DROP COLUMN digest;

-- +goose Up
-- (Dates are TEXT YYYY-MM-DD, as everywhere in this dialect.)
-- Learning paths (DESIGN 3b): an ordered list of steps, each a task released
-- on a day counted from enrolment, with an optional due offset. Paths and
-- tasks share one namespace per workspace (the store checks it).
CREATE TABLE paths (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    title        TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    archived_at  TIMESTAMP,
    UNIQUE (workspace_id, key)
);

CREATE TABLE path_steps (
    path_id  BIGINT NOT NULL REFERENCES paths (id) ON DELETE CASCADE,
    task_id  BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    day      INTEGER NOT NULL CHECK (day >= 0),
    due_days INTEGER CHECK (due_days >= 0),
    PRIMARY KEY (path_id, task_id)
);

-- A person in a path from a start day. At most one active enrolment per
-- person and path: Force reassignment ends the old one first. Finished is
-- not stored: an active enrolment with nothing left to release and every
-- released step done.
CREATE TABLE enrolments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    path_id      BIGINT NOT NULL REFERENCES paths (id) ON DELETE CASCADE,
    person_id    BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    enrolled_by  BIGINT NOT NULL,
    start_date   TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'ended')),
    forced       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMP NOT NULL,
    ended_at     TIMESTAMP
);
CREATE UNIQUE INDEX enrolments_active ON enrolments (path_id, person_id) WHERE state = 'active';
CREATE INDEX enrolments_person ON enrolments (person_id);

-- The step an assignment was released for.
ALTER TABLE assignments ADD COLUMN enrolment_id BIGINT;
CREATE INDEX assignments_enrolment ON assignments (enrolment_id) WHERE enrolment_id IS NOT NULL;

-- One row per step of an active enrolment not yet released, with its moment
-- (09:00 in the learner's time zone on its day). The release scan deletes
-- it in the transaction that makes the assignment, which is what releases a
-- step once across replicas and restarts (as reminders do).
CREATE TABLE releases (
    enrolment_id BIGINT NOT NULL,
    task_id      BIGINT NOT NULL,
    release_date TEXT NOT NULL,
    release_at   TIMESTAMP NOT NULL,
    due_days     INTEGER,
    PRIMARY KEY (enrolment_id, task_id)
);
CREATE INDEX releases_at ON releases (release_at);

-- The pending choice when some targets of an enrolment hold the path
-- (DESIGN 3): as decisions, for a path. The targets are kept as the people
-- they were when asked (members of platform groups became learners then).
CREATE TABLE path_decisions (
    id           TEXT PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    path_id      BIGINT NOT NULL REFERENCES paths (id) ON DELETE CASCADE,
    guide_id     BIGINT NOT NULL,
    people       TEXT NOT NULL,
    group_ids    TEXT NOT NULL DEFAULT '[]',
    start_date   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    resolution   TEXT,
    resolved_by  BIGINT,
    resolved_at  TIMESTAMP
);

-- +goose Down
DROP TABLE path_decisions;
DROP TABLE releases;
DROP INDEX assignments_enrolment;
ALTER TABLE assignments DROP COLUMN enrolment_id;
DROP TABLE enrolments;
DROP TABLE path_steps;
DROP TABLE paths;

-- +goose Up
-- unassign: an open assignment becomes 'removed'. It stays in the record
-- (the events say who removed it and when) but counts nowhere. SQLite cannot
-- change a CHECK constraint, so the table is rebuilt with the same columns
-- (https://www.sqlite.org/lang_altertable.html#otheralter); no table refers
-- to assignments by foreign key.
CREATE TABLE assignments_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL,
    task_id      BIGINT NOT NULL,
    person_id    BIGINT NOT NULL,
    assigned_by  BIGINT NOT NULL,
    group_id     BIGINT,
    forced       BOOLEAN NOT NULL DEFAULT FALSE,
    state        TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'removed')),
    created_at   TIMESTAMP NOT NULL,
    done_at      TIMESTAMP,
    dm_error     TEXT,
    dm_retrying  BOOLEAN NOT NULL DEFAULT FALSE,
    due_date     TEXT,
    FOREIGN KEY (workspace_id, task_id) REFERENCES tasks (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, id) ON DELETE CASCADE
);
INSERT INTO assignments_new (id, workspace_id, task_id, person_id, assigned_by, group_id, forced, state, created_at,
    done_at, dm_error, dm_retrying, due_date)
    SELECT id, workspace_id, task_id, person_id, assigned_by, group_id, forced, state, created_at,
    done_at, dm_error, dm_retrying, due_date FROM assignments;
DROP TABLE assignments;
ALTER TABLE assignments_new RENAME TO assignments;
CREATE INDEX assignments_task_person ON assignments (task_id, person_id);
CREATE INDEX assignments_person ON assignments (person_id, created_at);

-- +goose Down
CREATE TABLE assignments_old (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL,
    task_id      BIGINT NOT NULL,
    person_id    BIGINT NOT NULL,
    assigned_by  BIGINT NOT NULL,
    group_id     BIGINT,
    forced       BOOLEAN NOT NULL DEFAULT FALSE,
    state        TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done')),
    created_at   TIMESTAMP NOT NULL,
    done_at      TIMESTAMP,
    dm_error     TEXT,
    dm_retrying  BOOLEAN NOT NULL DEFAULT FALSE,
    due_date     TEXT,
    FOREIGN KEY (workspace_id, task_id) REFERENCES tasks (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, id) ON DELETE CASCADE
);
INSERT INTO assignments_old (id, workspace_id, task_id, person_id, assigned_by, group_id, forced, state, created_at,
    done_at, dm_error, dm_retrying, due_date)
    SELECT id, workspace_id, task_id, person_id, assigned_by, group_id, forced, state, created_at,
    done_at, dm_error, dm_retrying, due_date FROM assignments WHERE state <> 'removed';
DROP TABLE assignments;
ALTER TABLE assignments_old RENAME TO assignments;
CREATE INDEX assignments_task_person ON assignments (task_id, person_id);
CREATE INDEX assignments_person ON assignments (person_id, created_at);

-- +goose Up
-- Rules (DESIGN 3b): whoever joins a source gets a task, or is enrolled in a
-- path, once or every period. source_id is the learnbot group's ID, the
-- platform's channel, user group or role ID, or '' for everyone (joining
-- the workspace). A removed rule stays for the history.
CREATE TABLE rules (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    task_id      BIGINT REFERENCES tasks (id) ON DELETE CASCADE,
    path_id      BIGINT REFERENCES paths (id) ON DELETE CASCADE,
    source_kind  TEXT NOT NULL CHECK (source_kind IN ('group', 'channel', 'usergroup', 'role', 'everyone')),
    source_id    TEXT NOT NULL,
    source_name  TEXT NOT NULL,
    every_days   INTEGER CHECK (every_days > 0),
    every_text   TEXT NOT NULL DEFAULT '',
    due_days     INTEGER CHECK (due_days > 0),
    created_by   BIGINT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    removed_at   TIMESTAMP,
    applied      INTEGER NOT NULL DEFAULT 0,
    CHECK ((task_id IS NULL) <> (path_id IS NULL))
);
CREATE INDEX rules_source ON rules (workspace_id, source_kind, source_id) WHERE removed_at IS NULL;

-- One row per rule, person and period served: the claim that makes a rule
-- apply once per person and period across event retries, replicas and
-- restarts. period is 'once' for a rule without every; with every, it names
-- the latest assignment or enrolment the person had when served.
CREATE TABLE rule_applications (
    rule_id    BIGINT NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
    person_id  BIGINT NOT NULL,
    period     TEXT NOT NULL,
    applied_at TIMESTAMP NOT NULL,
    PRIMARY KEY (rule_id, person_id, period)
);

-- +goose Down
DROP TABLE rule_applications;
DROP TABLE rules;

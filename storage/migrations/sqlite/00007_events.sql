-- +goose Up
-- The audit trail (DESIGN section 1, Event): one row per change a person
-- makes, written in the transaction of the change. A change to a set of
-- people (assign to a group, unassign, group add) is one row with a count,
-- never one per person. The subject columns (task, person, invitation,
-- group) are plain ids, not foreign keys: the trail outlives what it names,
-- and details keeps the names as they were (JSON).
CREATE TABLE events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id  BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    actor_id      BIGINT,
    created_at    TIMESTAMP NOT NULL,
    kind          TEXT NOT NULL,
    task_id       BIGINT,
    person_id     BIGINT,
    invitation_id BIGINT,
    group_id      BIGINT,
    count         INTEGER NOT NULL DEFAULT 0,
    details       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_task ON events (workspace_id, task_id, created_at) WHERE task_id IS NOT NULL;
CREATE INDEX events_person ON events (workspace_id, person_id, created_at) WHERE person_id IS NOT NULL;
CREATE INDEX events_actor ON events (workspace_id, actor_id, created_at);

-- +goose Down
DROP TABLE events;

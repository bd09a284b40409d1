-- +goose Up
CREATE TABLE workspaces (
    id          BIGSERIAL PRIMARY KEY,
    platform    TEXT NOT NULL,
    external_id TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (platform, external_id)
);

CREATE TABLE people (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'guide', 'learner')),
    status       TEXT NOT NULL CHECK (status IN ('invited', 'active')),
    email        TEXT,
    display_name TEXT NOT NULL DEFAULT '',
    chat_id      TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (workspace_id, id)
);
CREATE UNIQUE INDEX people_chat_id ON people (workspace_id, chat_id) WHERE chat_id IS NOT NULL;
CREATE UNIQUE INDEX people_email ON people (workspace_id, email) WHERE email IS NOT NULL;
CREATE INDEX people_name ON people (workspace_id, lower(display_name));

CREATE TABLE tasks (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    title        TEXT NOT NULL,
    url          TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (workspace_id, key),
    UNIQUE (workspace_id, id)
);

CREATE TABLE groups (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (workspace_id, name),
    UNIQUE (workspace_id, id)
);

-- The workspace column in each foreign key keeps members, assignments and
-- decisions from ever pointing across workspaces.
CREATE TABLE group_members (
    workspace_id BIGINT NOT NULL,
    group_id     BIGINT NOT NULL,
    person_id    BIGINT NOT NULL,
    PRIMARY KEY (group_id, person_id),
    FOREIGN KEY (workspace_id, group_id) REFERENCES groups (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, id) ON DELETE CASCADE
);

CREATE TABLE assignments (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL,
    task_id      BIGINT NOT NULL,
    person_id    BIGINT NOT NULL,
    assigned_by  BIGINT NOT NULL,
    group_id     BIGINT,
    forced       BOOLEAN NOT NULL DEFAULT FALSE,
    state        TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done')),
    created_at   TIMESTAMPTZ NOT NULL,
    done_at      TIMESTAMPTZ,
    dm_error     TEXT,
    FOREIGN KEY (workspace_id, task_id) REFERENCES tasks (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX assignments_task_person ON assignments (task_id, person_id);
CREATE INDEX assignments_person ON assignments (person_id, created_at);

CREATE TABLE decisions (
    id           TEXT PRIMARY KEY,
    workspace_id BIGINT NOT NULL,
    task_id      BIGINT NOT NULL,
    guide_id     BIGINT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    resolution   TEXT,
    resolved_by  BIGINT,
    resolved_at  TIMESTAMPTZ,
    FOREIGN KEY (workspace_id, task_id) REFERENCES tasks (workspace_id, id) ON DELETE CASCADE
);

-- A decision keeps its targets as named: people and groups. Groups are
-- expanded again when a button is pressed, so "Only new" sees the state of
-- that moment and a prompt over 10,000 members stores two rows, not 10,000.
CREATE TABLE decision_people (
    decision_id TEXT NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
    person_id   BIGINT NOT NULL,
    PRIMARY KEY (decision_id, person_id)
);

CREATE TABLE decision_groups (
    decision_id TEXT NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
    group_id    BIGINT NOT NULL,
    PRIMARY KEY (decision_id, group_id)
);

CREATE TABLE invitations (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL,
    email        TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'guide', 'learner')),
    invited_by   BIGINT NOT NULL,
    person_id    BIGINT NOT NULL,
    token_hash   BYTEA NOT NULL UNIQUE,
    status       TEXT NOT NULL,
    send_count   INTEGER NOT NULL DEFAULT 0,
    last_sent_at TIMESTAMPTZ,
    last_error   TEXT,
    expires_at   TIMESTAMPTZ NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    accepted_at  TIMESTAMPTZ,
    FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX invitations_pending ON invitations (workspace_id, email) WHERE status = 'pending';

-- seen_events deduplicates platform event retries across replicas.
CREATE TABLE seen_events (
    key        TEXT PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE seen_events;
DROP TABLE invitations;
DROP TABLE decision_groups;
DROP TABLE decision_people;
DROP TABLE decisions;
DROP TABLE assignments;
DROP TABLE group_members;
DROP TABLE groups;
DROP TABLE tasks;
DROP TABLE people;
DROP TABLE workspaces;

-- +goose Up
-- A report's CSV link; see the PostgreSQL migration of the same name.
CREATE TABLE reports (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    token_hash   BLOB NOT NULL UNIQUE,
    group_id     BIGINT,
    created_by   BIGINT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE reports;

-- +goose Up
-- A report's CSV link (DESIGN section 2, report): the token is kept only
-- hashed, like an invitation's, and is valid for an hour. The CSV is
-- written when the link is opened, from the assignments as they are then.
CREATE TABLE reports (
    id          BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    token_hash  BYTEA NOT NULL UNIQUE,
    group_id    BIGINT,
    created_by  BIGINT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE reports;

-- +goose Up
-- One-time codes that link a chat account to an invitation accepted on the
-- web page, for platforms that give learnbot no email to match (Discord,
-- Matrix): shown once on the page, typed as `join <code>`, valid 7 days,
-- used once, stored only hashed (as invitation tokens are).
CREATE TABLE join_codes (
    code_hash    BYTEA PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    person_id    BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    expires_at   TIMESTAMPTZ NOT NULL,
    used_at      TIMESTAMPTZ
);

-- +goose Down
DROP TABLE join_codes;

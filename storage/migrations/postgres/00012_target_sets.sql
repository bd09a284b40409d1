-- +goose Up
-- The members of the platform groups (Slack user groups and channels,
-- Discord roles) a command names, written a page at a time while the
-- platform lists them, so that a group of 100,000 is neither one statement
-- nor held in memory. The command's transaction uses them as a set (people
-- created, holders counted, assignments made), and a decision keeps its set
-- (decisions.target_set) instead of copying it: Only new reads the targets
-- as named. A set no decision keeps is pruned a day later.
CREATE TABLE target_sets (
    id           TEXT PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE TABLE target_members (
    set_id            TEXT NOT NULL,
    chat_id           TEXT NOT NULL,
    display_name      TEXT NOT NULL,
    platform_language TEXT,
    time_zone         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX target_members_set ON target_members (set_id, chat_id);
ALTER TABLE decisions ADD COLUMN target_set TEXT;

-- +goose Down
ALTER TABLE decisions DROP COLUMN target_set;
DROP TABLE target_members;
DROP TABLE target_sets;

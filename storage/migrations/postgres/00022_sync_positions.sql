-- +goose Up
-- Where a platform's event stream was read up to, per workspace and bot
-- account (Matrix's sync token, next_batch), so that a restart neither
-- answers old commands again nor misses those sent while learnbot was down.
CREATE TABLE sync_positions (
    platform   TEXT NOT NULL,
    workspace  TEXT NOT NULL,
    account    TEXT NOT NULL,
    position   TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (platform, workspace, account)
);

-- +goose Down
DROP TABLE sync_positions;

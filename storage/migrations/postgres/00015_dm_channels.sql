-- +goose Up
-- The DM channel learnbot last wrote to each chat user through (Slack's
-- conversations.open answer), kept for every replica and across restarts:
-- conversations.open is one of Slack's most tightly limited methods (Tier
-- 3, about 50 calls a minute), and a process that forgot the channels
-- would open them all again for its next fan-out.
ALTER TABLE people ADD COLUMN dm_channel TEXT;

-- +goose Down
ALTER TABLE people DROP COLUMN dm_channel;

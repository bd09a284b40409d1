-- +goose Up
-- A DM that failed and is being retried is visible in progress with the
-- platform's error (dm_error), apart from one that was given up.
ALTER TABLE assignments ADD COLUMN dm_retrying BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE assignments DROP COLUMN dm_retrying;

-- +goose Up
-- A CSV made once and kept for its hour (the new links of a large invite):
-- sealed with a key derived from the link's token, which is stored only
-- hashed, so that the invitation tokens inside are never readable from the
-- database. NULL for a report written when opened.
ALTER TABLE reports ADD COLUMN sealed BYTEA;

-- +goose Down
ALTER TABLE reports DROP COLUMN sealed;

-- +goose Up
-- A CSV made once and kept for its hour; see the PostgreSQL migration of
-- the same name.
ALTER TABLE reports ADD COLUMN sealed BLOB;

-- +goose Down
ALTER TABLE reports DROP COLUMN sealed;

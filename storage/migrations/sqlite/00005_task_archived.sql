-- +goose Up
-- An archived task is hidden from the catalogue, from assign and from
-- autocomplete; its assignments stay.
ALTER TABLE tasks ADD COLUMN archived_at TIMESTAMP;

-- +goose Down
ALTER TABLE tasks DROP COLUMN archived_at;

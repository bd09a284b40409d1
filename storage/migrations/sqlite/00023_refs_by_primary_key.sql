-- +goose Up
-- PostgreSQL's check of new assignments now looks tasks and people up by
-- primary key; SQLite keeps its foreign keys and has nothing to change.
SELECT 1;

-- +goose Down
SELECT 1;

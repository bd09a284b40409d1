-- +goose Up
-- A target set is scratch: written while a command lists a platform group,
-- read by that command and, for a decision, by the button pressed within
-- its TTL. Written to the WAL, staging a group of 100,000 was about 6 MB of
-- it, flushed with each page (a tenth of the prompt's time). Unlogged, a
-- crash of PostgreSQL (or a failover to a standby) empties both tables; a
-- decision whose set is gone then answers as expired (ResolveDecision), and
-- the guide runs the command again.
ALTER TABLE target_pages SET UNLOGGED;
ALTER TABLE target_sets SET UNLOGGED;

-- +goose Down
ALTER TABLE target_sets SET LOGGED;
ALTER TABLE target_pages SET LOGGED;

-- +goose Up
-- unassign: an open assignment becomes 'removed'. It stays in the record
-- (the events say who removed it and when) but counts nowhere.
ALTER TABLE assignments DROP CONSTRAINT assignments_state_check;
ALTER TABLE assignments ADD CONSTRAINT assignments_state_check CHECK (state IN ('open', 'done', 'removed'));

-- +goose Down
DELETE FROM assignments WHERE state = 'removed';
ALTER TABLE assignments DROP CONSTRAINT assignments_state_check;
ALTER TABLE assignments ADD CONSTRAINT assignments_state_check CHECK (state IN ('open', 'done'));

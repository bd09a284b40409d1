-- +goose Up
-- An invited person is a learner until they accept: the invited role lives
-- on the invitation and is given on acceptance. Rows written before that
-- rule carried the invited role already.
UPDATE people SET role = 'learner' WHERE status = 'invited';

-- +goose Down
SELECT 1;

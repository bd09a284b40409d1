-- +goose Up
-- The check of new assignments' task and person (00002) looked each up by
-- workspace and ID. plpgsql keeps the plan it made for the first calls; on
-- a young table, without column statistics, that plan could walk all of a
-- workspace's people through the name index to find one. By primary key
-- there is one index to take, however little the planner knows.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION assignments_check_refs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- One index probe per new row (OFFSET 0 keeps each subquery apart).
    IF EXISTS (SELECT 1 FROM new_assignments n
               CROSS JOIN LATERAL (SELECT max(t.workspace_id) AS ws FROM tasks t WHERE t.id = n.task_id OFFSET 0) task
               CROSS JOIN LATERAL (SELECT max(p.workspace_id) AS ws FROM people p WHERE p.id = n.person_id OFFSET 0) person
               WHERE task.ws IS DISTINCT FROM n.workspace_id OR person.ws IS DISTINCT FROM n.workspace_id) THEN
        RAISE EXCEPTION 'assignment of a task or person outside its workspace'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION assignments_check_refs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_assignments n
               CROSS JOIN LATERAL (SELECT count(*) AS n FROM tasks t
                                   WHERE t.workspace_id = n.workspace_id AND t.id = n.task_id OFFSET 0) task
               CROSS JOIN LATERAL (SELECT count(*) AS n FROM people p
                                   WHERE p.workspace_id = n.workspace_id AND p.id = n.person_id OFFSET 0) person
               WHERE task.n = 0 OR person.n = 0) THEN
        RAISE EXCEPTION 'assignment of a task or person outside its workspace'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

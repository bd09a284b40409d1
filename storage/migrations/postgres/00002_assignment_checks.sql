-- +goose Up
-- Assignments are written in bulk (a group of 10,000 is one INSERT ... SELECT).
-- Their two foreign keys cost a locking lookup per row, which made two thirds
-- of such an INSERT; one check per statement over its new rows keeps the
-- same rule (a task and a person of the assignment's own workspace) at a
-- fraction of the cost. learnbot never deletes people or tasks; the cascade
-- the keys gave is kept for whoever does, by hand.
ALTER TABLE assignments
    DROP CONSTRAINT assignments_workspace_id_task_id_fkey,
    DROP CONSTRAINT assignments_workspace_id_person_id_fkey;

-- +goose StatementBegin
CREATE FUNCTION assignments_check_refs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- One index probe per new row (OFFSET 0 keeps each subquery apart):
    -- the plan cached for the transition table, whose size it cannot know,
    -- would otherwise scan all people to check an /assign of three.
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
CREATE TRIGGER assignments_refs AFTER INSERT ON assignments
    REFERENCING NEW TABLE AS new_assignments
    FOR EACH STATEMENT EXECUTE FUNCTION assignments_check_refs();

-- +goose StatementBegin
CREATE FUNCTION assignments_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.workspace_id, NEW.task_id, NEW.person_id) IS DISTINCT FROM (OLD.workspace_id, OLD.task_id, OLD.person_id) THEN
        RAISE EXCEPTION 'an assignment keeps its workspace, task and person'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER assignments_fixed BEFORE UPDATE OF workspace_id, task_id, person_id ON assignments
    FOR EACH ROW EXECUTE FUNCTION assignments_fixed();

-- +goose StatementBegin
CREATE FUNCTION assignments_cascade() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'people' THEN
        DELETE FROM assignments a USING gone g WHERE a.workspace_id = g.workspace_id AND a.person_id = g.id;
    ELSE
        DELETE FROM assignments a USING gone g WHERE a.workspace_id = g.workspace_id AND a.task_id = g.id;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER people_assignments_cascade AFTER DELETE ON people
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION assignments_cascade();
CREATE TRIGGER tasks_assignments_cascade AFTER DELETE ON tasks
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION assignments_cascade();

-- +goose Down
DROP TRIGGER tasks_assignments_cascade ON tasks;
DROP TRIGGER people_assignments_cascade ON people;
DROP FUNCTION assignments_cascade();
DROP TRIGGER assignments_fixed ON assignments;
DROP FUNCTION assignments_fixed();
DROP TRIGGER assignments_refs ON assignments;
DROP FUNCTION assignments_check_refs();
ALTER TABLE assignments
    ADD FOREIGN KEY (workspace_id, task_id) REFERENCES tasks (workspace_id, id) ON DELETE CASCADE,
    ADD FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, id) ON DELETE CASCADE;

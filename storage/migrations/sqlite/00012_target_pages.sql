-- +goose Up
-- PostgreSQL stages a target set a page per row behind the view
-- target_members (its migration 00013). SQLite keeps one row per member:
-- the database of one small team, and its planner would join an unfolded
-- JSON page in any order. target_member_ids, the chat IDs alone, is here
-- too so that the queries are the same on both.
CREATE VIEW target_member_ids AS SELECT set_id, chat_id FROM target_members;

-- +goose Down
DROP VIEW target_member_ids;

-- +goose Up
-- A target set's members are staged one row per platform page (a JSON
-- array of [chat_id, display_name, platform_language or '', time_zone]
-- rows) instead of one row per member: staging a group of 100,000 was
-- 100,000 rows and index entries. target_members stays, as a view that
-- unfolds the pages, so every query that reads the members reads them as
-- before.
CREATE TABLE target_pages (
    set_id  TEXT NOT NULL,
    members TEXT NOT NULL
);
CREATE INDEX target_pages_set ON target_pages (set_id);
INSERT INTO target_pages (set_id, members)
    SELECT set_id, json_group_array(json_array(chat_id, display_name, COALESCE(platform_language, ''), time_zone))
    FROM target_members GROUP BY set_id;
DROP TABLE target_members;
CREATE VIEW target_members AS
    SELECT p.set_id, m.value ->> 0 AS chat_id, m.value ->> 1 AS display_name,
        NULLIF(m.value ->> 2, '') AS platform_language, m.value ->> 3 AS time_zone
    FROM target_pages p, json_each(p.members) m;
-- Only the chat IDs, for the joins that need nothing else.
CREATE VIEW target_member_ids AS
    SELECT p.set_id, m.value ->> 0 AS chat_id FROM target_pages p, json_each(p.members) m;

-- +goose Down
CREATE TABLE target_members_rows (
    set_id            TEXT NOT NULL,
    chat_id           TEXT NOT NULL,
    display_name      TEXT NOT NULL,
    platform_language TEXT,
    time_zone         TEXT NOT NULL DEFAULT ''
);
INSERT INTO target_members_rows SELECT * FROM target_members;
DROP VIEW target_members;
DROP VIEW target_member_ids;
DROP TABLE target_pages;
ALTER TABLE target_members_rows RENAME TO target_members;
CREATE INDEX target_members_set ON target_members (set_id, chat_id);

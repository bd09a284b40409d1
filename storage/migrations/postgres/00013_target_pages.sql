-- +goose Up
-- A target set's members are staged one row per platform page (arrays of
-- up to a thousand members) instead of one row per member: staging a
-- group of 100,000 was 100,000 heap and index rows, most of a prompt's
-- time. target_members stays, as a view that unnests the pages, so every
-- query that reads the members reads them as before.
CREATE TABLE target_pages (
    set_id             TEXT NOT NULL,
    chat_ids           TEXT[] NOT NULL,
    display_names      TEXT[] NOT NULL,
    platform_languages TEXT[] NOT NULL, -- '' for none
    time_zones         TEXT[] NOT NULL
);
CREATE INDEX target_pages_set ON target_pages (set_id);
INSERT INTO target_pages (set_id, chat_ids, display_names, platform_languages, time_zones)
    SELECT set_id, array_agg(chat_id ORDER BY chat_id), array_agg(display_name ORDER BY chat_id),
        array_agg(COALESCE(platform_language, '') ORDER BY chat_id), array_agg(time_zone ORDER BY chat_id)
    FROM target_members GROUP BY set_id;
DROP TABLE target_members;
-- unnest of a column is planned as ten rows, which made the planner join a
-- set of 100,000 by 100,000 index lookups: a page is read through a
-- function the planner cannot inline, planned as the thousand rows a page
-- holds, and the joins over a large set are hash joins again.
-- +goose StatementBegin
CREATE FUNCTION target_page_members(ids TEXT[], names TEXT[], langs TEXT[], zones TEXT[])
    RETURNS TABLE (chat_id TEXT, display_name TEXT, platform_language TEXT, time_zone TEXT)
    LANGUAGE plpgsql IMMUTABLE STRICT ROWS 1000 AS $$
BEGIN
    RETURN QUERY SELECT * FROM unnest(ids, names, langs, zones);
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION target_page_ids(ids TEXT[]) RETURNS SETOF TEXT
    LANGUAGE plpgsql IMMUTABLE STRICT ROWS 1000 AS $$
BEGIN
    RETURN QUERY SELECT unnest(ids);
END
$$;
-- +goose StatementEnd
CREATE VIEW target_members AS
    SELECT p.set_id, m.chat_id, m.display_name, NULLIF(m.platform_language, '') AS platform_language, m.time_zone
    FROM target_pages p, target_page_members(p.chat_ids, p.display_names, p.platform_languages, p.time_zones) m;
-- Only the chat IDs, for the joins that need nothing else (a quarter of
-- the unnesting).
CREATE VIEW target_member_ids AS
    SELECT p.set_id, m.chat_id FROM target_pages p, target_page_ids(p.chat_ids) AS m (chat_id);

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
DROP FUNCTION target_page_members;
DROP FUNCTION target_page_ids;
ALTER TABLE target_members_rows RENAME TO target_members;
CREATE INDEX target_members_set ON target_members (set_id, chat_id);

-- +goose Up
-- A person's language (DESIGN 4a): the one they chose with the language
-- command (NULL: auto, follow the platform), and the platform's as last seen
-- (Slack users.info locale, Discord interaction locale; NULL: unknown or not
-- one learnbot speaks). Neither set: LEARNBOT_LANGUAGE.
ALTER TABLE people ADD COLUMN language TEXT CHECK (language IN ('en', 'de'));
ALTER TABLE people ADD COLUMN platform_language TEXT CHECK (platform_language IN ('en', 'de'));

-- +goose Down
ALTER TABLE people DROP COLUMN platform_language;
ALTER TABLE people DROP COLUMN language;

-- +goose Up
-- Languages are data (DESIGN 4a): which tags exist is the catalogue's
-- registry, not the schema's, so that a language is added without a
-- migration. SQLite cannot drop a CHECK, so each column is copied into a
-- new one without it. (This dialect has no 00014 and 00015: from this
-- change on, one change has one number in both dialects.)
ALTER TABLE people ADD COLUMN language_tag TEXT CHECK (length(language_tag) BETWEEN 2 AND 35);
UPDATE people SET language_tag = language;
ALTER TABLE people DROP COLUMN language;
ALTER TABLE people RENAME COLUMN language_tag TO language;
ALTER TABLE people ADD COLUMN platform_language_tag TEXT CHECK (length(platform_language_tag) BETWEEN 2 AND 35);
UPDATE people SET platform_language_tag = platform_language;
ALTER TABLE people DROP COLUMN platform_language;
ALTER TABLE people RENAME COLUMN platform_language_tag TO platform_language;

-- +goose Down
ALTER TABLE people ADD COLUMN language_old TEXT CHECK (language_old IN ('en', 'de'));
UPDATE people SET language_old = language WHERE language IN ('en', 'de');
ALTER TABLE people DROP COLUMN language;
ALTER TABLE people RENAME COLUMN language_old TO language;
ALTER TABLE people ADD COLUMN platform_language_old TEXT CHECK (platform_language_old IN ('en', 'de'));
UPDATE people SET platform_language_old = platform_language WHERE platform_language IN ('en', 'de');
ALTER TABLE people DROP COLUMN platform_language;
ALTER TABLE people RENAME COLUMN platform_language_old TO platform_language;

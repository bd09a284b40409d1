-- +goose Up
-- Languages are data (DESIGN 4a): which tags exist is the catalogue's
-- registry, not the schema's, so that a language is added without a
-- migration. The store keeps whatever registered tag it is given; a person
-- whose language is no longer registered reads the default.
ALTER TABLE people DROP CONSTRAINT IF EXISTS people_language_check;
ALTER TABLE people DROP CONSTRAINT IF EXISTS people_platform_language_check;
ALTER TABLE people ADD CONSTRAINT people_language_tag CHECK (length(language) BETWEEN 2 AND 35);
ALTER TABLE people ADD CONSTRAINT people_platform_language_tag CHECK (length(platform_language) BETWEEN 2 AND 35);

-- +goose Down
ALTER TABLE people DROP CONSTRAINT people_platform_language_tag;
ALTER TABLE people DROP CONSTRAINT people_language_tag;
UPDATE people SET language = NULL WHERE language NOT IN ('en', 'de');
UPDATE people SET platform_language = NULL WHERE platform_language NOT IN ('en', 'de');
ALTER TABLE people ADD CONSTRAINT people_language_check CHECK (language IN ('en', 'de'));
ALTER TABLE people ADD CONSTRAINT people_platform_language_check CHECK (platform_language IN ('en', 'de'));

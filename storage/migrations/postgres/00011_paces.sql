-- +goose Up
-- What the pacer (internal/pacer) learns of a rate limit, shared by the
-- replicas: each key's (workspace and method's) latest episode, times in
-- microseconds since 1970, and which replicas pace the key (heartbeats).
CREATE TABLE paces (
    key        TEXT PRIMARY KEY,
    refused_us BIGINT NOT NULL,
    resume_us  BIGINT NOT NULL,
    base       DOUBLE PRECISION NOT NULL,
    ceiling    DOUBLE PRECISION NOT NULL,
    burst      DOUBLE PRECISION NOT NULL
);
CREATE TABLE pace_replicas (
    key     TEXT NOT NULL,
    replica TEXT NOT NULL,
    seen_us BIGINT NOT NULL,
    PRIMARY KEY (key, replica)
);

-- +goose Down
DROP TABLE pace_replicas;
DROP TABLE paces;

-- name: schema
CREATE TABLE IF NOT EXISTS builds (
    model       TEXT NOT NULL,
    partition   TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    built_at    TEXT NOT NULL,
    PRIMARY KEY (model, partition)
);

-- name: fingerprints
SELECT partition, fingerprint FROM builds WHERE model = :model;

-- name: record
INSERT INTO builds (model, partition, fingerprint, rows, built_at)
VALUES (:model, :partition, :fingerprint, :rows, :built_at)
ON CONFLICT (model, partition) DO UPDATE SET
    fingerprint = excluded.fingerprint, rows = excluded.rows, built_at = excluded.built_at;

-- name: forget
DELETE FROM builds WHERE model = :model AND partition = :partition;

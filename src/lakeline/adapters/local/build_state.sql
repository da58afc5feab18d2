-- name: schema
CREATE TABLE IF NOT EXISTS builds (
    model       TEXT NOT NULL,
    partition   TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    built_at    TEXT NOT NULL,
    PRIMARY KEY (model, partition)
);
CREATE TABLE IF NOT EXISTS runs (
    run_id      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    stats       TEXT NOT NULL,
    PRIMARY KEY (run_id, kind)
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

-- name: record_run
INSERT OR REPLACE INTO runs (run_id, kind, started_at, finished_at, stats)
VALUES (:run_id, :kind, :started_at, :finished_at, :stats);

-- name: runs
SELECT run_id, kind, started_at, finished_at, stats FROM runs ORDER BY started_at DESC LIMIT :limit;

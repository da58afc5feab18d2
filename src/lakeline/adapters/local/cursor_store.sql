-- name: schema
CREATE TABLE IF NOT EXISTS cursors (
    dataset       TEXT PRIMARY KEY,
    value         TEXT NOT NULL,
    boundary_keys TEXT NOT NULL,
    committed_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pulls (
    dataset  TEXT NOT NULL,
    at       TEXT NOT NULL,
    status   TEXT NOT NULL,
    pages    INTEGER NOT NULL,
    records  INTEGER NOT NULL,
    detail   TEXT NOT NULL
);

-- name: get
SELECT value, boundary_keys FROM cursors WHERE dataset = :dataset;

-- name: commit
INSERT INTO cursors (dataset, value, boundary_keys, committed_at) VALUES (:dataset, :value, :keys, :at)
ON CONFLICT (dataset) DO UPDATE SET
    value = excluded.value, boundary_keys = excluded.boundary_keys, committed_at = excluded.committed_at;

-- name: record_run
INSERT INTO pulls (dataset, at, status, pages, records, detail)
VALUES (:dataset, :at, :status, :pages, :records, :detail);

-- name: runs
SELECT dataset, at, status, pages, records, detail FROM pulls WHERE dataset = :dataset ORDER BY at;

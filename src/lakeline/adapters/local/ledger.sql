-- The local ledger: the latest state of each object, and every attempt.
CREATE TABLE IF NOT EXISTS objects (
    object_id        TEXT PRIMARY KEY,   -- bucket/key
    bucket           TEXT NOT NULL,
    key              TEXT NOT NULL,
    dataset          TEXT NOT NULL,
    version          TEXT NOT NULL,      -- version id or etag
    status           TEXT NOT NULL,      -- processing | processed | rejected | failed
    size             INTEGER NOT NULL DEFAULT 0,
    rows_in          INTEGER NOT NULL DEFAULT 0,
    rows_kept        INTEGER NOT NULL DEFAULT 0,
    rows_quarantined INTEGER NOT NULL DEFAULT 0,
    partitions       TEXT NOT NULL DEFAULT '[]',
    outputs          TEXT NOT NULL DEFAULT '[]',
    warnings         TEXT NOT NULL DEFAULT '[]',
    error            TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    started_at       TEXT,
    finished_at      TEXT,
    lease_owner      TEXT,
    lease_expires_at TEXT
);
CREATE INDEX IF NOT EXISTS objects_by_dataset ON objects (dataset, status);
CREATE TABLE IF NOT EXISTS attempts (
    object_id        TEXT NOT NULL,
    version          TEXT NOT NULL,
    status           TEXT NOT NULL,
    rows_in          INTEGER NOT NULL,
    rows_kept        INTEGER NOT NULL,
    rows_quarantined INTEGER NOT NULL,
    error            TEXT,
    started_at       TEXT,
    finished_at      TEXT
);

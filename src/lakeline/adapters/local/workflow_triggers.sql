-- name: schema
CREATE TABLE IF NOT EXISTS workflow_triggers (at TEXT NOT NULL, detail TEXT NOT NULL);

-- name: add
INSERT INTO workflow_triggers (at, detail) VALUES (:at, :detail);

-- name: pending
SELECT count(*) FROM workflow_triggers;

-- name: clear
DELETE FROM workflow_triggers WHERE at <= :upto;

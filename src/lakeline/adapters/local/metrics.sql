-- name: schema
CREATE TABLE IF NOT EXISTS metrics (
    at TEXT NOT NULL, name TEXT NOT NULL, value REAL NOT NULL, unit TEXT NOT NULL, dimensions TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alerts (at TEXT NOT NULL, subject TEXT NOT NULL, message TEXT NOT NULL);

-- name: insert_metric
INSERT INTO metrics (at, name, value, unit, dimensions) VALUES (:at, :name, :value, :unit, :dimensions);

-- name: insert_alert
INSERT INTO alerts (at, subject, message) VALUES (:at, :subject, :message);

-- name: recent_alerts
SELECT at, subject, message FROM alerts ORDER BY at DESC LIMIT :limit;

-- name: series
SELECT at, value, dimensions FROM metrics WHERE name = :name ORDER BY at DESC LIMIT :limit;

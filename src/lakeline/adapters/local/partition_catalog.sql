-- name: schema
CREATE TABLE IF NOT EXISTS partitions (
    table_name  TEXT NOT NULL,
    partition   TEXT NOT NULL,
    location    TEXT NOT NULL,
    PRIMARY KEY (table_name, partition)
);

-- name: locations
SELECT partition, location FROM partitions WHERE table_name = :table_name;

-- name: point
INSERT INTO partitions (table_name, partition, location) VALUES (:table_name, :partition, :location)
ON CONFLICT (table_name, partition) DO UPDATE SET location = excluded.location;

-- name: drop
DELETE FROM partitions WHERE table_name = :table_name AND partition = :partition;

-- name: get
SELECT * FROM objects WHERE object_id = :object_id;

-- name: acquire
-- Take the lease unless another live lease holds it, or this version is already done:
-- one statement decides, so two processes can never both win, and a worker that read the
-- ledger before another finished cannot process the same version again. A handed-off version
-- is done, except for the runtime it was handed to (:takeover).
INSERT INTO objects (object_id, bucket, key, dataset, version, status, size,
                     attempts, started_at, lease_owner, lease_expires_at)
VALUES (:object_id, :bucket, :key, :dataset, :version, 'processing', :size,
        1, :now, :owner, :expires)
ON CONFLICT (object_id) DO UPDATE SET
    version = excluded.version, status = 'processing', size = excluded.size,
    dataset = excluded.dataset, attempts = objects.attempts + 1,
    started_at = excluded.started_at, finished_at = NULL, error = NULL,
    lease_owner = excluded.lease_owner, lease_expires_at = excluded.lease_expires_at
WHERE (objects.status <> 'processing' OR objects.lease_expires_at < :now)
  AND NOT (objects.version IS excluded.version
           AND (objects.status IN ('processed', 'rejected') OR (objects.status = 'handed_off' AND NOT :takeover)));

-- name: finish
UPDATE objects SET
    bucket = :bucket, key = :key, dataset = :dataset, version = :version, status = :status,
    size = :size, rows_in = :rows_in, rows_kept = :rows_kept, rows_quarantined = :rows_quarantined,
    partitions = :partitions, outputs = :outputs, warnings = :warnings, error = :error,
    attempts = :attempts, started_at = :started_at, finished_at = :finished_at,
    lease_owner = NULL, lease_expires_at = NULL
WHERE object_id = :object_id;

-- name: record_attempt
INSERT INTO attempts (object_id, version, status, rows_in, rows_kept, rows_quarantined,
                      error, started_at, finished_at)
VALUES (:object_id, :version, :status, :rows_in, :rows_kept, :rows_quarantined,
        :error, :started_at, :finished_at);

-- name: entries
SELECT * FROM objects
WHERE (:dataset IS NULL OR dataset = :dataset) AND (:status IS NULL OR status = :status)
ORDER BY started_at DESC, key;

-- Each partition of an object's valid rows: its value as its folder names it, and the rowids
-- of its first and last row in {table} (the validated table, in the object's order, or
-- sql/clustered.sql), between which a COPY of that partition alone reads
-- (sql/curated_partition.sql).
SELECT CAST(dt AS VARCHAR) AS value, min(rowid) AS first, max(rowid) AS last
FROM {table}
WHERE __ok
GROUP BY dt
ORDER BY dt

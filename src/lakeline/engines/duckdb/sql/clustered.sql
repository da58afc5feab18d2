-- The valid rows sorted by partition, each partition's rows in the object's order, for when
-- the partitions interleave through the object: each partition then fills row groups of its
-- own (sql/partition_spans.sql).
--   {stored}  the contract's columns, by their stored names
CREATE TEMP TABLE clustered AS
SELECT {stored}, dt, __ok
FROM validated
WHERE __ok
ORDER BY dt, rowid

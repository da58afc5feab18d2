-- The valid rows of one partition, in {table}'s order (the object's: sql/partition_spans.sql).
-- The comparison of dt with a constant lets DuckDB skip the row groups without the partition.
--   {columns}  the contract's columns, from their stored names
--   {table}    validated, or its copy sorted by partition (sql/clustered.sql)
--   {value}    the partition's value, of dt's type
SELECT {columns}
FROM {table}
WHERE __ok AND dt = {value}

-- The valid rows of one partition, in the object's order: the rowid range lets the scan skip
-- the row groups outside it (sql/partition_spans.sql).
--   {columns}  the contract's columns, from their stored names
--   {table}    validated, or its copy sorted by partition (sql/clustered.sql)
--   {value}    the partition's value, as text
--   {first}    the rowid of its first row
--   {last}     the rowid of its last row
SELECT {columns}
FROM {table}
WHERE __ok AND rowid BETWEEN {first} AND {last} AND CAST(dt AS VARCHAR) = {value}

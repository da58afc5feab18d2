-- The partitions of an object's valid rows in {table} (validated, in the object's order, or
-- sql/clustered.sql): each one's value as its folder names it and as stored, and how many of
-- the table's row groups hold its rows, which a COPY of that partition alone reads (DuckDB
-- skips the row groups whose range of dt leaves it out: sql/curated_partition.sql). The row
-- with a NULL value counts the row groups that hold any valid row.
--   {folder_value}    SQL of the folder's text from dt
--   {rows_per_group}  the rows of a DuckDB row group
SELECT
    {folder_value} AS value,
    CAST(dt AS VARCHAR) AS stored,
    count(DISTINCT rowid // {rows_per_group}) AS row_groups
FROM {table}
WHERE __ok
GROUP BY GROUPING SETS ((dt), ())
ORDER BY dt NULLS FIRST

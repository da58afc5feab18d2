-- Every rejected record of one object, in the quarantine table's schema: rows
-- that parsed but broke a rule, then records the reader could not parse.
--
-- row_number is the record's 1-based position among all records of the object
-- (sql/positions.sql); line_number adds the header lines, which is exact when
-- records do not span lines (no quoted line breaks). {explained} is the
-- rejected rows with their reasons and records (sql/explain.sql).
WITH failed AS (
    SELECT p.__row_number AS row_number, e.__reasons, e.__record
    FROM ({explained}) AS e
    JOIN positions AS p USING (__rowid)
)
SELECT
    row_number,
    CASE WHEN {line_based} THEN row_number + {header_lines} END AS line_number,
    __reasons AS reasons,
    __record AS record,
    CAST(NULL AS VARCHAR) AS raw_line,
    {source_object} AS source_object,
    {source_version} AS source_version,
    CAST({processed_at} AS TIMESTAMP) AS processed_at
FROM failed
UNION ALL
SELECT
    CAST(line - {header_lines} AS BIGINT),
    CAST(line AS BIGINT),
    -- The first column's error; a whole-line error (a line too long) has no column.
    [arg_min(error_type || ': ' || error_message, coalesce(column_idx, -1))],
    CAST(NULL AS VARCHAR),
    first(csv_line),
    {source_object},
    {source_version},
    CAST({processed_at} AS TIMESTAMP)
FROM {rejects}
GROUP BY line
ORDER BY row_number

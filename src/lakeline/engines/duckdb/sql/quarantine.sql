-- Every rejected record of one object, in the quarantine table's schema: rows
-- that parsed but broke a rule, then records the reader could not parse.
--
-- row_number is the record's 1-based position among all records of the object.
-- A parsed row's position is its position among parsed rows (__row_number)
-- plus the unparseable records before it; line_number adds the header lines,
-- which is exact when records do not span lines (no quoted line breaks).
WITH rejected_lines AS (
    SELECT line - {header_lines} - row_number() OVER (ORDER BY line) AS parsed_before,
           row_number() OVER (ORDER BY line) AS rejects_so_far
    FROM (SELECT DISTINCT line FROM {rejects})
),
rejected AS (
    -- parsed_before never decreases with the line, so an ASOF join finds, for each
    -- parsed row, how many unparseable records came before it (linear, not quadratic).
    SELECT parsed_before, max(rejects_so_far) AS rejects_before
    FROM rejected_lines
    GROUP BY parsed_before
),
failed AS (
    SELECT
        CAST(v.__row_number + coalesce(r.rejects_before, 0) AS BIGINT) AS row_number,
        v.__reasons,
        v.__record
    FROM (SELECT * FROM validated WHERE NOT __ok) AS v
    ASOF LEFT JOIN rejected AS r ON v.__row_number > r.parsed_before
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
    [arg_min(error_type || ': ' || error_message, column_idx)],
    CAST(NULL AS VARCHAR),
    first(csv_line),
    {source_object},
    {source_version},
    CAST({processed_at} AS TIMESTAMP)
FROM {rejects}
GROUP BY line
ORDER BY row_number

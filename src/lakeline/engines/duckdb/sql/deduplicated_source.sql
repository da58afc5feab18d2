-- A curated dataset as an analytics model reads it: one row per primary key, the
-- row of the latest ingest winning (ties broken by file name, deterministically).
--   {name}     the dataset (the view is named as its table)
--   {columns}  the dataset's columns and dt
--   {key}      the primary key columns
--   {scan}     read_parquet over the input files, with the file name in __file
--   {times}    a table of (uri, ingested_at) for those files
CREATE OR REPLACE TEMP VIEW {name} AS
SELECT {columns}
FROM (
    SELECT
        s.*,
        row_number() OVER (PARTITION BY {key} ORDER BY t.ingested_at DESC, s.__file DESC) AS __keep
    FROM {scan} AS s
    LEFT JOIN {times} AS t ON t.uri = s.__file
)
WHERE __keep = 1

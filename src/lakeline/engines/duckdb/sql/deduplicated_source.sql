-- A curated dataset as an analytics model reads it: one row per primary key, the
-- row of the latest ingest winning. Ties go to the last file name, then to the last
-- row of the file (a later record of the same key in one object supersedes an earlier
-- one), then to the last path: the same order as the Spark runner's, so both engines
-- keep the same row.
--   {name}     the dataset (the view is named as its table)
--   {columns}  the dataset's columns and dt
--   {key}      the primary key columns
--   {scan}     read_parquet over the input files, with the file's path in __file and
--              the row's place in it in file_row_number
--   {times}    a table of (uri, ingested_at) for those files
CREATE OR REPLACE TEMP VIEW {name} AS
SELECT {columns}
FROM (
    SELECT
        s.*,
        row_number() OVER (
            PARTITION BY {key}
            ORDER BY t.ingested_at DESC, regexp_extract(s.__file, '[^/]+$') DESC, s.file_row_number DESC,
                s.__file DESC
        ) AS __keep
    FROM {scan} AS s
    LEFT JOIN {times} AS t ON t.uri = s.__file
)
WHERE __keep = 1

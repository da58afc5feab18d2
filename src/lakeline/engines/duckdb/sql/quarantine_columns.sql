-- The columns of every <dataset>_quarantine table, in order (name and Athena type).
-- Read by lakeline.engines.duckdb.query for the empty table of a dataset with no rejects yet.
SELECT * FROM (VALUES
    ('row_number', 'bigint'),
    ('line_number', 'bigint'),
    ('reasons', 'array<string>'),
    ('record', 'string'),
    ('raw_line', 'string'),
    ('source_object', 'string'),
    ('source_version', 'string'),
    ('processed_at', 'timestamp')
) AS t(name, type)

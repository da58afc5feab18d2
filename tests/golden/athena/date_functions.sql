-- Athena: date_diff counts whole units; date_trunc and date_format behave as in Trino.
-- expect: [[25, "2024-01-05 00:00:00", "2024-01-05"]]
SELECT
    date_diff('hour', TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-01-02 01:30:00'),
    CAST(date_trunc('day', TIMESTAMP '2024-01-05 13:14:15') AS varchar),
    date_format(TIMESTAMP '2024-01-05 13:14:15', '%Y-%m-%d')

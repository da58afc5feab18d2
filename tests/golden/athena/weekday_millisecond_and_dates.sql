-- Athena: extract(dow) is ISO (Sunday is 7); millisecond is of the second; date_trunc of a
-- date is a date.
-- expect: [[7, 1, 123, "2024-01-01"]]
SELECT
    extract(dow FROM DATE '2024-01-07'),
    extract(dow FROM DATE '2024-01-08'),
    millisecond(TIMESTAMP '2024-01-05 10:00:07.123'),
    CAST(date_trunc('week', DATE '2024-01-07') AS varchar)

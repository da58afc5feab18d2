-- Athena: date_diff(unit, a, b) is b - a in whole units, not the unit boundaries crossed.
-- expect: [[0, 0, 0, 2]]
SELECT
    date_diff('hour', TIMESTAMP '2024-01-01 10:59:00', TIMESTAMP '2024-01-01 11:01:00'),
    date_diff('day', TIMESTAMP '2024-01-01 23:00:00', TIMESTAMP '2024-01-02 01:00:00'),
    date_diff('year', DATE '2023-12-31', DATE '2024-01-01'),
    date_diff('day', DATE '2024-01-01', DATE '2024-01-03')

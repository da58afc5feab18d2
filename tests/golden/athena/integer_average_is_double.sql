-- Athena: avg of integers is a double, not an integer.
-- expect: [[2.5]]
SELECT avg(x) FROM (VALUES 1, 2, 3, 4) AS t(x)

-- Athena: the same rounding applies to a column of doubles.
-- expect: [[0.5, 1], [1.5, 2], [2.5, 3], [-0.5, -1]]
SELECT x, CAST(x AS integer) FROM (VALUES DOUBLE '0.5', DOUBLE '1.5', DOUBLE '2.5', DOUBLE '-0.5') AS t(x)

-- Athena: CAST of a non-integer to an integer type rounds half away from zero
-- (DuckDB alone rounds half to even: 2.5 -> 2).
-- expect: [[3, -3, 4, 1, 2]]
SELECT CAST(2.5 AS integer), CAST(-2.5 AS integer), CAST(3.5 AS bigint), CAST(1.4 AS smallint), CAST(1.5e0 AS integer)

-- Athena: an integer literal is an integer, so a tinyint times 10 is an integer (200), not
-- a tinyint that overflows at 127 as DuckDB computes it on its own.
-- expect: [[200, 32767, -2700]]
SELECT x * 10, y + 32758, 300 * -y FROM (VALUES (CAST(20 AS tinyint), CAST(9 AS smallint))) AS t(x, y)

-- Athena: approx_distinct has a standard error of 2.3%; DuckDB's own estimate
-- was seen 12% off on 265 values, so lakeline counts exactly.
-- expect: [[265]]
-- tolerance: 0.023
SELECT approx_distinct(x) FROM UNNEST(sequence(1, 265)) AS t(x)

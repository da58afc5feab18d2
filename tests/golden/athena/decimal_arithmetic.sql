-- Athena (Trino decimal semantics): a DECIMAL literal takes its precision and scale from its
-- digits; a bare decimal has scale 0; 1.50 is a decimal literal; decimal division has the larger
-- scale of its operands and rounds half up (away from zero).
-- expect: [[1.2345, 1, 2.33, 0.3, 1.005, -1.3, 1.67]]
SELECT
    DECIMAL '1.2345',
    CAST(1.2345 AS decimal),
    CAST(7 AS decimal(10, 2)) / CAST(3 AS decimal(10, 2)),
    1.0 / 3,
    CAST(1.005 AS decimal(10, 3)) / 1,
    2.5 / -2,
    (CAST(10 AS decimal(10, 2)) / 3) / 2

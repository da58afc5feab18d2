-- Athena: dividing two integers gives an integer, truncated toward zero.
-- expect: [[3, -3, 3.5]]
SELECT 7 / 2, -7 / 2, 7.0 / 2

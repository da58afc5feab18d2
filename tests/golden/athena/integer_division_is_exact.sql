-- Athena: integer division truncates exactly, also past 2^53, where a double would round.
-- expect: [[9007199254740993, 3002399751580331]]
SELECT 9007199254740993 / 1, CAST(9007199254740993 AS bigint) / 3

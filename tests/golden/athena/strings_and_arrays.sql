-- Athena: regexp_replace takes Java replacements ($2 is a group); split_part past the last field
-- is NULL; slice(x, start, length) takes a length and counts a negative start from the end;
-- CAST(boolean AS integer) is 0 or 1.
-- expect: [["3ca 3cb 14m", true, "", [2, 3], [3, 4], [], 1]]
SELECT
    regexp_replace('1a 2b 14m', '(\d+)([ab]) ', '3c$2 '),
    split_part('a,b,c', ',', 5) IS NULL,
    split_part('a,,c', ',', 2),
    slice(ARRAY[1, 2, 3, 4, 5], 2, 2),
    slice(ARRAY[1, 2, 3, 4, 5], -3, 2),
    slice(ARRAY[1, 2, 3, 4, 5], -10, 2),
    CAST(true AS integer)

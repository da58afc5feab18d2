-- Athena: format() takes Java printf patterns; reverse of an array reverses its elements;
-- sequence(a, b) counts down when a > b.
-- expect: [["123%", "3.14159", "008", [30, null, 10], "cba", [5, 4, 3, 2, 1], [1, 3, 5]]]
SELECT
    format('%s%%', 123),
    format('%.5f', pi()),
    format('%03d', 8),
    reverse(ARRAY[10, NULL, 30]),
    reverse('abc'),
    sequence(5, 1),
    sequence(1, 5, 2)

-- Rows in, kept and quarantined for one object, and how many of the quarantined the reader
-- could not parse at all (those have no position to recover), from the validated table and
-- the reader's rejects.
WITH
    checked AS (
        SELECT count(__ok) AS n, count(*) FILTER (WHERE __ok) AS kept, count(*) FILTER (WHERE NOT __ok) AS broken
        FROM validated
    ),
    unparsed AS (SELECT count(DISTINCT line) AS n FROM {rejects})
SELECT
    checked.n + unparsed.n AS rows_in,
    checked.kept AS rows_kept,
    checked.broken + unparsed.n AS rows_quarantined,
    unparsed.n AS rows_unparsed
FROM checked, unparsed

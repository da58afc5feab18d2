-- Rejected rows' places among parsed records, from the validated table itself:
-- its rows are in the object's order when validation kept it (the processor
-- checks the plan), so a row's rowid is its place. Used by sql/positions.sql.
SELECT
    __fingerprint,
    row_number() OVER (PARTITION BY __fingerprint ORDER BY rowid) AS __occurrence,
    rowid + 1 AS __parsed_number
FROM validated
WHERE NOT __ok

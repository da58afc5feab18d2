-- Rejected rows' places among parsed records, from their rowid in the validated
-- table: its rows are in the object's order when validation kept it (the processor
-- checks the plan), so a row's rowid is its place. Used by sql/positions.sql.
SELECT rowid AS __rowid, rowid + 1 AS __parsed_number
FROM validated
WHERE NOT __ok

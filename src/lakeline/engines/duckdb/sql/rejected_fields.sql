-- The rejected rows of the validated table, with the text validation kept for each:
-- its raw fields, or what the reader computes them from (sql/rejected_rebuilt.sql).
--   {unpacked}  each kept value, under the name it had in validation
SELECT rowid AS __rowid, {unpacked}
FROM validated
WHERE NOT __ok

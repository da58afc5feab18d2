-- The rejected rows of the validated table, each with its rowid there (its place
-- among parsed records when validation kept the object's order), every reason,
-- the original record and a fingerprint of its raw fields.
SELECT rowid AS __rowid, __reasons, __record, __fingerprint
FROM validated
WHERE NOT __ok

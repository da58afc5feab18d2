-- Rows in, kept and quarantined for one object, from the validated table and the reader's rejects.
SELECT
    (SELECT count(*) FROM validated) + (SELECT count(DISTINCT line) FROM {rejects}) AS rows_in,
    (SELECT count(*) FROM validated WHERE __ok) AS rows_kept,
    (SELECT count(*) FROM validated WHERE NOT __ok) + (SELECT count(DISTINCT line) FROM {rejects})
        AS rows_quarantined

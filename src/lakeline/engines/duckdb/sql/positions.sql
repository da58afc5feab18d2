-- Where in the object each rejected row stands, found without slowing validation.
--
-- The "found" query gives, for each rejected row, its rowid in the validated table
-- and its place among the records the reader parsed.
--
-- A record's position among all records (row_number) adds the unparseable
-- records before it: both kinds are merged into one timeline ordered by how
-- many parsed records precede them, and a running sum counts the rejects.
--   found          (in braces, as the others) sql/found_by_rowid.sql or found_by_rescan.sql
--   {rejects}      the table of records the reader could not parse
--   {header_lines} how many lines precede the first record
CREATE TEMP TABLE positions AS
WITH found AS (
    {found}
),
rejected_lines AS (
    SELECT line - {header_lines} - row_number() OVER (ORDER BY line) AS parsed_before
    FROM (SELECT DISTINCT line FROM {rejects})
),
timeline AS (
    -- At equal positions a parsed record comes first: a reject with p parsed
    -- records before it follows record p.
    SELECT __parsed_number AS __at, 0 AS kind, __rowid, 0 AS rejects FROM found
    UNION ALL
    SELECT parsed_before, 1, NULL, 1 FROM rejected_lines
),
counted AS (
    SELECT *, sum(rejects) OVER (ORDER BY __at, kind ROWS UNBOUNDED PRECEDING) AS rejects_before
    FROM timeline
)
SELECT __rowid, CAST(__at + rejects_before AS BIGINT) AS __row_number
FROM counted
WHERE kind = 0

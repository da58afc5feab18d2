-- Where in the object each rejected row stands, found without slowing validation.
--
-- A second, cheap scan numbers every record the reader parses (a streaming
-- window over the raw text only, in the object's order) and keeps the numbers
-- of the records whose fingerprint belongs to a rejected row. Records with the
-- same fingerprint are identical, so pairing their k-th occurrences is exact.
--
-- A record's position among all records (row_number) adds the unparseable
-- records before it: both kinds are merged into one timeline ordered by how
-- many parsed records precede them, and a running sum counts the rejects.
--   {rescan}       the same records as validation read, without recording rejects again
--   {fingerprint}  the hash of the raw fields, as validate.sql computes it
--   {present}      the filter that drops non-records (blank lines)
--   {rejects}      the table of records the reader could not parse
--   {header_lines} how many lines precede the first record
CREATE TEMP TABLE positions AS
WITH wanted AS (
    SELECT DISTINCT __fingerprint FROM validated WHERE NOT __ok
),
numbered AS (
    SELECT row_number() OVER () AS __parsed_number, {fingerprint} AS __fingerprint, {present} AS __present
    FROM {rescan}
),
found AS (
    SELECT
        __fingerprint,
        row_number() OVER (PARTITION BY __fingerprint ORDER BY __parsed_number) AS __occurrence,
        __parsed_number
    FROM numbered
    WHERE __present AND __fingerprint IN (SELECT __fingerprint FROM wanted)
),
rejected_lines AS (
    SELECT line - {header_lines} - row_number() OVER (ORDER BY line) AS parsed_before
    FROM (SELECT DISTINCT line FROM {rejects})
),
timeline AS (
    -- At equal positions a parsed record comes first: a reject with p parsed
    -- records before it follows record p.
    SELECT __parsed_number AS __at, 0 AS kind, __fingerprint, __occurrence, 0 AS rejects FROM found
    UNION ALL
    SELECT parsed_before, 1, NULL, NULL, 1 FROM rejected_lines
),
counted AS (
    SELECT *, sum(rejects) OVER (ORDER BY __at, kind ROWS UNBOUNDED PRECEDING) AS rejects_before
    FROM timeline
)
SELECT __fingerprint, __occurrence, CAST(__at + rejects_before AS BIGINT) AS __row_number
FROM counted
WHERE kind = 0

-- Rejected rows' places among parsed records, from a second scan of the object,
-- for when validation could not keep the object's order. It numbers every record
-- the reader parses (a streaming window over the raw text only, in the object's
-- order) and keeps the numbers of records whose fingerprint belongs to a
-- rejected row. Used by sql/positions.sql.
--   {rescan}       the same records as validation read, without recording rejects again
--   {fingerprint}  the hash of the raw fields, as validate.sql computes it
--   {present}      the filter that drops non-records (blank lines)
WITH wanted AS (
    SELECT DISTINCT __fingerprint FROM validated WHERE NOT __ok
),
numbered AS (
    SELECT row_number() OVER () AS __parsed_number, {fingerprint} AS __fingerprint, {present} AS __present
    FROM {rescan}
)
SELECT
    __fingerprint,
    row_number() OVER (PARTITION BY __fingerprint ORDER BY __parsed_number) AS __occurrence,
    __parsed_number
FROM numbered
WHERE __present AND __fingerprint IN (SELECT __fingerprint FROM wanted)

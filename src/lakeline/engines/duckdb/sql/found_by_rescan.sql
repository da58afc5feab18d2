-- Rejected rows' places among parsed records, from a second scan of the object,
-- for when validation could not keep the object's order. It numbers every record
-- the reader parses (a streaming window over the raw text only, in the object's
-- order) and pairs them with the rejected rows by a fingerprint of their raw
-- fields: records with the same fingerprint are identical, so pairing their k-th
-- occurrences is exact. Used by sql/positions.sql.
--   {explained}    the rejected rows with their fingerprints (sql/explain.sql)
--   {rescan}       the same records as validation read, without recording rejects again
--   {fingerprint}  the hash of the raw fields, as sql/validate.sql computes it
--   {present}      the filter that drops non-records (blank lines)
WITH wanted AS (
    SELECT
        __rowid,
        __fingerprint,
        row_number() OVER (PARTITION BY __fingerprint ORDER BY __rowid) AS __occurrence
    FROM ({explained})
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
)
SELECT wanted.__rowid, found.__parsed_number
FROM wanted
JOIN found USING (__fingerprint, __occurrence)

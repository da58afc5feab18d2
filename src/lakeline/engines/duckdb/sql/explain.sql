-- Why each rejected row of one object was rejected, from the raw fields that
-- sql/validate.sql kept for it: the same casts and rules, run again over the
-- rejected rows alone, give every reason, the original record and a fingerprint.
-- A relation, not a table: each query that reads it computes only the columns it
-- uses (the quarantine file no fingerprint, the rescan no reasons).
--
-- lakeline.engines.duckdb.validation fills the placeholders:
--   {rejected}    the rejected rows' raw fields, under the names validation gave them
--                 (sql/rejected_fields.sql, or sql/rejected_rebuilt.sql over it)
--   {typed}       each contract column cast strictly to its type
--   {reason_list} the list of the row's reasons (only the record's own, when the record
--                 as a whole is broken: its fields' failures follow from it)
--   {record}      the original record as JSON text
--   {fingerprint} a hash of the raw fields, the same as the rescan's (sql/found_by_rescan.sql)
--   {unstable}    the reason of a row that no rule fails the second time
WITH source AS (
    {rejected}
),
typed AS (
    SELECT *, {typed}
    FROM source
),
listed AS (
    SELECT __rowid, {reason_list} AS __listed, {record} AS __record, {fingerprint} AS __fingerprint
    FROM typed
)
-- The rules ran a second time here: one whose answer depends on the time or on chance
-- (now(), random()) can pass now after failing in validation. The row stays rejected, and
-- says so (the list is tested in a projection of its own, so that it is computed once).
SELECT
    __rowid,
    CASE WHEN len(__listed) > 0 THEN __listed ELSE [{unstable}] END AS __reasons,
    __record,
    __fingerprint
FROM listed

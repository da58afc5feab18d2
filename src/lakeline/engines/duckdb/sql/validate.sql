-- The validation query over one landed object: raw records in; typed values,
-- a verdict and, for rejected rows, every reason, the original record and a
-- fingerprint out.
-- Rows are not numbered here: an order-keeping window before the casts would
-- serialize the whole pipeline. Only order-keeping operators follow the reader,
-- so the table this query fills holds the records in the object's order (its
-- rowid is the record's place among parsed records); sql/positions.sql turns
-- that into row numbers. Non-records (blank lines) stay, with a NULL verdict, so
-- that they keep their place. Rejected rows also carry a fingerprint of their
-- raw fields, for when the order is not kept (see sql/found_by_rescan.sql).
--
-- lakeline.engines.duckdb.validation fills the placeholders from the contract:
--   {reader}      the records of the object, every source field as text
--   {sources}     each source field renamed "__src__<field>", and the reader's own columns
--   {typed}       each contract column cast strictly to its type
--   {verdict}     TRUE when the row breaks none of the rules: a record broken as a whole is
--                 judged by that alone (its fields' rules would read text that is not there)
--   {reason_list} the list of a rejected row's reasons (only the record's own, when the
--                 record as a whole is broken: its fields' failures follow from it)
--   {unstable}    the reason of a rejected row that no rule fails when its reasons are
--                 listed (a check that answers by chance or by the clock)
--   {record}      the original record as JSON text
--   {fingerprint} a hash of the raw fields, the same as the rescan's
--   {columns}     the contract columns, in order, each named by its position (see stored_columns)
--   {partition}   the partition value (dt) from the event-time column
--   {present}     TRUE for records, FALSE for non-records
WITH source AS (
    SELECT {sources}
    FROM {reader}
),
typed AS (
    SELECT *, {typed}
    FROM source
),
checked AS (
    SELECT *, CASE WHEN {present} THEN {verdict} END AS __ok
    FROM typed
),
listed AS (
    -- The list is tested in a projection of its own, so that it is computed once: a
    -- rule that answers by chance may pass now after failing the verdict above.
    SELECT *, CASE WHEN NOT __ok THEN {reason_list} END AS __listed
    FROM checked
)
SELECT
    {columns},
    {partition} AS dt,
    __ok,
    CASE WHEN len(__listed) > 0 THEN __listed WHEN NOT __ok THEN [{unstable}] END AS __reasons,
    CASE WHEN NOT __ok THEN {record} END AS __record,
    CASE WHEN NOT __ok THEN {fingerprint} END AS __fingerprint
FROM listed

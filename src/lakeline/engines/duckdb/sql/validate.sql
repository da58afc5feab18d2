-- The validation query over one landed object: raw records in; typed values,
-- a verdict and, for rejected rows, their raw fields out. Why a row was
-- rejected is worked out afterwards, from those fields (sql/explain.sql).
-- Rows are not numbered here: an order-keeping window before the casts would
-- serialize the whole pipeline. Only order-keeping operators follow the reader,
-- so the table this query fills holds the records in the object's order (its
-- rowid is the record's place among parsed records); sql/positions.sql turns
-- that into row numbers. Non-records (blank lines) stay, with a NULL verdict, so
-- that they keep their place.
--
-- lakeline.engines.duckdb.validation fills the placeholders from the contract:
--   {reader}     the records of the object, every source field as text
--   {sources}    each source field renamed "__src__<field>", and the reader's own columns
--   {typed}      each contract column cast strictly to its type
--   {reasons}    one expression per rule: NULL when the rule holds, else why not
--   {carried}    the raw fields and the reader's columns as a list of texts, in the
--                order sql/rejected_fields.sql unpacks them, or the one text the
--                reader computes them from (a JSON line)
--   {columns}    the contract columns, in order, each named by its position (see stored_columns)
--   {partition}  the partition value (dt) from the event-time column
--   {present}    TRUE for records, FALSE for non-records
WITH source AS (
    SELECT {sources}
    FROM {reader}
),
typed AS (
    SELECT *, {typed}
    FROM source
),
checked AS (
    SELECT *, CASE WHEN {present} THEN coalesce({reasons}) IS NULL END AS __ok
    FROM typed
)
SELECT
    {columns},
    {partition} AS dt,
    __ok,
    CASE WHEN NOT __ok THEN {carried} END AS __raw
FROM checked

-- The validation query over one landed object: raw records in; typed values,
-- a verdict and, for rejected rows, every reason and the original record out.
-- __row_number is a record's position among the records the reader could parse.
-- It is numbered before the casts (a streaming window keeps the object's order;
-- a table's rowid after a parallel insert does not).
--
-- lakeline.engines.duckdb.processor fills the placeholders from the contract:
--   {reader}     the records of the object, every source field as text
--   {sources}    each source field renamed "__src__<field>"
--   {typed}      each contract column cast strictly to its type
--   {reasons}    one expression per rule: NULL when the rule holds, else why not
--   {record}     the original record as JSON text
--   {columns}    the contract columns, in order
--   {partition}  the partition value (dt) from the event-time column
WITH source AS (
    SELECT row_number() OVER () AS __row_number, {sources}
    FROM {reader}
),
typed AS (
    SELECT *, {typed}
    FROM source
    WHERE {present}
),
checked AS (
    SELECT *, coalesce({reasons}) IS NULL AS __ok
    FROM typed
)
SELECT
    __row_number,
    {columns},
    {partition} AS dt,
    __ok,
    CASE WHEN NOT __ok THEN list_filter([{reasons}], lambda r: r IS NOT NULL) END AS __reasons,
    CASE WHEN NOT __ok THEN {record} END AS __record
FROM checked

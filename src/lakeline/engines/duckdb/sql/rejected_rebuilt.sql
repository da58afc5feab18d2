-- The rejected rows' raw fields, computed again by the reader from the text validation
-- kept for them (a JSON line): the fields can be as long as the line, and kept as well
-- they would double what a rejected row weighs in the validated table.
--   {sources}  each source field renamed as validation names it, and the reader's own columns
--   {rebuilt}  the reader's relation over the rows of sql/rejected_fields.sql
SELECT __rowid, {sources}
FROM {rebuilt}

-- The positions table when no parsed row was rejected: nothing to look for, no second scan.
CREATE TEMP TABLE positions (__rowid BIGINT, __row_number BIGINT)

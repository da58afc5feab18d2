-- The positions table when no parsed row was rejected: nothing to look for, no second scan.
CREATE TEMP TABLE positions (__fingerprint UBIGINT, __occurrence BIGINT, __row_number BIGINT)

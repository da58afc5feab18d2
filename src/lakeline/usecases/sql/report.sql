-- Athena SQL behind `lakeline report`. {dataset} and {table} are filled in per table.

-- name: rows_per_day
SELECT dt, count(*) AS row_count FROM {dataset} GROUP BY dt ORDER BY dt;

-- name: top_reasons
-- Offending values are masked so that one rule is one bar.
SELECT regexp_replace(reason, '''[^'']*''', '…') AS reason, count(*) AS row_count
FROM {dataset}_quarantine CROSS JOIN UNNEST(reasons) AS t(reason)
GROUP BY 1 ORDER BY row_count DESC, reason LIMIT 6;

-- name: quality
SELECT table_name, outcome, count(*) AS rules FROM dq_results
WHERE run_id IN (SELECT max_by(run_id, evaluated_at) FROM dq_results GROUP BY table_name)
GROUP BY table_name, outcome ORDER BY table_name;

-- Athena SQL behind `lakeline report`. {dataset} and {table} are filled in per table.

-- name: rows_per_day
SELECT dt, count(*) AS row_count FROM {dataset} GROUP BY dt ORDER BY dt;

-- name: top_reasons
-- Offending values (quoted text, then numbers) are masked so that one rule is about one bar.
SELECT regexp_replace(regexp_replace(reason, '''.*''', '…'), '[0-9]+', 'N') AS reason, count(*) AS row_count
FROM {dataset}_quarantine CROSS JOIN UNNEST(reasons) AS t(reason)
GROUP BY 1 ORDER BY row_count DESC, reason LIMIT 6;

-- name: quality
-- Each table's own latest check: a run checks only the tables whose partitions changed.
SELECT r.table_name, r.outcome, count(*) AS rules
FROM dq_results AS r
JOIN (SELECT table_name, max_by(run_id, evaluated_at) AS run_id FROM dq_results GROUP BY table_name) AS latest
  ON r.table_name = latest.table_name AND r.run_id = latest.run_id
GROUP BY r.table_name, r.outcome ORDER BY r.table_name;

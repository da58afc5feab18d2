-- Trip duration percentiles in minutes, per day.
SELECT
    dt,
    round(approx_percentile(date_diff('second', pickup_at, dropoff_at) / 60.0, 0.5), 1) AS p50_minutes,
    round(approx_percentile(date_diff('second', pickup_at, dropoff_at) / 60.0, 0.9), 1) AS p90_minutes,
    round(approx_percentile(date_diff('second', pickup_at, dropoff_at) / 60.0, 0.99), 1) AS p99_minutes
FROM taxi_trips
GROUP BY dt
ORDER BY dt

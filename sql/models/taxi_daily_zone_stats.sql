-- model: taxi_daily_zone_stats
-- description: Per day and pickup zone: trips, revenue, distance, duration, tip rate and fare percentiles.
-- sources: taxi_trips
-- partition: dt
-- primary_key: dt, pickup_zone_id
-- quality: halt
SELECT
    dt,
    pickup_zone_id,
    count(*) AS trips,
    sum(total_amount) AS revenue,
    avg(trip_distance) AS avg_distance_miles,
    avg(date_diff('second', pickup_at, dropoff_at)) / 60.0 AS avg_duration_minutes,
    sum(tip_amount) / nullif(sum(fare_amount), 0) AS tip_rate,
    approx_percentile(CAST(fare_amount AS double), 0.5) AS p50_fare,
    approx_percentile(CAST(fare_amount AS double), 0.9) AS p90_fare
FROM taxi_trips
GROUP BY dt, pickup_zone_id

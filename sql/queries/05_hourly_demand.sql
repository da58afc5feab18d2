-- Demand by hour of day: average trips per hour across days, and the average fare then.
SELECT
    hour(pickup_at) AS pickup_hour,
    count(*) / count(DISTINCT dt) AS avg_trips_per_day,
    round(avg(fare_amount), 2) AS avg_fare
FROM taxi_trips
GROUP BY 1
ORDER BY 1

-- model: taxi_hourly_demand
-- description: Per day and hour of pickup: trips, passengers and average fare.
-- sources: taxi_trips
-- partition: dt
-- primary_key: dt, pickup_hour
SELECT
    dt,
    hour(pickup_at) AS pickup_hour,
    count(*) AS trips,
    sum(passenger_count) AS passengers,
    avg(CAST(fare_amount AS double)) AS avg_fare
FROM taxi_trips
GROUP BY dt, hour(pickup_at)

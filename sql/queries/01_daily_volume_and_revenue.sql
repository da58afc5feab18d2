-- Daily trip volume and revenue: trips, revenue, average fare and tip per day.
SELECT
    dt,
    count(*) AS trips,
    sum(total_amount) AS revenue,
    round(avg(fare_amount), 2) AS avg_fare,
    round(sum(tip_amount), 2) AS tips
FROM taxi_trips
GROUP BY dt
ORDER BY dt

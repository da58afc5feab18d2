-- The ten busiest pickup zones, with their share of all trips and their average distance.
SELECT
    pickup_zone_id,
    count(*) AS trips,
    round(100.0 * count(*) / sum(count(*)) OVER (), 2) AS share_pct,
    round(avg(trip_distance), 2) AS avg_miles
FROM taxi_trips
GROUP BY pickup_zone_id
ORDER BY trips DESC, pickup_zone_id
LIMIT 10

-- The ten busiest pickup zones, with their share of all trips and their average distance.
-- The share is a double: in Athena, 100.0 * count(*) / total is a decimal of scale 1 (6.2, not 6.17).
SELECT
    pickup_zone_id,
    count(*) AS trips,
    round(100 * CAST(count(*) AS double) / sum(count(*)) OVER (), 2) AS share_pct,
    round(avg(trip_distance), 2) AS avg_miles
FROM taxi_trips
GROUP BY pickup_zone_id
ORDER BY trips DESC, pickup_zone_id
LIMIT 10

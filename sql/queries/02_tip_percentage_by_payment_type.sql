-- Tip as a percentage of the fare, by payment type (only card tips are recorded by the meter).
SELECT
    CASE payment_type
        WHEN 1 THEN 'credit card'
        WHEN 2 THEN 'cash'
        WHEN 3 THEN 'no charge'
        WHEN 4 THEN 'dispute'
        ELSE 'other'
    END AS payment,
    count(*) AS trips,
    round(100.0 * sum(tip_amount) / nullif(sum(fare_amount), 0), 2) AS tip_pct
FROM taxi_trips
GROUP BY 1
ORDER BY trips DESC

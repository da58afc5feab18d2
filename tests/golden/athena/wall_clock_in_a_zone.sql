-- Athena: a timestamp is read in the session zone (UTC) and AT TIME ZONE shows its wall clock in
-- the zone named; from_unixtime(x, zone) likewise.
-- expect: [[5, 4, 19, "12:00"]]
SELECT
    hour(TIMESTAMP '2024-01-05 10:00:00' AT TIME ZONE 'America/New_York'),
    day(TIMESTAMP '2024-01-05 02:00:00' AT TIME ZONE 'America/Los_Angeles'),
    hour(from_unixtime(0, 'America/New_York')),
    date_format(TIMESTAMP '2024-07-05 10:00:00' AT TIME ZONE 'Europe/Paris', '%H:%i')

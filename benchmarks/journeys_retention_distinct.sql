-- Weekly retention (cohort: the week of each user's first signup; retained in week n: any
-- event after the signup in the n-th calendar week after it, Monday weeks, UTC; weeks
-- 0..8), written by hand the usual way: date_trunc weeks, DISTINCT (user, week), counts.
-- $path is the single Parquet export. Eligibility (weeks ended at as-of) is applied by
-- benchmarks/journeys.py on the cohort sizes, as journeylab does in polars.
WITH ev AS (
    SELECT user_id, name, event_at, event_id FROM read_parquet($path)
),
entry AS (  -- each user's first signup: an aggregate, no sort
    SELECT user_id, min(event_at) AS t0, date_trunc('week', min(event_at)) AS cohort
    FROM ev WHERE name = 'signup'
    GROUP BY user_id
),
back AS (
    SELECT DISTINCT e.user_id, n.cohort,
        date_diff('week', n.cohort, date_trunc('week', e.event_at)) AS period
    FROM ev e JOIN entry n ON e.user_id = n.user_id AND e.event_at > n.t0
)
SELECT cohort, period, count(*) AS retained
FROM back
WHERE period <= 8
GROUP BY ALL
UNION ALL
SELECT cohort, -1 AS period, count(*) FROM entry GROUP BY ALL
ORDER BY cohort, period

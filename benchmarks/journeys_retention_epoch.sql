-- The same question with integer weeks from epoch microseconds (no time-zone library call
-- per event: 1970-01-05 was a Monday) and DISTINCT (user, week). $path: the single export.
WITH ev AS (
    SELECT user_id, name, event_at, event_id,
           (epoch_us(event_at) // 86400000000 - 4) // 7 AS week
    FROM read_parquet($path)
),
entry AS (  -- each user's first signup: an aggregate, no sort
    SELECT user_id, min(event_at) AS t0, min(week) AS cohort
    FROM ev WHERE name = 'signup'
    GROUP BY user_id
),
back AS (
    SELECT DISTINCT e.user_id, n.cohort, e.week - n.cohort AS period
    FROM ev e JOIN entry n ON e.user_id = n.user_id AND e.event_at > n.t0
    WHERE e.week - n.cohort <= 8
)
SELECT cohort, period, count(*) AS retained FROM back GROUP BY ALL
UNION ALL
SELECT cohort, -1 AS period, count(*) FROM entry GROUP BY ALL
ORDER BY cohort, period

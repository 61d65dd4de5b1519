-- The same question with integer weeks and one aggregate per user instead of DISTINCT
-- (user, week): a bit per week returned (bit_or), unpacked per cohort. $path: the export.
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
masks AS (
    SELECT n.user_id, any_value(n.cohort) AS cohort, bit_or(1::BIGINT << (e.week - n.cohort)) AS m
    FROM ev e JOIN entry n ON e.user_id = n.user_id AND e.event_at > n.t0
    WHERE e.week - n.cohort <= 8
    GROUP BY n.user_id
),
per AS (SELECT cohort, m, count(*) AS users FROM masks GROUP BY ALL)
SELECT cohort, p.period, sum(users) FILTER (WHERE (m >> p.period) & 1 = 1) AS retained
FROM per, range(0, 9) AS p(period)
GROUP BY ALL
UNION ALL
SELECT cohort, -1 AS period, count(*) FROM entry GROUP BY ALL
ORDER BY cohort, period

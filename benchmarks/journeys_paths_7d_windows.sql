-- Top paths within 7 days of each user's first signup (depth 5, repeats collapsed, no
-- session gap), written by hand the usual way: every event of the window, two
-- window passes per user (previous event; running counts), one row per path, one per
-- sequence. Read by benchmarks/journeys.py; $path is the single Parquet export.
WITH ev AS (
    SELECT user_id, name, event_at, event_id FROM read_parquet($path)
),
anchor AS (  -- each user's first signup by (time, id): an aggregate, no sort
    SELECT user_id, min(event_at) AS t0, arg_min(event_id, (event_at, event_id)) AS a_id
    FROM ev WHERE name = 'signup'
    GROUP BY user_id
),
path AS (
    SELECT e.user_id, e.name, e.event_at, e.event_id,
           CASE WHEN e.event_id = a.a_id THEN 0 ELSE 1 END AS after_anchor
    FROM ev e JOIN anchor a ON e.user_id = a.user_id AND e.event_at >= a.t0
        AND e.event_at <= a.t0 + INTERVAL 7 DAY
),
prev AS (
    SELECT *,
        lag(name) OVER w AS prev_name
    FROM path
    WINDOW w AS (PARTITION BY user_id ORDER BY after_anchor, event_at, event_id)
),
flags AS (
    SELECT *,
        sum(CASE WHEN prev_name IS NULL OR name <> prev_name THEN 1 ELSE 0 END) OVER w AS step
    FROM prev
    WINDOW w AS (PARTITION BY user_id ORDER BY after_anchor, event_at, event_id
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
paths AS (
    SELECT user_id,
        max(name) FILTER (WHERE step = 2) AS s1,
        max(name) FILTER (WHERE step = 3) AS s2,
        max(name) FILTER (WHERE step = 4) AS s3,
        max(name) FILTER (WHERE step = 5) AS s4,
        max(name) FILTER (WHERE step = 6) AS s5
    FROM flags
    WHERE step <= 6 AND (prev_name IS NULL OR name <> prev_name)
    GROUP BY user_id
)
SELECT s1, s2, s3, s4, s5, count(*) AS paths
FROM paths
GROUP BY ALL
ORDER BY paths DESC, s1, s2, s3, s4, s5

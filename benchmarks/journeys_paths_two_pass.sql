-- The same question, hand-written with the idea journeylab uses: a first pass reads only
-- the events within 3 hours (6 session gaps) of the anchor and settles every path that
-- stopped (a gap, five steps) or went quiet more than 30 minutes before that horizon; a
-- second pass reads the events of the users left. $path is the single Parquet export.
WITH ev AS (
    SELECT user_id, name, event_at, event_id FROM read_parquet($path)
),
anchor AS (  -- each user's first signup by (time, id): an aggregate, no sort
    SELECT user_id, min(event_at) AS t0, arg_min(event_id, (event_at, event_id)) AS a_id
    FROM ev WHERE name = 'signup'
    GROUP BY user_id
),
near AS (
    SELECT e.user_id, e.name, e.event_at, e.event_id, a.t0,
           CASE WHEN e.event_id = a.a_id THEN 0 ELSE 1 END AS after_anchor
    FROM ev e JOIN anchor a ON e.user_id = a.user_id
        AND e.event_at >= a.t0 AND e.event_at <= a.t0 + INTERVAL 3 HOUR
),
near_flags AS (
    SELECT *,
        sum(CASE WHEN event_at - prev_at > INTERVAL 30 MINUTE THEN 1 ELSE 0 END) OVER w AS breaks,
        sum(CASE WHEN prev_name IS NULL OR name <> prev_name THEN 1 ELSE 0 END) OVER w AS step
    FROM (SELECT *, lag(name) OVER w AS prev_name, lag(event_at) OVER w AS prev_at
          FROM near WINDOW w AS (PARTITION BY user_id ORDER BY after_anchor, event_at, event_id))
    WINDOW w AS (PARTITION BY user_id ORDER BY after_anchor, event_at, event_id
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
near_paths AS (
    SELECT user_id,
        max(name) FILTER (WHERE breaks = 0 AND step = 2 AND new_step) AS s1,
        max(name) FILTER (WHERE breaks = 0 AND step = 3 AND new_step) AS s2,
        max(name) FILTER (WHERE breaks = 0 AND step = 4 AND new_step) AS s3,
        max(name) FILTER (WHERE breaks = 0 AND step = 5 AND new_step) AS s4,
        max(name) FILTER (WHERE breaks = 0 AND step = 6 AND new_step) AS s5,
        max(breaks) > 0 OR max(step) FILTER (WHERE breaks = 0) >= 6
            OR max(event_at) FILTER (WHERE breaks = 0) <= max(t0) + INTERVAL 3 HOUR - INTERVAL 30 MINUTE
            AS settled
    FROM (SELECT *, prev_name IS NULL OR name <> prev_name AS new_step FROM near_flags)
    GROUP BY user_id
),
far AS (
    SELECT e.user_id, e.name, e.event_at, e.event_id,
           CASE WHEN e.event_id = a.a_id THEN 0 ELSE 1 END AS after_anchor
    FROM ev e
    JOIN anchor a ON e.user_id = a.user_id AND e.event_at >= a.t0
    WHERE e.user_id IN (SELECT user_id FROM near_paths WHERE NOT settled)
),
far_flags AS (
    SELECT *,
        sum(CASE WHEN event_at - prev_at > INTERVAL 30 MINUTE THEN 1 ELSE 0 END) OVER w AS breaks,
        sum(CASE WHEN prev_name IS NULL OR name <> prev_name THEN 1 ELSE 0 END) OVER w AS step
    FROM (SELECT *, lag(name) OVER w AS prev_name, lag(event_at) OVER w AS prev_at
          FROM far WINDOW w AS (PARTITION BY user_id ORDER BY after_anchor, event_at, event_id))
    WINDOW w AS (PARTITION BY user_id ORDER BY after_anchor, event_at, event_id
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
far_paths AS (
    SELECT user_id,
        max(name) FILTER (WHERE step = 2) AS s1,
        max(name) FILTER (WHERE step = 3) AS s2,
        max(name) FILTER (WHERE step = 4) AS s3,
        max(name) FILTER (WHERE step = 5) AS s4,
        max(name) FILTER (WHERE step = 6) AS s5
    FROM far_flags
    WHERE breaks = 0 AND step <= 6 AND (prev_name IS NULL OR name <> prev_name)
    GROUP BY user_id
),
paths AS (
    SELECT s1, s2, s3, s4, s5 FROM near_paths WHERE settled
    UNION ALL
    SELECT s1, s2, s3, s4, s5 FROM far_paths
)
SELECT s1, s2, s3, s4, s5, count(*) AS paths
FROM paths
GROUP BY ALL
ORDER BY paths DESC, s1, s2, s3, s4, s5

WITH `t12` AS (
  SELECT
    `t10`.`uk`,
    MIN(`t10`.`t1`) AS `l1_1`,
    MAX(`t10`.`t1`) AS `last_start`,
    MIN(IF(`t10`.`t2` IS NOT NULL, `t10`.`t1`, NULL)) AS `l2_1`,
    MIN(`t10`.`t2`) AS `l2_2`
  FROM (
    SELECT
      `t8`.`uk`,
      `t8`.`t1`,
      MIN(`t8`.`rt`) AS `t2`
    FROM (
      SELECT
        `t6`.`uk`,
        `t6`.`t1`,
        `t6`.`end`,
        `t3`.`ru`,
        `t3`.`rt`
      FROM (
        SELECT
          `t4`.`user_id` AS `uk`,
          `t4`.`event_at` AS `t1`,
          `t4`.`event_at` + INTERVAL '1209600' SECOND AS `end`
        FROM (
          SELECT
            *
          FROM `events` AS `t0`
          WHERE
            `t0`.`name` IN ('purchase', 'signup')
            AND `t0`.`name` = 'signup'
            AND COALESCE(
              NOT (
                COALESCE(
                  CASE
                    WHEN JSON_TYPE(`t0`.`data`, '/channel') = 'VARCHAR'
                    THEN JSON_EXTRACT_STRING(`t0`.`data`, '/channel')
                    ELSE NULL
                  END = 'test',
                  FALSE
                )
              ),
              FALSE
            )
            AND `t0`.`event_at` >= CAST('2026-03-01T00:00:00+00:00' AS TIMESTAMP)
            AND `t0`.`event_at` <= CAST('2026-03-31T12:00:00+00:00' AS TIMESTAMP)
        ) AS `t4`
      ) AS `t6`
      LEFT OUTER JOIN (
        SELECT
          `t0`.`user_id` AS `ru`,
          `t0`.`event_at` AS `rt`
        FROM `events` AS `t0`
        WHERE
          `t0`.`name` IN ('purchase', 'signup')
          AND `t0`.`name` = 'purchase'
          AND `t0`.`event_at` <= CAST('2026-03-31T12:00:00+00:00' AS TIMESTAMP)
      ) AS `t3`
        ON `t6`.`uk` = `t3`.`ru` AND `t3`.`rt` >= `t6`.`t1` AND `t3`.`rt` <= `t6`.`end`
    ) AS `t8`
    GROUP BY
      1,
      2
  ) AS `t10`
  GROUP BY
    1
)
SELECT
  `t16`.`user_id`,
  `t16`.`reached`,
  `t16`.`last_start`,
  `t16`.`t1`,
  `t16`.`t2`,
  `t16`.`matured`,
  `t16`.`in_progress`,
  `t23`.`vs`,
  `t23`.`vn`
FROM (
  SELECT
    `t13`.`uk` AS `user_id`,
    CASE WHEN `t13`.`l2_2` IS NOT NULL THEN 1 ELSE 0 END + 1 AS `reached`,
    `t13`.`last_start`,
    COALESCE(`t13`.`l2_1`, `t13`.`l1_1`) AS `t1`,
    `t13`.`l2_2` AS `t2`,
    NOT (
      (
        `t13`.`last_start` + INTERVAL '1209600' SECOND
      ) > CAST('2026-03-31T12:00:00+00:00' AS TIMESTAMP)
    ) AS `matured`,
    (
      (
        CASE WHEN `t13`.`l2_2` IS NOT NULL THEN 1 ELSE 0 END + 1
      ) < 2
    )
    AND (
      (
        `t13`.`last_start` + INTERVAL '1209600' SECOND
      ) > CAST('2026-03-31T12:00:00+00:00' AS TIMESTAMP)
    ) AS `in_progress`
  FROM `t12` AS `t13`
) AS `t16`
LEFT OUTER JOIN (
  SELECT
    `t11`.`user_id` AS `vu`,
    `t11`.`vs`,
    `t11`.`vn`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t2`.`user_id`,
        CAST(`t2`.`event_at` AS TIMESTAMP) AS `t`,
        CAST(CASE
          WHEN (
            `t2`.`name` = 'signup'
          )
          AND COALESCE(
            NOT (
              COALESCE(
                CASE
                  WHEN JSON_TYPE(`t2`.`data`, '/channel') = 'VARCHAR'
                  THEN JSON_EXTRACT_STRING(`t2`.`data`, '/channel')
                  ELSE NULL
                END = 'test',
                FALSE
              )
            ),
            FALSE
          )
          AND (
            CAST(`t2`.`event_at` AS TIMESTAMP) >= CAST('2026-03-01T00:00:00' AS TIMESTAMP)
          )
          THEN 1
          WHEN `t2`.`name` = 'purchase'
          THEN 2
          ELSE 0
        END AS SMALLINT) AS `k`,
        `t2`.`event_id`,
        CASE
          WHEN JSON_TYPE(`t2`.`data`, '/channel') = 'VARCHAR'
          THEN JSON_EXTRACT_STRING(`t2`.`data`, '/channel')
          ELSE NULL
        END AS `vs`,
        CASE
          WHEN JSON_TYPE(`t2`.`data`, '/channel') IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')
          THEN CAST(JSON_EXTRACT_STRING(`t2`.`data`, '/channel') AS DOUBLE)
          ELSE NULL
        END AS `vn`
      FROM (
        SELECT
          *
        FROM `events` AS `t0`
        WHERE
          `t0`.`name` IN ('purchase', 'signup')
          AND CAST(`t0`.`event_at` AS TIMESTAMP) <= CAST('2026-03-31T12:00:00' AS TIMESTAMP)
      ) AS `t2`
    ) AS `t7`
    WHERE
      `t7`.`k` > 0
  ) AS `t11`
  INNER JOIN (
    SELECT
      `t19`.`user_id`,
      MIN(`t19`.`event_id`) AS `eid`
    FROM (
      SELECT
        `t11`.`user_id`,
        `t11`.`t`,
        `t11`.`k`,
        `t11`.`event_id`,
        `t11`.`vs`,
        `t11`.`vn`,
        `t18`.`ak`,
        `t18`.`at`
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t2`.`user_id`,
            CAST(`t2`.`event_at` AS TIMESTAMP) AS `t`,
            CAST(CASE
              WHEN (
                `t2`.`name` = 'signup'
              )
              AND COALESCE(
                NOT (
                  COALESCE(
                    CASE
                      WHEN JSON_TYPE(`t2`.`data`, '/channel') = 'VARCHAR'
                      THEN JSON_EXTRACT_STRING(`t2`.`data`, '/channel')
                      ELSE NULL
                    END = 'test',
                    FALSE
                  )
                ),
                FALSE
              )
              AND (
                CAST(`t2`.`event_at` AS TIMESTAMP) >= CAST('2026-03-01T00:00:00' AS TIMESTAMP)
              )
              THEN 1
              WHEN `t2`.`name` = 'purchase'
              THEN 2
              ELSE 0
            END AS SMALLINT) AS `k`,
            `t2`.`event_id`,
            CASE
              WHEN JSON_TYPE(`t2`.`data`, '/channel') = 'VARCHAR'
              THEN JSON_EXTRACT_STRING(`t2`.`data`, '/channel')
              ELSE NULL
            END AS `vs`,
            CASE
              WHEN JSON_TYPE(`t2`.`data`, '/channel') IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')
              THEN CAST(JSON_EXTRACT_STRING(`t2`.`data`, '/channel') AS DOUBLE)
              ELSE NULL
            END AS `vn`
          FROM (
            SELECT
              *
            FROM `events` AS `t0`
            WHERE
              `t0`.`name` IN ('purchase', 'signup')
              AND CAST(`t0`.`event_at` AS TIMESTAMP) <= CAST('2026-03-31T12:00:00' AS TIMESTAMP)
          ) AS `t2`
        ) AS `t7`
        WHERE
          `t7`.`k` > 0
      ) AS `t11`
      INNER JOIN (
        SELECT
          *
        FROM (
          SELECT
            `t13`.`uk` AS `user_id`,
            CASE WHEN `t13`.`l2_2` IS NOT NULL THEN 1 ELSE 0 END + 1 AS `ak`,
            CASE
              WHEN (
                CASE WHEN `t13`.`l2_2` IS NOT NULL THEN 1 ELSE 0 END + 1
              ) = 1
              THEN CAST(COALESCE(`t13`.`l2_1`, `t13`.`l1_1`) AS TIMESTAMP)
              WHEN (
                CASE WHEN `t13`.`l2_2` IS NOT NULL THEN 1 ELSE 0 END + 1
              ) = 2
              THEN CAST(`t13`.`l2_2` AS TIMESTAMP)
              ELSE NULL
            END AS `at`
          FROM `t12` AS `t13`
        ) AS `t15`
        WHERE
          `t15`.`ak` IS NOT NULL
      ) AS `t18`
        ON `t11`.`user_id` = `t18`.`user_id`
        AND `t11`.`k` = `t18`.`ak`
        AND `t11`.`t` = `t18`.`at`
    ) AS `t19`
    GROUP BY
      1
  ) AS `t21`
    ON `t11`.`user_id` = `t21`.`user_id` AND `t11`.`event_id` = `t21`.`eid`
) AS `t23`
  ON `t16`.`user_id` = `t23`.`vu`

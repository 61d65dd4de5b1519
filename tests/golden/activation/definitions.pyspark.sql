WITH `t12` AS (
  SELECT
    `t9`.`user_id`,
    `t9`.`event_at` AS `start_at`,
    CASE
      WHEN JSON_TYPE(`t9`.`data`, '/channel') = 'VARCHAR'
      THEN JSON_EXTRACT_STRING(`t9`.`data`, '/channel')
      ELSE NULL
    END AS `channel`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t1`.`event_id`,
        `t1`.`user_id`,
        `t1`.`name`,
        `t1`.`event_at`,
        `t1`.`received_at`,
        `t1`.`data`,
        ROW_NUMBER() OVER (
          PARTITION BY `t1`.`user_id`
          ORDER BY `t1`.`event_at` ASC NULLS LAST, `t1`.`event_id` ASC NULLS LAST
        ) - 1 AS `_rn`
      FROM (
        SELECT
          *
        FROM `events` AS `t0`
        WHERE
          `t0`.`event_at` <= CAST('2026-03-31T12:00:00.250000' AS TIMESTAMP)
          AND `t0`.`name` = 'signup'
      ) AS `t1`
    ) AS `t7`
    WHERE
      `t7`.`_rn` = 0
  ) AS `t9`
), `t39` AS (
  SELECT
    `t38`.`user_id`,
    `t38`.`channel`,
    `t38`.`start_at`,
    `t38`.`matured`,
    `t38`.`act_0`,
    `t38`.`act_1`,
    `t38`.`act_2`,
    CAST(DATEDIFF(MICROSECOND, `t38`.`start_at`, `t38`.`act_0`) AS DOUBLE) / 1000000.0 AS `sec_0`,
    CAST(DATEDIFF(MICROSECOND, `t38`.`start_at`, `t38`.`act_1`) AS DOUBLE) / 1000000.0 AS `sec_1`,
    CAST(DATEDIFF(MICROSECOND, `t38`.`start_at`, `t38`.`act_2`) AS DOUBLE) / 1000000.0 AS `sec_2`
  FROM (
    SELECT
      `t19`.`user_id`,
      `t19`.`channel`,
      `t19`.`start_at`,
      `t19`.`matured`,
      `t28`.`_a` AS `act_0`,
      `t29`.`_a` AS `act_1`,
      `t37`.`_a` AS `act_2`
    FROM (
      SELECT
        `t13`.`user_id`,
        COALESCE(`t13`.`channel`, 'unknown') AS `channel`,
        `t13`.`start_at`,
        `t13`.`start_at` <= CAST('2026-03-17T12:00:00.250000' AS TIMESTAMP) AS `matured`
      FROM `t12` AS `t13`
      WHERE
        `t13`.`start_at` >= CAST('2026-03-01T00:00:00' AS TIMESTAMP)
        AND `t13`.`start_at` < CAST('2026-03-16T00:00:00' AS TIMESTAMP)
    ) AS `t19`
    LEFT OUTER JOIN (
      SELECT
        `t24`.`user_id` AS `_u`,
        MIN(`t24`.`activated_at`) AS `_a`
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t5`.`user_id`,
            `t17`.`start_at`,
            `t5`.`activated_at`
          FROM (
            SELECT
              `t0`.`user_id`,
              `t0`.`event_at` AS `activated_at`
            FROM `events` AS `t0`
            WHERE
              `t0`.`event_at` <= CAST('2026-03-31T12:00:00.250000' AS TIMESTAMP)
              AND `t0`.`name` = 'profile_completed'
          ) AS `t5`
          INNER JOIN (
            SELECT
              `t13`.`user_id`,
              `t13`.`start_at`
            FROM `t12` AS `t13`
            WHERE
              `t13`.`start_at` >= CAST('2026-03-01T00:00:00' AS TIMESTAMP)
              AND `t13`.`start_at` < CAST('2026-03-16T00:00:00' AS TIMESTAMP)
          ) AS `t17`
            ON `t5`.`user_id` = `t17`.`user_id`
        ) AS `t20`
        WHERE
          `t20`.`activated_at` >= `t20`.`start_at`
          AND DATEDIFF(MICROSECOND, `t20`.`start_at`, `t20`.`activated_at`) <= 1209600000000
      ) AS `t24`
      GROUP BY
        1
    ) AS `t28`
      ON `t19`.`user_id` = `t28`.`_u`
    LEFT OUTER JOIN (
      SELECT
        `t25`.`user_id` AS `_u`,
        MIN(`t25`.`activated_at`) AS `_a`
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t11`.`user_id`,
            `t17`.`start_at`,
            `t11`.`activated_at`
          FROM (
            SELECT
              `t8`.`user_id`,
              `t8`.`event_at` AS `activated_at`
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  *
                FROM `events` AS `t0`
                WHERE
                  `t0`.`event_at` <= CAST('2026-03-31T12:00:00.250000' AS TIMESTAMP)
              ) AS `t3`
              WHERE
                `t3`.`name` = 'purchase'
                AND COALESCE(
                  CASE
                    WHEN JSON_TYPE(`t3`.`data`, '/amount') IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')
                    THEN CAST(JSON_EXTRACT_STRING(`t3`.`data`, '/amount') AS DOUBLE)
                    ELSE NULL
                  END >= 20.0,
                  FALSE
                )
            ) AS `t8`
          ) AS `t11`
          INNER JOIN (
            SELECT
              `t13`.`user_id`,
              `t13`.`start_at`
            FROM `t12` AS `t13`
            WHERE
              `t13`.`start_at` >= CAST('2026-03-01T00:00:00' AS TIMESTAMP)
              AND `t13`.`start_at` < CAST('2026-03-16T00:00:00' AS TIMESTAMP)
          ) AS `t17`
            ON `t11`.`user_id` = `t17`.`user_id`
        ) AS `t21`
        WHERE
          `t21`.`activated_at` >= `t21`.`start_at`
          AND DATEDIFF(MICROSECOND, `t21`.`start_at`, `t21`.`activated_at`) <= 1209600000000
      ) AS `t25`
      GROUP BY
        1
    ) AS `t29`
      ON `t19`.`user_id` = `t29`.`_u`
    LEFT OUTER JOIN (
      SELECT
        `t35`.`user_id` AS `_u`,
        MIN(`t35`.`activated_at`) AS `_a`
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t33`.`user_id`,
            `t17`.`start_at`,
            `t33`.`activated_at`
          FROM (
            SELECT
              `t31`.`user_id`,
              `t31`.`event_at` AS `activated_at`
            FROM (
              SELECT
                `t30`.`user_id`,
                `t30`.`event_id`,
                `t30`.`name`,
                `t30`.`data`,
                `t30`.`event_at`,
                `t30`.`tu`,
                `t30`.`a_tu`,
                `t30`.`b_time`,
                `t30`.`su_first`,
                `t30`.`su_seen`,
                SUM(
                  IF(
                    (
                      `t30`.`name` = 'session_start'
                    )
                    AND (
                      TRUE
                      AND (
                        (
                          `t30`.`b_time` IS NULL
                        ) OR COALESCE(`t30`.`tu` > `t30`.`b_time`, FALSE)
                      )
                    ),
                    1,
                    0
                  )
                ) OVER (
                  PARTITION BY `t30`.`user_id`
                  ORDER BY `t30`.`tu` ASC NULLS LAST, `t30`.`event_id` ASC NULLS LAST
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                ) AS `act_0`
              FROM (
                SELECT
                  `t23`.`user_id`,
                  `t23`.`event_id`,
                  `t23`.`name`,
                  `t23`.`data`,
                  `t23`.`event_at`,
                  `t23`.`tu`,
                  `t23`.`a_tu`,
                  `t23`.`b_time`,
                  MIN(IF(`t23`.`name` = 'signup', `t23`.`tu`, NULL)) OVER (
                    PARTITION BY `t23`.`user_id`
                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                  ) AS `su_first`,
                  SUM(IF(`t23`.`name` = 'signup', 1, 0)) OVER (
                    PARTITION BY `t23`.`user_id`
                    ORDER BY `t23`.`tu` ASC NULLS LAST, `t23`.`event_id` ASC NULLS LAST
                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                  ) AS `su_seen`
                FROM (
                  SELECT
                    `t22`.`user_id`,
                    `t22`.`event_id`,
                    `t22`.`name`,
                    `t22`.`data`,
                    `t22`.`event_at`,
                    `t22`.`tu`,
                    `t22`.`a_tu`,
                    `t22`.`a_tu` - 1 AS `b_time`
                  FROM (
                    SELECT
                      `t6`.`user_id`,
                      `t6`.`event_id`,
                      `t6`.`name`,
                      `t6`.`data`,
                      `t6`.`event_at`,
                      `t6`.`tu`,
                      `t18`.`a_tu`
                    FROM (
                      SELECT
                        `t0`.`event_id`,
                        `t0`.`user_id`,
                        `t0`.`name`,
                        `t0`.`event_at`,
                        `t0`.`received_at`,
                        `t0`.`data`,
                        DATEDIFF(MICROSECOND, CAST('1970-01-01T00:00:00+00:00' AS TIMESTAMP), `t0`.`event_at`) AS `tu`
                      FROM `events` AS `t0`
                      WHERE
                        `t0`.`event_at` <= CAST('2026-03-31T12:00:00.250000' AS TIMESTAMP)
                    ) AS `t6`
                    INNER JOIN (
                      SELECT
                        `t13`.`user_id` AS `_su`,
                        DATEDIFF(MICROSECOND, CAST('1970-01-01T00:00:00+00:00' AS TIMESTAMP), `t13`.`start_at`) AS `a_tu`
                      FROM `t12` AS `t13`
                      WHERE
                        `t13`.`start_at` >= CAST('2026-03-01T00:00:00' AS TIMESTAMP)
                        AND `t13`.`start_at` < CAST('2026-03-16T00:00:00' AS TIMESTAMP)
                    ) AS `t18`
                      ON `t6`.`user_id` = `t18`.`_su`
                  ) AS `t22`
                ) AS `t23`
              ) AS `t30`
            ) AS `t31`
            WHERE
              COALESCE(`t31`.`act_0` >= 2, FALSE) AND `t31`.`tu` >= `t31`.`a_tu`
          ) AS `t33`
          INNER JOIN (
            SELECT
              `t13`.`user_id`,
              `t13`.`start_at`
            FROM `t12` AS `t13`
            WHERE
              `t13`.`start_at` >= CAST('2026-03-01T00:00:00' AS TIMESTAMP)
              AND `t13`.`start_at` < CAST('2026-03-16T00:00:00' AS TIMESTAMP)
          ) AS `t17`
            ON `t33`.`user_id` = `t17`.`user_id`
        ) AS `t34`
        WHERE
          `t34`.`activated_at` >= `t34`.`start_at`
          AND DATEDIFF(MICROSECOND, `t34`.`start_at`, `t34`.`activated_at`) <= 1209600000000
      ) AS `t35`
      GROUP BY
        1
    ) AS `t37`
      ON `t19`.`user_id` = `t37`.`_u`
  ) AS `t38`
)
SELECT
  *
FROM (
  SELECT
    `t41`.`started`,
    `t41`.`activated`,
    `t41`.`matured`,
    `t41`.`activated_matured`,
    `t41`.`in_progress`,
    `t41`.`median_seconds`,
    `t41`.`p75_seconds`,
    2 AS `ord`,
    'twice' AS `definition`
  FROM (
    SELECT
      COUNT(*) AS `started`,
      COUNT(IF(`t40`.`act_2` IS NOT NULL, `t40`.`user_id`, NULL)) AS `activated`,
      COUNT(IF(`t40`.`matured`, `t40`.`user_id`, NULL)) AS `matured`,
      COUNT(IF((
        `t40`.`act_2` IS NOT NULL
      ) AND `t40`.`matured`, `t40`.`user_id`, NULL)) AS `activated_matured`,
      COUNT(
        IF(
          NOT (
            `t40`.`act_2` IS NOT NULL
          ) AND NOT (
            `t40`.`matured`
          ),
          `t40`.`user_id`,
          NULL
        )
      ) AS `in_progress`,
      PERCENTILE(`t40`.`sec_2`, 0.5) AS `median_seconds`,
      PERCENTILE(`t40`.`sec_2`, 0.75) AS `p75_seconds`
    FROM `t39` AS `t40`
  ) AS `t41`
) AS `t44`
UNION ALL
SELECT
  *
FROM (
  SELECT
    *
  FROM (
    SELECT
      `t42`.`started`,
      `t42`.`activated`,
      `t42`.`matured`,
      `t42`.`activated_matured`,
      `t42`.`in_progress`,
      `t42`.`median_seconds`,
      `t42`.`p75_seconds`,
      0 AS `ord`,
      'profile' AS `definition`
    FROM (
      SELECT
        COUNT(*) AS `started`,
        COUNT(IF(`t40`.`act_0` IS NOT NULL, `t40`.`user_id`, NULL)) AS `activated`,
        COUNT(IF(`t40`.`matured`, `t40`.`user_id`, NULL)) AS `matured`,
        COUNT(IF((
          `t40`.`act_0` IS NOT NULL
        ) AND `t40`.`matured`, `t40`.`user_id`, NULL)) AS `activated_matured`,
        COUNT(
          IF(
            NOT (
              `t40`.`act_0` IS NOT NULL
            ) AND NOT (
              `t40`.`matured`
            ),
            `t40`.`user_id`,
            NULL
          )
        ) AS `in_progress`,
        PERCENTILE(`t40`.`sec_0`, 0.5) AS `median_seconds`,
        PERCENTILE(`t40`.`sec_0`, 0.75) AS `p75_seconds`
      FROM `t39` AS `t40`
    ) AS `t42`
  ) AS `t45`
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      `t43`.`started`,
      `t43`.`activated`,
      `t43`.`matured`,
      `t43`.`activated_matured`,
      `t43`.`in_progress`,
      `t43`.`median_seconds`,
      `t43`.`p75_seconds`,
      1 AS `ord`,
      'big_purchase' AS `definition`
    FROM (
      SELECT
        COUNT(*) AS `started`,
        COUNT(IF(`t40`.`act_1` IS NOT NULL, `t40`.`user_id`, NULL)) AS `activated`,
        COUNT(IF(`t40`.`matured`, `t40`.`user_id`, NULL)) AS `matured`,
        COUNT(IF((
          `t40`.`act_1` IS NOT NULL
        ) AND `t40`.`matured`, `t40`.`user_id`, NULL)) AS `activated_matured`,
        COUNT(
          IF(
            NOT (
              `t40`.`act_1` IS NOT NULL
            ) AND NOT (
              `t40`.`matured`
            ),
            `t40`.`user_id`,
            NULL
          )
        ) AS `in_progress`,
        PERCENTILE(`t40`.`sec_1`, 0.5) AS `median_seconds`,
        PERCENTILE(`t40`.`sec_1`, 0.75) AS `p75_seconds`
      FROM `t39` AS `t40`
    ) AS `t43`
  ) AS `t46`
) AS `t47`

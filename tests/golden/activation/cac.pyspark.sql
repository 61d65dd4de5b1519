WITH `t2` AS (
  SELECT
    COUNT(*) AS `_n`
  FROM `spend` AS `t0`
), `t15` AS (
  SELECT
    `t3`.`channel`,
    SUM(`t3`.`amount`) AS `spend`
  FROM (
    SELECT
      *
    FROM `spend` AS `t0`
    WHERE
      `t0`.`date` >= MAKE_DATE(2026, 3, 1) AND `t0`.`date` <= MAKE_DATE(2026, 3, 15)
  ) AS `t3`
  GROUP BY
    1
), `t26` AS (
  SELECT
    `t23`.`user_id`,
    `t23`.`event_at` AS `start_at`,
    CASE
      WHEN JSON_TYPE(`t23`.`data`, '/channel') = 'VARCHAR'
      THEN JSON_EXTRACT_STRING(`t23`.`data`, '/channel')
      ELSE NULL
    END AS `channel`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t5`.`event_id`,
        `t5`.`user_id`,
        `t5`.`name`,
        `t5`.`event_at`,
        `t5`.`received_at`,
        `t5`.`data`,
        ROW_NUMBER() OVER (
          PARTITION BY `t5`.`user_id`
          ORDER BY `t5`.`event_at` ASC NULLS LAST, `t5`.`event_id` ASC NULLS LAST
        ) - 1 AS `_rn`
      FROM (
        SELECT
          *
        FROM `events` AS `t1`
        WHERE
          `t1`.`event_at` <= CAST('2026-03-31T12:00:00.250000' AS TIMESTAMP)
          AND `t1`.`name` = 'signup'
      ) AS `t5`
    ) AS `t20`
    WHERE
      `t20`.`_rn` = 0
  ) AS `t23`
), `t53` AS (
  SELECT
    `t52`.`user_id`,
    `t52`.`channel`,
    `t52`.`start_at`,
    `t52`.`matured`,
    `t52`.`act_0`,
    `t52`.`act_1`,
    `t52`.`act_2`,
    CAST(DATEDIFF(MICROSECOND, `t52`.`start_at`, `t52`.`act_0`) AS DOUBLE) / 1000000.0 AS `sec_0`,
    CAST(DATEDIFF(MICROSECOND, `t52`.`start_at`, `t52`.`act_1`) AS DOUBLE) / 1000000.0 AS `sec_1`,
    CAST(DATEDIFF(MICROSECOND, `t52`.`start_at`, `t52`.`act_2`) AS DOUBLE) / 1000000.0 AS `sec_2`
  FROM (
    SELECT
      `t33`.`user_id`,
      `t33`.`channel`,
      `t33`.`start_at`,
      `t33`.`matured`,
      `t42`.`_a` AS `act_0`,
      `t43`.`_a` AS `act_1`,
      `t51`.`_a` AS `act_2`
    FROM (
      SELECT
        `t27`.`user_id`,
        COALESCE(`t27`.`channel`, 'unknown') AS `channel`,
        `t27`.`start_at`,
        `t27`.`start_at` <= CAST('2026-03-17T12:00:00.250000' AS TIMESTAMP) AS `matured`
      FROM `t26` AS `t27`
      WHERE
        `t27`.`start_at` >= CAST('2026-03-01T00:00:00' AS TIMESTAMP)
        AND `t27`.`start_at` < CAST('2026-03-16T00:00:00' AS TIMESTAMP)
    ) AS `t33`
    LEFT OUTER JOIN (
      SELECT
        `t38`.`user_id` AS `_u`,
        MIN(`t38`.`activated_at`) AS `_a`
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t12`.`user_id`,
            `t31`.`start_at`,
            `t12`.`activated_at`
          FROM (
            SELECT
              `t1`.`user_id`,
              `t1`.`event_at` AS `activated_at`
            FROM `events` AS `t1`
            WHERE
              `t1`.`event_at` <= CAST('2026-03-31T12:00:00.250000' AS TIMESTAMP)
              AND `t1`.`name` = 'profile_completed'
          ) AS `t12`
          INNER JOIN (
            SELECT
              `t27`.`user_id`,
              `t27`.`start_at`
            FROM `t26` AS `t27`
            WHERE
              `t27`.`start_at` >= CAST('2026-03-01T00:00:00' AS TIMESTAMP)
              AND `t27`.`start_at` < CAST('2026-03-16T00:00:00' AS TIMESTAMP)
          ) AS `t31`
            ON `t12`.`user_id` = `t31`.`user_id`
        ) AS `t34`
        WHERE
          `t34`.`activated_at` >= `t34`.`start_at`
          AND DATEDIFF(MICROSECOND, `t34`.`start_at`, `t34`.`activated_at`) <= 1209600000000
      ) AS `t38`
      GROUP BY
        1
    ) AS `t42`
      ON `t33`.`user_id` = `t42`.`_u`
    LEFT OUTER JOIN (
      SELECT
        `t39`.`user_id` AS `_u`,
        MIN(`t39`.`activated_at`) AS `_a`
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t25`.`user_id`,
            `t31`.`start_at`,
            `t25`.`activated_at`
          FROM (
            SELECT
              `t22`.`user_id`,
              `t22`.`event_at` AS `activated_at`
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  *
                FROM `events` AS `t1`
                WHERE
                  `t1`.`event_at` <= CAST('2026-03-31T12:00:00.250000' AS TIMESTAMP)
              ) AS `t7`
              WHERE
                `t7`.`name` = 'purchase'
                AND COALESCE(
                  CASE
                    WHEN JSON_TYPE(`t7`.`data`, '/amount') IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')
                    THEN CAST(JSON_EXTRACT_STRING(`t7`.`data`, '/amount') AS DOUBLE)
                    ELSE NULL
                  END >= 20.0,
                  FALSE
                )
            ) AS `t22`
          ) AS `t25`
          INNER JOIN (
            SELECT
              `t27`.`user_id`,
              `t27`.`start_at`
            FROM `t26` AS `t27`
            WHERE
              `t27`.`start_at` >= CAST('2026-03-01T00:00:00' AS TIMESTAMP)
              AND `t27`.`start_at` < CAST('2026-03-16T00:00:00' AS TIMESTAMP)
          ) AS `t31`
            ON `t25`.`user_id` = `t31`.`user_id`
        ) AS `t35`
        WHERE
          `t35`.`activated_at` >= `t35`.`start_at`
          AND DATEDIFF(MICROSECOND, `t35`.`start_at`, `t35`.`activated_at`) <= 1209600000000
      ) AS `t39`
      GROUP BY
        1
    ) AS `t43`
      ON `t33`.`user_id` = `t43`.`_u`
    LEFT OUTER JOIN (
      SELECT
        `t49`.`user_id` AS `_u`,
        MIN(`t49`.`activated_at`) AS `_a`
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t47`.`user_id`,
            `t31`.`start_at`,
            `t47`.`activated_at`
          FROM (
            SELECT
              `t45`.`user_id`,
              `t45`.`event_at` AS `activated_at`
            FROM (
              SELECT
                `t44`.`user_id`,
                `t44`.`event_id`,
                `t44`.`name`,
                `t44`.`data`,
                `t44`.`event_at`,
                `t44`.`tu`,
                `t44`.`a_tu`,
                `t44`.`b_time`,
                `t44`.`su_first`,
                `t44`.`su_seen`,
                SUM(
                  IF(
                    (
                      `t44`.`name` = 'session_start'
                    )
                    AND (
                      TRUE
                      AND (
                        (
                          `t44`.`b_time` IS NULL
                        ) OR COALESCE(`t44`.`tu` > `t44`.`b_time`, FALSE)
                      )
                    ),
                    1,
                    0
                  )
                ) OVER (
                  PARTITION BY `t44`.`user_id`
                  ORDER BY `t44`.`tu` ASC NULLS LAST, `t44`.`event_id` ASC NULLS LAST
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                ) AS `act_0`
              FROM (
                SELECT
                  `t37`.`user_id`,
                  `t37`.`event_id`,
                  `t37`.`name`,
                  `t37`.`data`,
                  `t37`.`event_at`,
                  `t37`.`tu`,
                  `t37`.`a_tu`,
                  `t37`.`b_time`,
                  MIN(IF(`t37`.`name` = 'signup', `t37`.`tu`, NULL)) OVER (
                    PARTITION BY `t37`.`user_id`
                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                  ) AS `su_first`,
                  SUM(IF(`t37`.`name` = 'signup', 1, 0)) OVER (
                    PARTITION BY `t37`.`user_id`
                    ORDER BY `t37`.`tu` ASC NULLS LAST, `t37`.`event_id` ASC NULLS LAST
                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                  ) AS `su_seen`
                FROM (
                  SELECT
                    `t36`.`user_id`,
                    `t36`.`event_id`,
                    `t36`.`name`,
                    `t36`.`data`,
                    `t36`.`event_at`,
                    `t36`.`tu`,
                    `t36`.`a_tu`,
                    `t36`.`a_tu` - 1 AS `b_time`
                  FROM (
                    SELECT
                      `t13`.`user_id`,
                      `t13`.`event_id`,
                      `t13`.`name`,
                      `t13`.`data`,
                      `t13`.`event_at`,
                      `t13`.`tu`,
                      `t32`.`a_tu`
                    FROM (
                      SELECT
                        `t1`.`event_id`,
                        `t1`.`user_id`,
                        `t1`.`name`,
                        `t1`.`event_at`,
                        `t1`.`received_at`,
                        `t1`.`data`,
                        DATEDIFF(MICROSECOND, CAST('1970-01-01T00:00:00+00:00' AS TIMESTAMP), `t1`.`event_at`) AS `tu`
                      FROM `events` AS `t1`
                      WHERE
                        `t1`.`event_at` <= CAST('2026-03-31T12:00:00.250000' AS TIMESTAMP)
                    ) AS `t13`
                    INNER JOIN (
                      SELECT
                        `t27`.`user_id` AS `_su`,
                        DATEDIFF(MICROSECOND, CAST('1970-01-01T00:00:00+00:00' AS TIMESTAMP), `t27`.`start_at`) AS `a_tu`
                      FROM `t26` AS `t27`
                      WHERE
                        `t27`.`start_at` >= CAST('2026-03-01T00:00:00' AS TIMESTAMP)
                        AND `t27`.`start_at` < CAST('2026-03-16T00:00:00' AS TIMESTAMP)
                    ) AS `t32`
                      ON `t13`.`user_id` = `t32`.`_su`
                  ) AS `t36`
                ) AS `t37`
              ) AS `t44`
            ) AS `t45`
            WHERE
              COALESCE(`t45`.`act_0` >= 2, FALSE) AND `t45`.`tu` >= `t45`.`a_tu`
          ) AS `t47`
          INNER JOIN (
            SELECT
              `t27`.`user_id`,
              `t27`.`start_at`
            FROM `t26` AS `t27`
            WHERE
              `t27`.`start_at` >= CAST('2026-03-01T00:00:00' AS TIMESTAMP)
              AND `t27`.`start_at` < CAST('2026-03-16T00:00:00' AS TIMESTAMP)
          ) AS `t31`
            ON `t47`.`user_id` = `t31`.`user_id`
        ) AS `t48`
        WHERE
          `t48`.`activated_at` >= `t48`.`start_at`
          AND DATEDIFF(MICROSECOND, `t48`.`start_at`, `t48`.`activated_at`) <= 1209600000000
      ) AS `t49`
      GROUP BY
        1
    ) AS `t51`
      ON `t33`.`user_id` = `t51`.`_u`
  ) AS `t52`
), `t62` AS (
  SELECT
    *
  FROM (
    SELECT
      `t55`.`channel`,
      `t55`.`started`,
      `t55`.`activated`,
      `t55`.`matured`,
      `t55`.`activated_matured`,
      `t55`.`in_progress`,
      2 AS `ord`,
      'twice' AS `definition`
    FROM (
      SELECT
        `t54`.`channel`,
        COUNT(*) AS `started`,
        COUNT(IF(`t54`.`act_2` IS NOT NULL, `t54`.`user_id`, NULL)) AS `activated`,
        COUNT(IF(`t54`.`matured`, `t54`.`user_id`, NULL)) AS `matured`,
        COUNT(IF((
          `t54`.`act_2` IS NOT NULL
        ) AND `t54`.`matured`, `t54`.`user_id`, NULL)) AS `activated_matured`,
        COUNT(
          IF(
            NOT (
              `t54`.`act_2` IS NOT NULL
            ) AND NOT (
              `t54`.`matured`
            ),
            `t54`.`user_id`,
            NULL
          )
        ) AS `in_progress`
      FROM `t53` AS `t54`
      GROUP BY
        1
    ) AS `t55`
  ) AS `t58`
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t56`.`channel`,
        `t56`.`started`,
        `t56`.`activated`,
        `t56`.`matured`,
        `t56`.`activated_matured`,
        `t56`.`in_progress`,
        0 AS `ord`,
        'profile' AS `definition`
      FROM (
        SELECT
          `t54`.`channel`,
          COUNT(*) AS `started`,
          COUNT(IF(`t54`.`act_0` IS NOT NULL, `t54`.`user_id`, NULL)) AS `activated`,
          COUNT(IF(`t54`.`matured`, `t54`.`user_id`, NULL)) AS `matured`,
          COUNT(IF((
            `t54`.`act_0` IS NOT NULL
          ) AND `t54`.`matured`, `t54`.`user_id`, NULL)) AS `activated_matured`,
          COUNT(
            IF(
              NOT (
                `t54`.`act_0` IS NOT NULL
              ) AND NOT (
                `t54`.`matured`
              ),
              `t54`.`user_id`,
              NULL
            )
          ) AS `in_progress`
        FROM `t53` AS `t54`
        GROUP BY
          1
      ) AS `t56`
    ) AS `t59`
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        `t57`.`channel`,
        `t57`.`started`,
        `t57`.`activated`,
        `t57`.`matured`,
        `t57`.`activated_matured`,
        `t57`.`in_progress`,
        1 AS `ord`,
        'big_purchase' AS `definition`
      FROM (
        SELECT
          `t54`.`channel`,
          COUNT(*) AS `started`,
          COUNT(IF(`t54`.`act_1` IS NOT NULL, `t54`.`user_id`, NULL)) AS `activated`,
          COUNT(IF(`t54`.`matured`, `t54`.`user_id`, NULL)) AS `matured`,
          COUNT(IF((
            `t54`.`act_1` IS NOT NULL
          ) AND `t54`.`matured`, `t54`.`user_id`, NULL)) AS `activated_matured`,
          COUNT(
            IF(
              NOT (
                `t54`.`act_1` IS NOT NULL
              ) AND NOT (
                `t54`.`matured`
              ),
              `t54`.`user_id`,
              NULL
            )
          ) AS `in_progress`
        FROM `t53` AS `t54`
        GROUP BY
          1
      ) AS `t57`
    ) AS `t60`
  ) AS `t61`
)
SELECT
  `t67`.`channel`,
  `t18`.`ord`,
  `t18`.`definition`,
  COALESCE(`t64`.`started`, 0) AS `started`,
  COALESCE(`t64`.`activated`, 0) AS `activated`,
  COALESCE(`t64`.`matured`, 0) AS `matured`,
  COALESCE(`t64`.`activated_matured`, 0) AS `activated_matured`,
  COALESCE(`t64`.`in_progress`, 0) AS `in_progress`,
  COALESCE(`t19`.`spend`, 0.0) AS `spend`,
  CASE
    WHEN COALESCE(`t64`.`activated`, 0) > 0
    THEN COALESCE(`t19`.`spend`, 0.0) / CAST(COALESCE(`t64`.`activated`, 0) AS DOUBLE)
    ELSE NULL
  END AS `cac`
FROM (
  SELECT
    *
  FROM (
    SELECT DISTINCT
      `t63`.`channel`
    FROM `t62` AS `t63`
  ) AS `t65`
  UNION
  SELECT
    *
  FROM (
    SELECT
      `t17`.`channel`
    FROM `t15` AS `t17`
  ) AS `t21`
) AS `t67`
CROSS JOIN (
  SELECT
    *
  FROM (
    SELECT
      2 AS `ord`,
      'twice' AS `definition`
    FROM `t2` AS `t4`
  ) AS `t9`
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        0 AS `ord`,
        'profile' AS `definition`
      FROM `t2` AS `t4`
    ) AS `t10`
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        1 AS `ord`,
        'big_purchase' AS `definition`
      FROM `t2` AS `t4`
    ) AS `t11`
  ) AS `t14`
) AS `t18`
LEFT OUTER JOIN `t62` AS `t64`
  ON `t67`.`channel` = `t64`.`channel` AND `t18`.`ord` = `t64`.`ord`
LEFT OUTER JOIN `t15` AS `t19`
  ON `t67`.`channel` = `t19`.`channel`

WITH `t9` AS (
  SELECT
    `t8`.`user_id`,
    COALESCE(`t8`.`channel`, 'unknown') AS `channel`,
    `t8`.`start_at`,
    `t8`.`start_at` <= CAST('2026-03-17T12:00:00.250000' AS TIMESTAMP) AS `matured`
  FROM (
    SELECT
      `t6`.`user_id`,
      `t6`.`event_at` AS `start_at`,
      CASE
        WHEN JSON_TYPE(`t6`.`data`, '/channel') = 'VARCHAR'
        THEN JSON_EXTRACT_STRING(`t6`.`data`, '/channel')
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
      ) AS `t5`
      WHERE
        `t5`.`_rn` = 0
    ) AS `t6`
  ) AS `t8`
  WHERE
    `t8`.`start_at` >= CAST('2026-03-01T00:00:00' AS TIMESTAMP)
    AND `t8`.`start_at` < CAST('2026-03-16T00:00:00' AS TIMESTAMP)
), `t14` AS (
  SELECT
    `t10`.`user_id`,
    `t10`.`start_at`,
    UNIX_MICROS(`t10`.`start_at`) AS `start_us`
  FROM `t9` AS `t10`
)
SELECT
  `t34`.`user_id`,
  `t34`.`channel`,
  `t34`.`start_at`,
  `t34`.`matured`,
  `t34`.`act_0`,
  `t34`.`act_1`,
  `t34`.`act_2`,
  CAST(UNIX_MICROS(`t34`.`act_0`) - UNIX_MICROS(`t34`.`start_at`) AS DOUBLE) / 1000000.0 AS `sec_0`,
  CAST(UNIX_MICROS(`t34`.`act_1`) - UNIX_MICROS(`t34`.`start_at`) AS DOUBLE) / 1000000.0 AS `sec_1`,
  CAST(UNIX_MICROS(`t34`.`act_2`) - UNIX_MICROS(`t34`.`start_at`) AS DOUBLE) / 1000000.0 AS `sec_2`
FROM (
  SELECT
    *
  FROM (
    SELECT
      `t12`.`user_id`,
      `t12`.`channel`,
      `t12`.`start_at`,
      `t12`.`matured`,
      `t24`.`_a0` AS `act_0`,
      `t24`.`_a1` AS `act_1`,
      `t32`.`_a` AS `act_2`
    FROM `t9` AS `t12`
    LEFT OUTER JOIN (
      SELECT
        `t21`.`user_id` AS `_u`,
        MIN(IF(`t21`.`_m0`, `t21`.`activated_at`, NULL)) AS `_a0`,
        MIN(IF(`t21`.`_m1`, `t21`.`activated_at`, NULL)) AS `_a1`
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t13`.`activated_at`,
            `t13`.`_m0`,
            `t13`.`_m1`,
            `t13`.`user_id`,
            `t16`.`start_at`,
            `t16`.`start_us`
          FROM (
            SELECT
              `t7`.`user_id`,
              `t7`.`event_at` AS `activated_at`,
              `t7`.`name` = 'profile_completed' AS `_m0`,
              (
                `t7`.`name` = 'purchase'
              )
              AND COALESCE(
                CASE
                  WHEN JSON_TYPE(`t7`.`data`, '/amount') IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')
                  THEN CAST(JSON_EXTRACT_STRING(`t7`.`data`, '/amount') AS DOUBLE)
                  ELSE NULL
                END >= 20.0,
                FALSE
              ) AS `_m1`
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  *
                FROM `events` AS `t0`
                WHERE
                  `t0`.`event_at` <= CAST('2026-03-31T12:00:00.250000' AS TIMESTAMP)
              ) AS `t2`
              WHERE
                (
                  `t2`.`name` = 'profile_completed'
                )
                OR (
                  (
                    `t2`.`name` = 'purchase'
                  )
                  AND COALESCE(
                    CASE
                      WHEN JSON_TYPE(`t2`.`data`, '/amount') IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')
                      THEN CAST(JSON_EXTRACT_STRING(`t2`.`data`, '/amount') AS DOUBLE)
                      ELSE NULL
                    END >= 20.0,
                    FALSE
                  )
                )
            ) AS `t7`
          ) AS `t13`
          INNER JOIN `t14` AS `t16`
            ON `t13`.`user_id` = `t16`.`user_id`
        ) AS `t19`
        WHERE
          (
            UNIX_MICROS(`t19`.`activated_at`) - `t19`.`start_us`
          ) >= 0
          AND (
            UNIX_MICROS(`t19`.`activated_at`) - `t19`.`start_us`
          ) <= 1209600000000
      ) AS `t21`
      GROUP BY
        1
    ) AS `t24`
      ON `t12`.`user_id` = `t24`.`_u`
    LEFT OUTER JOIN (
      SELECT
        `t30`.`user_id` AS `_u`,
        MIN(`t30`.`activated_at`) AS `_a`
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t28`.`activated_at`,
            `t28`.`user_id`,
            `t16`.`start_at`,
            `t16`.`start_us`
          FROM (
            SELECT
              `t26`.`user_id`,
              `t26`.`event_at` AS `activated_at`
            FROM (
              SELECT
                `t25`.`user_id`,
                `t25`.`event_id`,
                `t25`.`name`,
                `t25`.`data`,
                `t25`.`event_at`,
                `t25`.`tu`,
                `t25`.`a_tu`,
                `t25`.`b_time`,
                `t25`.`su_first`,
                `t25`.`su_seen`,
                SUM(
                  IF(
                    (
                      `t25`.`name` = 'session_start'
                    )
                    AND (
                      TRUE
                      AND (
                        (
                          `t25`.`b_time` IS NULL
                        ) OR COALESCE(`t25`.`tu` > `t25`.`b_time`, FALSE)
                      )
                    ),
                    1,
                    0
                  )
                ) OVER (
                  PARTITION BY `t25`.`user_id`
                  ORDER BY `t25`.`tu` ASC NULLS LAST, `t25`.`event_id` ASC NULLS LAST
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                ) AS `act_0`
              FROM (
                SELECT
                  `t22`.`user_id`,
                  `t22`.`event_id`,
                  `t22`.`name`,
                  `t22`.`data`,
                  `t22`.`event_at`,
                  `t22`.`tu`,
                  `t22`.`a_tu`,
                  `t22`.`b_time`,
                  MIN(IF(`t22`.`name` = 'signup', `t22`.`tu`, NULL)) OVER (
                    PARTITION BY `t22`.`user_id`
                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                  ) AS `su_first`,
                  SUM(IF(`t22`.`name` = 'signup', 1, 0)) OVER (
                    PARTITION BY `t22`.`user_id`
                    ORDER BY `t22`.`tu` ASC NULLS LAST, `t22`.`event_id` ASC NULLS LAST
                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                  ) AS `su_seen`
                FROM (
                  SELECT
                    `t20`.`user_id`,
                    `t20`.`event_id`,
                    `t20`.`name`,
                    `t20`.`data`,
                    `t20`.`event_at`,
                    `t20`.`tu`,
                    `t20`.`a_tu`,
                    `t20`.`a_tu` - 1 AS `b_time`
                  FROM (
                    SELECT
                      `t4`.`user_id`,
                      `t4`.`event_id`,
                      `t4`.`name`,
                      `t4`.`data`,
                      `t4`.`event_at`,
                      `t4`.`tu`,
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
                    ) AS `t4`
                    INNER JOIN (
                      SELECT
                        `t15`.`user_id` AS `_su`,
                        DATEDIFF(MICROSECOND, CAST('1970-01-01T00:00:00+00:00' AS TIMESTAMP), `t15`.`start_at`) AS `a_tu`
                      FROM `t14` AS `t15`
                    ) AS `t18`
                      ON `t4`.`user_id` = `t18`.`_su`
                  ) AS `t20`
                ) AS `t22`
              ) AS `t25`
            ) AS `t26`
            WHERE
              COALESCE(`t26`.`act_0` >= 2, FALSE) AND `t26`.`tu` >= `t26`.`a_tu`
          ) AS `t28`
          INNER JOIN `t14` AS `t16`
            ON `t28`.`user_id` = `t16`.`user_id`
        ) AS `t29`
        WHERE
          (
            UNIX_MICROS(`t29`.`activated_at`) - `t29`.`start_us`
          ) >= 0
          AND (
            UNIX_MICROS(`t29`.`activated_at`) - `t29`.`start_us`
          ) <= 1209600000000
      ) AS `t30`
      GROUP BY
        1
    ) AS `t32`
      ON `t12`.`user_id` = `t32`.`_u`
  ) AS `t33`
) AS `t34`

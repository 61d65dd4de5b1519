WITH `t2` AS (
  SELECT
    `t1`.`user_id`,
    CAST(`t1`.`event_at` AS TIMESTAMP) AS `t`,
    CAST(CASE
      WHEN (
        `t1`.`name` = 'signup'
      )
      AND COALESCE(
        NOT (
          COALESCE(
            CASE
              WHEN JSON_TYPE(`t1`.`data`, '/channel') = 'VARCHAR'
              THEN JSON_EXTRACT_STRING(`t1`.`data`, '/channel')
              ELSE NULL
            END = 'test',
            FALSE
          )
        ),
        FALSE
      )
      AND (
        CAST(`t1`.`event_at` AS TIMESTAMP) >= CAST('2026-03-01T00:00:00' AS TIMESTAMP)
      )
      THEN 1
      WHEN `t1`.`name` = 'purchase'
      THEN 2
      ELSE 0
    END AS SMALLINT) AS `k`,
    `t1`.`event_id`,
    CASE
      WHEN JSON_TYPE(`t1`.`data`, '/channel') = 'VARCHAR'
      THEN JSON_EXTRACT_STRING(`t1`.`data`, '/channel')
      ELSE NULL
    END AS `vs`,
    CASE
      WHEN JSON_TYPE(`t1`.`data`, '/channel') IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')
      THEN CAST(JSON_EXTRACT_STRING(`t1`.`data`, '/channel') AS DOUBLE)
      ELSE NULL
    END AS `vn`
  FROM (
    SELECT
      *
    FROM `events` AS `t0`
    WHERE
      `t0`.`name` IN ('purchase', 'signup')
      AND CAST(`t0`.`event_at` AS TIMESTAMP) <= CAST('2026-03-31T12:00:00' AS TIMESTAMP)
  ) AS `t1`
), `t13` AS (
  SELECT
    `t12`.`user_id`,
    MAX(`t12`.`m`) AS `reached`,
    MAX(`t12`.`t1`) AS `last_start`,
    MIN(CASE WHEN `t12`.`m` >= 1 THEN `t12`.`t1` ELSE NULL END) AS `l1_1`,
    MIN(CASE WHEN `t12`.`m` >= 2 THEN `t12`.`t1` ELSE NULL END) AS `l2_1`,
    MIN(CASE WHEN `t12`.`m` >= 2 THEN `t12`.`t2` ELSE NULL END) AS `l2_2`
  FROM (
    SELECT
      `t11`.`user_id`,
      `t11`.`t1`,
      `t11`.`t2`,
      1 + CASE WHEN `t11`.`t2` IS NOT NULL THEN 1 ELSE 0 END AS `m`
    FROM (
      SELECT
        `t10`.`user_id`,
        `t10`.`t1`,
        MIN(`t10`.`rt`) AS `t2`
      FROM (
        SELECT
          `t8`.`user_id`,
          `t8`.`t1`,
          `t9`.`ru`,
          `t9`.`rt`
        FROM (
          SELECT
            `t3`.`user_id`,
            `t3`.`t` AS `t1`
          FROM `t2` AS `t3`
          WHERE
            `t3`.`k` > 0 AND `t3`.`k` = 1
        ) AS `t8`
        LEFT OUTER JOIN (
          SELECT
            `t3`.`user_id` AS `ru`,
            `t3`.`t` AS `rt`
          FROM `t2` AS `t3`
          WHERE
            `t3`.`k` > 0 AND `t3`.`k` = 2
        ) AS `t9`
          ON `t8`.`user_id` = `t9`.`ru`
          AND `t9`.`rt` >= `t8`.`t1`
          AND `t9`.`rt` <= (
            `t8`.`t1` + INTERVAL '1209600' SECOND
          )
      ) AS `t10`
      GROUP BY
        1,
        2
    ) AS `t11`
  ) AS `t12`
  GROUP BY
    1
)
SELECT
  `t18`.`user_id`,
  `t18`.`reached`,
  `t18`.`last_start`,
  `t18`.`t1`,
  `t18`.`t2`,
  `t18`.`matured`,
  `t18`.`in_progress`,
  `t23`.`vs`,
  `t23`.`vn`
FROM (
  SELECT
    `t14`.`user_id`,
    `t14`.`reached`,
    `t14`.`last_start`,
    CASE
      WHEN `t14`.`reached` = 1
      THEN `t14`.`l1_1`
      WHEN `t14`.`reached` = 2
      THEN `t14`.`l2_1`
      ELSE NULL
    END AS `t1`,
    CASE WHEN `t14`.`reached` = 2 THEN `t14`.`l2_2` ELSE NULL END AS `t2`,
    NOT (
      (
        `t14`.`last_start` + INTERVAL '1209600' SECOND
      ) > CAST('2026-03-31T12:00:00' AS TIMESTAMP)
    ) AS `matured`,
    (
      `t14`.`reached` < 2
    )
    AND (
      (
        `t14`.`last_start` + INTERVAL '1209600' SECOND
      ) > CAST('2026-03-31T12:00:00' AS TIMESTAMP)
    ) AS `in_progress`
  FROM `t13` AS `t14`
) AS `t18`
LEFT OUTER JOIN (
  SELECT
    `t7`.`user_id` AS `vu`,
    `t7`.`vs`,
    `t7`.`vn`
  FROM (
    SELECT
      *
    FROM `t2` AS `t3`
    WHERE
      `t3`.`k` > 0
  ) AS `t7`
  INNER JOIN (
    SELECT
      `t19`.`user_id`,
      MIN(`t19`.`event_id`) AS `eid`
    FROM (
      SELECT
        `t7`.`user_id`,
        `t7`.`t`,
        `t7`.`k`,
        `t7`.`event_id`,
        `t7`.`vs`,
        `t7`.`vn`,
        `t17`.`ak`,
        `t17`.`at`
      FROM (
        SELECT
          *
        FROM `t2` AS `t3`
        WHERE
          `t3`.`k` > 0
      ) AS `t7`
      INNER JOIN (
        SELECT
          `t14`.`user_id`,
          `t14`.`reached` AS `ak`,
          CASE
            WHEN `t14`.`reached` = 1
            THEN CASE
              WHEN `t14`.`reached` = 1
              THEN `t14`.`l1_1`
              WHEN `t14`.`reached` = 2
              THEN `t14`.`l2_1`
              ELSE NULL
            END
            WHEN `t14`.`reached` = 2
            THEN CASE WHEN `t14`.`reached` = 2 THEN `t14`.`l2_2` ELSE NULL END
            ELSE NULL
          END AS `at`
        FROM `t13` AS `t14`
        WHERE
          `t14`.`reached` IS NOT NULL
      ) AS `t17`
        ON `t7`.`user_id` = `t17`.`user_id`
        AND `t7`.`k` = `t17`.`ak`
        AND `t7`.`t` = `t17`.`at`
    ) AS `t19`
    GROUP BY
      1
  ) AS `t21`
    ON `t7`.`user_id` = `t21`.`user_id` AND `t7`.`event_id` = `t21`.`eid`
) AS `t23`
  ON `t18`.`user_id` = `t23`.`vu`

WITH `t10` AS (
  SELECT
    `t9`.`uk`,
    `t9`.`t1`,
    MIN(`t9`.`rt`) AS `t2`
  FROM (
    SELECT
      `t5`.`uk`,
      `t5`.`t1`,
      `t5`.`end`,
      `t6`.`ru`,
      `t6`.`rt`
    FROM (
      SELECT
        `t0`.`user_id` AS `uk`,
        `t0`.`event_at` AS `t1`,
        `t0`.`event_at` + INTERVAL '604800' SECOND AS `end`
      FROM `events` AS `t0`
      WHERE
        `t0`.`name` IN ('add_to_cart', 'purchase', 'signup', 'view_item')
        AND `t0`.`name` = 'signup'
    ) AS `t5`
    LEFT OUTER JOIN (
      SELECT
        `t0`.`user_id` AS `ru`,
        `t0`.`event_at` AS `rt`
      FROM `events` AS `t0`
      WHERE
        `t0`.`name` IN ('add_to_cart', 'purchase', 'signup', 'view_item')
        AND `t0`.`name` = 'view_item'
    ) AS `t6`
      ON `t5`.`uk` = `t6`.`ru` AND `t6`.`rt` >= `t5`.`t1` AND `t6`.`rt` <= `t5`.`end`
  ) AS `t9`
  GROUP BY
    1,
    2
), `t17` AS (
  SELECT
    `t16`.`uk`,
    `t16`.`t1`,
    MIN(`t16`.`t2`) AS `t2`,
    MIN(`t16`.`rt`) AS `t3`
  FROM (
    SELECT
      `t14`.`uk`,
      `t14`.`t1`,
      `t14`.`t2`,
      `t14`.`end`,
      `t8`.`ru`,
      `t8`.`rt`
    FROM (
      SELECT
        `t11`.`uk`,
        `t11`.`t1`,
        `t11`.`t2`,
        `t11`.`t1` + INTERVAL '604800' SECOND AS `end`
      FROM `t10` AS `t11`
      WHERE
        `t11`.`t2` IS NOT NULL
    ) AS `t14`
    INNER JOIN (
      SELECT
        `t0`.`user_id` AS `ru`,
        `t0`.`event_at` AS `rt`
      FROM `events` AS `t0`
      WHERE
        `t0`.`name` IN ('add_to_cart', 'purchase', 'signup', 'view_item')
        AND `t0`.`name` = 'add_to_cart'
    ) AS `t8`
      ON `t14`.`uk` = `t8`.`ru` AND `t8`.`rt` >= `t14`.`t2` AND `t8`.`rt` <= `t14`.`end`
  ) AS `t16`
  GROUP BY
    1,
    2
)
SELECT
  `t29`.`user_id`,
  `t29`.`reached`,
  `t29`.`last_start`,
  `t29`.`t1`,
  `t29`.`t2`,
  `t29`.`t3`,
  `t29`.`t4`,
  NOT (
    (
      `t29`.`last_start` + INTERVAL '604800' SECOND
    ) > CAST('2026-03-31T12:00:00+00:00' AS TIMESTAMP)
  ) AS `matured`,
  (
    `t29`.`reached` < 4
  )
  AND (
    (
      `t29`.`last_start` + INTERVAL '604800' SECOND
    ) > CAST('2026-03-31T12:00:00+00:00' AS TIMESTAMP)
  ) AS `in_progress`
FROM (
  SELECT
    `t15`.`uk` AS `user_id`,
    CASE WHEN `t15`.`l2_2` IS NOT NULL THEN 1 ELSE 0 END + 1 + CASE WHEN `t23`.`u3` IS NOT NULL THEN 1 ELSE 0 END + CASE WHEN `t28`.`u4` IS NOT NULL THEN 1 ELSE 0 END AS `reached`,
    `t15`.`last_start`,
    COALESCE(`t28`.`l4_1`, `t23`.`l3_1`, `t15`.`l2_1`, `t15`.`l1_1`) AS `t1`,
    COALESCE(`t28`.`l4_2`, `t23`.`l3_2`, `t15`.`l2_2`) AS `t2`,
    COALESCE(`t28`.`l4_3`, `t23`.`l3_3`) AS `t3`,
    `t28`.`l4_4` AS `t4`
  FROM (
    SELECT
      `t11`.`uk`,
      MIN(`t11`.`t1`) AS `l1_1`,
      MAX(`t11`.`t1`) AS `last_start`,
      MIN(IF(`t11`.`t2` IS NOT NULL, `t11`.`t1`, NULL)) AS `l2_1`,
      MIN(`t11`.`t2`) AS `l2_2`
    FROM `t10` AS `t11`
    GROUP BY
      1
  ) AS `t15`
  LEFT OUTER JOIN (
    SELECT
      `t20`.`uk` AS `u3`,
      `t20`.`l3_1`,
      `t20`.`l3_2`,
      `t20`.`l3_3`
    FROM (
      SELECT
        `t18`.`uk`,
        MIN(`t18`.`t1`) AS `l3_1`,
        MIN(`t18`.`t2`) AS `l3_2`,
        MIN(`t18`.`t3`) AS `l3_3`
      FROM `t17` AS `t18`
      GROUP BY
        1
    ) AS `t20`
  ) AS `t23`
    ON `t15`.`uk` = `t23`.`u3`
  LEFT OUTER JOIN (
    SELECT
      `t26`.`uk` AS `u4`,
      `t26`.`l4_1`,
      `t26`.`l4_2`,
      `t26`.`l4_3`,
      `t26`.`l4_4`
    FROM (
      SELECT
        `t25`.`uk`,
        MIN(`t25`.`t1`) AS `l4_1`,
        MIN(`t25`.`t2`) AS `l4_2`,
        MIN(`t25`.`t3`) AS `l4_3`,
        MIN(`t25`.`t4`) AS `l4_4`
      FROM (
        SELECT
          `t24`.`uk`,
          `t24`.`t1`,
          MIN(`t24`.`t2`) AS `t2`,
          MIN(`t24`.`t3`) AS `t3`,
          MIN(`t24`.`rt`) AS `t4`
        FROM (
          SELECT
            `t21`.`uk`,
            `t21`.`t1`,
            `t21`.`t2`,
            `t21`.`t3`,
            `t21`.`end`,
            `t7`.`ru`,
            `t7`.`rt`
          FROM (
            SELECT
              `t18`.`uk`,
              `t18`.`t1`,
              `t18`.`t2`,
              `t18`.`t3`,
              `t18`.`t1` + INTERVAL '604800' SECOND AS `end`
            FROM `t17` AS `t18`
          ) AS `t21`
          INNER JOIN (
            SELECT
              `t0`.`user_id` AS `ru`,
              `t0`.`event_at` AS `rt`
            FROM `events` AS `t0`
            WHERE
              `t0`.`name` IN ('add_to_cart', 'purchase', 'signup', 'view_item')
              AND `t0`.`name` = 'purchase'
          ) AS `t7`
            ON `t21`.`uk` = `t7`.`ru` AND `t7`.`rt` >= `t21`.`t3` AND `t7`.`rt` <= `t21`.`end`
        ) AS `t24`
        GROUP BY
          1,
          2
      ) AS `t25`
      GROUP BY
        1
    ) AS `t26`
  ) AS `t28`
    ON `t15`.`uk` = `t28`.`u4`
) AS `t29`

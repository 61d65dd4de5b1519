WITH `t10` AS (
  SELECT
    `t9`.`uk`,
    MIN(`t9`.`t1`) AS `l1_1`,
    MAX(`t9`.`t1`) AS `last_start`,
    MIN(`t9`.`rt`) AS `l2_2`
  FROM (
    SELECT
      `t5`.`uk`,
      `t5`.`t1`,
      `t5`.`end`,
      `t6`.`ru`,
      `t6`.`rt`
    FROM (
      SELECT
        `t0`.`user_key` AS `uk`,
        `t0`.`event_at` AS `t1`,
        `t0`.`event_at` + INTERVAL '604800' SECOND AS `end`
      FROM `events` AS `t0`
      WHERE
        `t0`.`name` = 'signup'
    ) AS `t5`
    LEFT OUTER JOIN (
      SELECT
        `t0`.`user_key` AS `ru`,
        `t0`.`event_at` AS `rt`
      FROM `events` AS `t0`
      WHERE
        `t0`.`name` = 'view_item'
    ) AS `t6`
      ON `t5`.`uk` = `t6`.`ru` AND `t6`.`rt` >= `t5`.`t1` AND `t6`.`rt` <= `t5`.`end`
  ) AS `t9`
  GROUP BY
    1
), `t21` AS (
  SELECT
    `t20`.`uk`,
    `t20`.`t1`,
    MIN(`t20`.`rt`) AS `t2`
  FROM (
    SELECT
      `t19`.`uk`,
      `t19`.`t1`,
      `t19`.`end`,
      `t6`.`ru`,
      `t6`.`rt`
    FROM (
      SELECT
        `t17`.`uk`,
        `t17`.`t1`,
        MIN(`t17`.`end`) AS `end`
      FROM (
        SELECT
          `t5`.`uk`,
          `t5`.`t1`,
          `t5`.`end`
        FROM (
          SELECT
            `t0`.`user_key` AS `uk`,
            `t0`.`event_at` AS `t1`,
            `t0`.`event_at` + INTERVAL '604800' SECOND AS `end`
          FROM `events` AS `t0`
          WHERE
            `t0`.`name` = 'signup'
        ) AS `t5`
        LEFT SEMI JOIN (
          SELECT
            `t11`.`uk` AS `mk`
          FROM `t10` AS `t11`
          WHERE
            `t11`.`l1_1` <> `t11`.`last_start`
        ) AS `t16`
          ON `t5`.`uk` = `t16`.`mk`
      ) AS `t17`
      GROUP BY
        1,
        2
    ) AS `t19`
    INNER JOIN (
      SELECT
        `t0`.`user_key` AS `ru`,
        `t0`.`event_at` AS `rt`
      FROM `events` AS `t0`
      WHERE
        `t0`.`name` = 'view_item'
    ) AS `t6`
      ON `t19`.`uk` = `t6`.`ru` AND `t6`.`rt` >= `t19`.`t1` AND `t6`.`rt` <= `t19`.`end`
  ) AS `t20`
  GROUP BY
    1,
    2
), `t29` AS (
  SELECT
    `t28`.`uk`,
    `t28`.`t1`,
    MIN(`t28`.`t2`) AS `t2`,
    MIN(`t28`.`rt`) AS `t3`
  FROM (
    SELECT
      `t27`.`uk`,
      `t27`.`t1`,
      `t27`.`t2`,
      `t27`.`end`,
      `t8`.`ru`,
      `t8`.`rt`
    FROM (
      SELECT
        `t23`.`uk`,
        `t23`.`t1`,
        `t23`.`t2`,
        `t23`.`t1` + INTERVAL '604800' SECOND AS `end`
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t11`.`uk`,
            `t11`.`l1_1` AS `t1`,
            `t11`.`l2_2` AS `t2`
          FROM `t10` AS `t11`
          WHERE
            `t11`.`l1_1` = `t11`.`last_start` AND `t11`.`l2_2` IS NOT NULL
        ) AS `t15`
        UNION ALL
        SELECT
          *
        FROM `t21` AS `t22`
      ) AS `t23`
    ) AS `t27`
    INNER JOIN (
      SELECT
        `t0`.`user_key` AS `ru`,
        `t0`.`event_at` AS `rt`
      FROM `events` AS `t0`
      WHERE
        `t0`.`name` = 'add_to_cart'
    ) AS `t8`
      ON `t27`.`uk` = `t8`.`ru` AND `t8`.`rt` >= `t27`.`t2` AND `t8`.`rt` <= `t27`.`end`
  ) AS `t28`
  GROUP BY
    1,
    2
)
SELECT
  `t39`.`user_key`,
  `t39`.`reached`,
  `t39`.`last_start`,
  `t39`.`t1`,
  `t39`.`t2`,
  `t39`.`t3`,
  `t39`.`t4`,
  NOT (
    `t39`.`last_start` > CAST('2026-03-24T12:00:00+00:00' AS TIMESTAMP)
  ) AS `matured`,
  (
    `t39`.`reached` < 4
  )
  AND (
    `t39`.`last_start` > CAST('2026-03-24T12:00:00+00:00' AS TIMESTAMP)
  ) AS `in_progress`
FROM (
  SELECT
    `t14`.`uk` AS `user_key`,
    CASE WHEN `t14`.`l2_2` IS NOT NULL THEN 1 ELSE 0 END + 1 + CASE WHEN `t34`.`u3` IS NOT NULL THEN 1 ELSE 0 END + CASE WHEN `t38`.`u4` IS NOT NULL THEN 1 ELSE 0 END AS `reached`,
    `t14`.`last_start`,
    COALESCE(`t38`.`l4_1`, `t34`.`l3_1`, `t25`.`m2_1`, `t14`.`l1_1`) AS `t1`,
    COALESCE(`t38`.`l4_2`, `t34`.`l3_2`, `t14`.`l2_2`) AS `t2`,
    COALESCE(`t38`.`l4_3`, `t34`.`l3_3`) AS `t3`,
    `t38`.`l4_4` AS `t4`
  FROM (
    SELECT
      *
    FROM `t10` AS `t11`
  ) AS `t14`
  LEFT OUTER JOIN (
    SELECT
      `t22`.`uk` AS `u2`,
      MIN(`t22`.`t1`) AS `m2_1`
    FROM `t21` AS `t22`
    GROUP BY
      1
  ) AS `t25`
    ON `t14`.`uk` = `t25`.`u2`
  LEFT OUTER JOIN (
    SELECT
      `t30`.`uk` AS `u3`,
      MIN(`t30`.`t1`) AS `l3_1`,
      MIN(`t30`.`t2`) AS `l3_2`,
      MIN(`t30`.`t3`) AS `l3_3`
    FROM `t29` AS `t30`
    GROUP BY
      1
  ) AS `t34`
    ON `t14`.`uk` = `t34`.`u3`
  LEFT OUTER JOIN (
    SELECT
      `t36`.`uk` AS `u4`,
      MIN(`t36`.`t1`) AS `l4_1`,
      MIN(`t36`.`t2`) AS `l4_2`,
      MIN(`t36`.`t3`) AS `l4_3`,
      MIN(`t36`.`t4`) AS `l4_4`
    FROM (
      SELECT
        `t35`.`uk`,
        `t35`.`t1`,
        MIN(`t35`.`t2`) AS `t2`,
        MIN(`t35`.`t3`) AS `t3`,
        MIN(`t35`.`rt`) AS `t4`
      FROM (
        SELECT
          `t33`.`uk`,
          `t33`.`t1`,
          `t33`.`t2`,
          `t33`.`t3`,
          `t33`.`end`,
          `t7`.`ru`,
          `t7`.`rt`
        FROM (
          SELECT
            `t30`.`uk`,
            `t30`.`t1`,
            `t30`.`t2`,
            `t30`.`t3`,
            `t30`.`t1` + INTERVAL '604800' SECOND AS `end`
          FROM `t29` AS `t30`
        ) AS `t33`
        INNER JOIN (
          SELECT
            `t0`.`user_key` AS `ru`,
            `t0`.`event_at` AS `rt`
          FROM `events` AS `t0`
          WHERE
            `t0`.`name` = 'purchase'
        ) AS `t7`
          ON `t33`.`uk` = `t7`.`ru` AND `t7`.`rt` >= `t33`.`t3` AND `t7`.`rt` <= `t33`.`end`
      ) AS `t35`
      GROUP BY
        1,
        2
    ) AS `t36`
    GROUP BY
      1
  ) AS `t38`
    ON `t14`.`uk` = `t38`.`u4`
) AS `t39`

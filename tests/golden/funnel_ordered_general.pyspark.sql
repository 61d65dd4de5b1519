WITH `t8` AS (
  SELECT
    `t7`.`user_id`,
    `t7`.`t`,
    `t7`.`h1`,
    `t7`.`h2`,
    `t7`.`h3`,
    `t7`.`h4`,
    `t7`.`seg0`,
    `t7`.`g4_4`,
    `t7`.`g3_4`,
    `t7`.`g3_3`,
    `t7`.`g2_3`,
    `t7`.`g2_4`,
    `t7`.`g2_2`,
    CASE
      WHEN `t7`.`h1` > 0
      THEN MIN(`t7`.`g2_2`) OVER (
        PARTITION BY `t7`.`user_id`
        ORDER BY `t7`.`t` ASC NULLS LAST
        RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
      )
      ELSE NULL
    END AS `g1_2`,
    CASE
      WHEN `t7`.`h1` > 0
      THEN MIN(`t7`.`g2_3`) OVER (
        PARTITION BY `t7`.`user_id`
        ORDER BY `t7`.`t` ASC NULLS LAST
        RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
      )
      ELSE NULL
    END AS `g1_3`,
    CASE
      WHEN `t7`.`h1` > 0
      THEN MIN(`t7`.`g2_4`) OVER (
        PARTITION BY `t7`.`user_id`
        ORDER BY `t7`.`t` ASC NULLS LAST
        RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
      )
      ELSE NULL
    END AS `g1_4`,
    CASE WHEN `t7`.`h1` > 0 THEN `t7`.`t` ELSE NULL END AS `g1_1`
  FROM (
    SELECT
      `t6`.`user_id`,
      `t6`.`t`,
      `t6`.`h1`,
      `t6`.`h2`,
      `t6`.`h3`,
      `t6`.`h4`,
      `t6`.`seg0`,
      `t6`.`g4_4`,
      `t6`.`g3_4`,
      `t6`.`g3_3`,
      CASE
        WHEN `t6`.`h2` > 0
        THEN MIN(`t6`.`g3_3`) OVER (
          PARTITION BY `t6`.`user_id`, `t6`.`seg0`
          ORDER BY `t6`.`t` ASC NULLS LAST
          RANGE BETWEEN CAST(0 AS INTERVAL SECOND) FOLLOWING AND INTERVAL '86400' SECOND FOLLOWING
        )
        ELSE NULL
      END AS `g2_3`,
      CASE
        WHEN `t6`.`h2` > 0
        THEN MIN(`t6`.`g3_4`) OVER (
          PARTITION BY `t6`.`user_id`, `t6`.`seg0`
          ORDER BY `t6`.`t` ASC NULLS LAST
          RANGE BETWEEN CAST(0 AS INTERVAL SECOND) FOLLOWING AND INTERVAL '86400' SECOND FOLLOWING
        )
        ELSE NULL
      END AS `g2_4`,
      CASE WHEN `t6`.`h2` > 0 THEN `t6`.`t` ELSE NULL END AS `g2_2`
    FROM (
      SELECT
        `t5`.`user_id`,
        `t5`.`t`,
        `t5`.`h1`,
        `t5`.`h2`,
        `t5`.`h3`,
        `t5`.`h4`,
        `t5`.`seg0`,
        `t5`.`g4_4`,
        CASE
          WHEN `t5`.`h3` > 0
          THEN MIN(`t5`.`g4_4`) OVER (
            PARTITION BY `t5`.`user_id`, `t5`.`seg0`
            ORDER BY `t5`.`t` ASC NULLS LAST
            RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
          )
          ELSE NULL
        END AS `g3_4`,
        CASE WHEN `t5`.`h3` > 0 THEN `t5`.`t` ELSE NULL END AS `g3_3`
      FROM (
        SELECT
          `t4`.`user_id`,
          `t4`.`t`,
          `t4`.`h1`,
          `t4`.`h2`,
          `t4`.`h3`,
          `t4`.`h4`,
          `t4`.`seg0`,
          CASE WHEN `t4`.`h4` > 0 THEN `t4`.`t` ELSE NULL END AS `g4_4`
        FROM (
          SELECT
            `t3`.`user_id`,
            `t3`.`t`,
            `t3`.`h1`,
            `t3`.`h2`,
            `t3`.`h3`,
            `t3`.`h4`,
            `t3`.`c0`,
            SUM(`t3`.`c0`) OVER (
              PARTITION BY `t3`.`user_id`
              ORDER BY `t3`.`t` ASC NULLS LAST
              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS `seg0`
          FROM (
            SELECT
              `t2`.`user_id`,
              `t2`.`t`,
              MAX(CASE WHEN `t2`.`k` = 1 THEN 1 ELSE 0 END) AS `h1`,
              MAX(CASE WHEN `t2`.`k` = 2 THEN 1 ELSE 0 END) AS `h2`,
              MAX(CASE WHEN `t2`.`k` = 3 THEN 1 ELSE 0 END) AS `h3`,
              MAX(CASE WHEN `t2`.`k` = 4 THEN 1 ELSE 0 END) AS `h4`,
              SUM(`t2`.`x0`) AS `c0`
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  `t0`.`user_id`,
                  CAST(`t0`.`event_at` AS TIMESTAMP) AS `t`,
                  CAST(CASE
                    WHEN `t0`.`name` = 'signup'
                    THEN 1
                    WHEN `t0`.`name` = 'view_item'
                    THEN 2
                    WHEN `t0`.`name` = 'add_to_cart'
                    THEN 3
                    WHEN `t0`.`name` = 'purchase'
                    THEN 4
                    ELSE 0
                  END AS SMALLINT) AS `k`,
                  CAST(CASE WHEN `t0`.`name` = 'refund' THEN 1 ELSE 0 END AS INT) AS `x0`
                FROM `events` AS `t0`
                WHERE
                  `t0`.`name` IN ('add_to_cart', 'purchase', 'refund', 'signup', 'view_item')
              ) AS `t1`
              WHERE
                (
                  `t1`.`k` > 0
                ) OR (
                  `t1`.`x0` > 0
                )
            ) AS `t2`
            GROUP BY
              1,
              2
          ) AS `t3`
        ) AS `t4`
        WHERE
          (
            `t4`.`h1` > 0
          )
          OR (
            `t4`.`h2` > 0
          )
          OR (
            `t4`.`h3` > 0
          )
          OR (
            `t4`.`h4` > 0
          )
      ) AS `t5`
    ) AS `t6`
  ) AS `t7`
), `t16` AS (
  SELECT
    `t9`.`user_id`,
    `t9`.`t`,
    `t9`.`seg0`,
    CASE
      WHEN `t9`.`g1_4` <= (
        `t9`.`t` + INTERVAL '604800' SECOND
      )
      THEN 4
      WHEN `t9`.`g1_3` <= (
        `t9`.`t` + INTERVAL '604800' SECOND
      )
      THEN 3
      WHEN `t9`.`g1_2` <= (
        `t9`.`t` + INTERVAL '604800' SECOND
      )
      THEN 2
      ELSE 1
    END AS `m`
  FROM `t8` AS `t9`
  WHERE
    `t9`.`h1` > 0
), `t23` AS (
  SELECT
    `t22`.`user_id`,
    MAX(`t22`.`reached`) AS `reached`,
    MAX(`t22`.`last_start`) AS `last_start`,
    MIN(`t22`.`t`) AS `t1`,
    MIN(`t22`.`seg0`) AS `seg0`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t18`.`user_id`,
        `t18`.`t`,
        `t18`.`seg0`,
        `t18`.`m`,
        `t20`.`reached`,
        `t20`.`last_start`
      FROM `t16` AS `t18`
      INNER JOIN (
        SELECT
          `t17`.`user_id`,
          MAX(`t17`.`m`) AS `reached`,
          MAX(`t17`.`t`) AS `last_start`
        FROM `t16` AS `t17`
        GROUP BY
          1
      ) AS `t20`
        ON `t18`.`user_id` = `t20`.`user_id`
    ) AS `t21`
    WHERE
      `t21`.`m` = `t21`.`reached`
  ) AS `t22`
  GROUP BY
    1
), `t32` AS (
  SELECT
    `t31`.`user_id`,
    `t31`.`reached`,
    `t31`.`last_start`,
    `t31`.`t1`,
    `t31`.`nseg0` AS `seg0`,
    `t31`.`t2`
  FROM (
    SELECT
      `t25`.`user_id`,
      `t25`.`reached`,
      `t25`.`last_start`,
      `t25`.`t1`,
      `t25`.`seg0`,
      `t30`.`uid`,
      `t30`.`t2`,
      `t30`.`nseg0`
    FROM `t23` AS `t25`
    LEFT OUTER JOIN (
      SELECT
        `t28`.`user_id` AS `uid`,
        MIN(`t28`.`t`) AS `t2`,
        MIN(`t28`.`seg0`) AS `nseg0`
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t13`.`user_id`,
            `t13`.`t`,
            `t13`.`h1`,
            `t13`.`h2`,
            `t13`.`h3`,
            `t13`.`h4`,
            `t13`.`seg0`,
            `t13`.`g4_4`,
            `t13`.`g3_4`,
            `t13`.`g3_3`,
            `t13`.`g2_3`,
            `t13`.`g2_4`,
            `t13`.`g2_2`,
            `t13`.`g1_2`,
            `t13`.`g1_3`,
            `t13`.`g1_4`,
            `t13`.`g1_1`,
            `t26`.`reached`,
            `t26`.`last_start`,
            `t26`.`t1`,
            `t26`.`seg0` AS `seg0_right`
          FROM (
            SELECT
              *
            FROM `t8` AS `t9`
            WHERE
              `t9`.`h2` > 0
          ) AS `t13`
          INNER JOIN `t23` AS `t26`
            ON `t13`.`user_id` = `t26`.`user_id`
        ) AS `t27`
        WHERE
          `t27`.`reached` >= 2
          AND `t27`.`t` >= `t27`.`t1`
          AND CASE
            WHEN `t27`.`reached` = 2
            THEN `t27`.`g2_2`
            WHEN `t27`.`reached` = 3
            THEN `t27`.`g2_3`
            WHEN `t27`.`reached` = 4
            THEN `t27`.`g2_4`
            ELSE NULL
          END <= (
            `t27`.`t1` + INTERVAL '604800' SECOND
          )
      ) AS `t28`
      GROUP BY
        1
    ) AS `t30`
      ON `t25`.`user_id` = `t30`.`uid`
  ) AS `t31`
), `t41` AS (
  SELECT
    `t40`.`user_id`,
    `t40`.`reached`,
    `t40`.`last_start`,
    `t40`.`t1`,
    `t40`.`nseg0` AS `seg0`,
    `t40`.`t2`,
    `t40`.`t3`
  FROM (
    SELECT
      `t34`.`user_id`,
      `t34`.`reached`,
      `t34`.`last_start`,
      `t34`.`t1`,
      `t34`.`seg0`,
      `t34`.`t2`,
      `t39`.`uid`,
      `t39`.`t3`,
      `t39`.`nseg0`
    FROM `t32` AS `t34`
    LEFT OUTER JOIN (
      SELECT
        `t37`.`user_id` AS `uid`,
        MIN(`t37`.`t`) AS `t3`,
        MIN(`t37`.`seg0`) AS `nseg0`
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t14`.`user_id`,
            `t14`.`t`,
            `t14`.`h1`,
            `t14`.`h2`,
            `t14`.`h3`,
            `t14`.`h4`,
            `t14`.`seg0`,
            `t14`.`g4_4`,
            `t14`.`g3_4`,
            `t14`.`g3_3`,
            `t14`.`g2_3`,
            `t14`.`g2_4`,
            `t14`.`g2_2`,
            `t14`.`g1_2`,
            `t14`.`g1_3`,
            `t14`.`g1_4`,
            `t14`.`g1_1`,
            `t35`.`reached`,
            `t35`.`last_start`,
            `t35`.`t1`,
            `t35`.`seg0` AS `seg0_right`,
            `t35`.`t2`
          FROM (
            SELECT
              *
            FROM `t8` AS `t9`
            WHERE
              `t9`.`h3` > 0
          ) AS `t14`
          INNER JOIN `t32` AS `t35`
            ON `t14`.`user_id` = `t35`.`user_id`
        ) AS `t36`
        WHERE
          `t36`.`reached` >= 3
          AND `t36`.`t` >= `t36`.`t2`
          AND CASE
            WHEN `t36`.`reached` = 3
            THEN `t36`.`g3_3`
            WHEN `t36`.`reached` = 4
            THEN `t36`.`g3_4`
            ELSE NULL
          END <= (
            `t36`.`t1` + INTERVAL '604800' SECOND
          )
          AND `t36`.`t` <= (
            `t36`.`t2` + INTERVAL '86400' SECOND
          )
          AND `t36`.`seg0` = `t36`.`seg0_right`
      ) AS `t37`
      GROUP BY
        1
    ) AS `t39`
      ON `t34`.`user_id` = `t39`.`uid`
  ) AS `t40`
)
SELECT
  `t49`.`user_id`,
  `t49`.`reached`,
  `t49`.`last_start`,
  `t49`.`t1`,
  `t49`.`t2`,
  `t49`.`t3`,
  `t49`.`t4`,
  NOT (
    `t49`.`last_start` > CAST('2026-03-24T12:00:00' AS TIMESTAMP)
  ) AS `matured`,
  (
    `t49`.`reached` < 4
  )
  AND (
    `t49`.`last_start` > CAST('2026-03-24T12:00:00' AS TIMESTAMP)
  ) AS `in_progress`
FROM (
  SELECT
    `t43`.`user_id`,
    `t43`.`reached`,
    `t43`.`last_start`,
    `t43`.`t1`,
    `t43`.`seg0`,
    `t43`.`t2`,
    `t43`.`t3`,
    `t48`.`uid`,
    `t48`.`t4`,
    `t48`.`nseg0`
  FROM `t41` AS `t43`
  LEFT OUTER JOIN (
    SELECT
      `t46`.`user_id` AS `uid`,
      MIN(`t46`.`t`) AS `t4`,
      MIN(`t46`.`seg0`) AS `nseg0`
    FROM (
      SELECT
        *
      FROM (
        SELECT
          `t15`.`user_id`,
          `t15`.`t`,
          `t15`.`h1`,
          `t15`.`h2`,
          `t15`.`h3`,
          `t15`.`h4`,
          `t15`.`seg0`,
          `t15`.`g4_4`,
          `t15`.`g3_4`,
          `t15`.`g3_3`,
          `t15`.`g2_3`,
          `t15`.`g2_4`,
          `t15`.`g2_2`,
          `t15`.`g1_2`,
          `t15`.`g1_3`,
          `t15`.`g1_4`,
          `t15`.`g1_1`,
          `t44`.`reached`,
          `t44`.`last_start`,
          `t44`.`t1`,
          `t44`.`seg0` AS `seg0_right`,
          `t44`.`t2`,
          `t44`.`t3`
        FROM (
          SELECT
            *
          FROM `t8` AS `t9`
          WHERE
            `t9`.`h4` > 0
        ) AS `t15`
        INNER JOIN `t41` AS `t44`
          ON `t15`.`user_id` = `t44`.`user_id`
      ) AS `t45`
      WHERE
        `t45`.`reached` >= 4
        AND `t45`.`t` >= `t45`.`t3`
        AND CASE WHEN `t45`.`reached` = 4 THEN `t45`.`g4_4` ELSE NULL END <= (
          `t45`.`t1` + INTERVAL '604800' SECOND
        )
        AND `t45`.`seg0` = `t45`.`seg0_right`
    ) AS `t46`
    GROUP BY
      1
  ) AS `t48`
    ON `t43`.`user_id` = `t48`.`uid`
) AS `t49`

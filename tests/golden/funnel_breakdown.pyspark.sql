WITH `t10` AS (
  SELECT
    `t8`.`uk`,
    MIN(`t8`.`t1`) AS `l1_1`,
    MAX(`t8`.`t1`) AS `last_start`,
    MIN(`t8`.`rt`) AS `l2_2`
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
          `t0`.`name` = 'signup'
          AND COALESCE(
            NOT (
              COALESCE(
                CASE
                  WHEN SCHEMA_OF_VARIANT(
                    ELEMENT_AT(
                      TRY_VARIANT_GET(TRY_PARSE_JSON(`t0`.`data`), '$', 'map<string,variant>'),
                      'channel'
                    )
                  ) = 'STRING'
                  THEN TRY_VARIANT_GET(
                    ELEMENT_AT(
                      TRY_VARIANT_GET(TRY_PARSE_JSON(`t0`.`data`), '$', 'map<string,variant>'),
                      'channel'
                    ),
                    '$',
                    'string'
                  )
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
        `t0`.`name` = 'purchase'
        AND `t0`.`event_at` <= CAST('2026-03-31T12:00:00+00:00' AS TIMESTAMP)
    ) AS `t3`
      ON `t6`.`uk` = `t3`.`ru` AND `t3`.`rt` >= `t6`.`t1` AND `t3`.`rt` <= `t6`.`end`
  ) AS `t8`
  GROUP BY
    1
), `t24` AS (
  SELECT
    `t15`.`uk` AS `user_id`,
    CASE WHEN `t15`.`l2_2` IS NOT NULL THEN 1 ELSE 0 END + 1 AS `reached`,
    `t15`.`last_start`,
    COALESCE(`t23`.`m2_1`, `t15`.`l1_1`) AS `t1`,
    `t15`.`l2_2` AS `t2`
  FROM (
    SELECT
      *
    FROM `t10` AS `t12`
  ) AS `t15`
  LEFT OUTER JOIN (
    SELECT
      `t21`.`uk` AS `u2`,
      MIN(`t21`.`t1`) AS `m2_1`
    FROM (
      SELECT
        `t20`.`uk`,
        `t20`.`t1`,
        MIN(`t20`.`rt`) AS `t2`
      FROM (
        SELECT
          `t19`.`uk`,
          `t19`.`t1`,
          `t19`.`end`,
          `t3`.`ru`,
          `t3`.`rt`
        FROM (
          SELECT
            `t17`.`uk`,
            `t17`.`t1`,
            MIN(`t17`.`end`) AS `end`
          FROM (
            SELECT
              `t6`.`uk`,
              `t6`.`t1`,
              `t6`.`end`
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
                  `t0`.`name` = 'signup'
                  AND COALESCE(
                    NOT (
                      COALESCE(
                        CASE
                          WHEN SCHEMA_OF_VARIANT(
                            ELEMENT_AT(
                              TRY_VARIANT_GET(TRY_PARSE_JSON(`t0`.`data`), '$', 'map<string,variant>'),
                              'channel'
                            )
                          ) = 'STRING'
                          THEN TRY_VARIANT_GET(
                            ELEMENT_AT(
                              TRY_VARIANT_GET(TRY_PARSE_JSON(`t0`.`data`), '$', 'map<string,variant>'),
                              'channel'
                            ),
                            '$',
                            'string'
                          )
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
            LEFT SEMI JOIN (
              SELECT
                `t12`.`uk` AS `mk`
              FROM `t10` AS `t12`
              WHERE
                `t12`.`l1_1` <> `t12`.`last_start`
            ) AS `t16`
              ON `t6`.`uk` = `t16`.`mk`
          ) AS `t17`
          GROUP BY
            1,
            2
        ) AS `t19`
        INNER JOIN (
          SELECT
            `t0`.`user_id` AS `ru`,
            `t0`.`event_at` AS `rt`
          FROM `events` AS `t0`
          WHERE
            `t0`.`name` = 'purchase'
            AND `t0`.`event_at` <= CAST('2026-03-31T12:00:00+00:00' AS TIMESTAMP)
        ) AS `t3`
          ON `t19`.`uk` = `t3`.`ru` AND `t3`.`rt` >= `t19`.`t1` AND `t3`.`rt` <= `t19`.`end`
      ) AS `t20`
      GROUP BY
        1,
        2
    ) AS `t21`
    GROUP BY
      1
  ) AS `t23`
    ON `t15`.`uk` = `t23`.`u2`
)
SELECT
  `t28`.`user_id`,
  `t28`.`reached`,
  `t28`.`last_start`,
  `t28`.`t1`,
  `t28`.`t2`,
  `t28`.`matured`,
  `t28`.`in_progress`,
  `t34`.`vs`,
  `t34`.`vn`
FROM (
  SELECT
    `t25`.`user_id`,
    `t25`.`reached`,
    `t25`.`last_start`,
    `t25`.`t1`,
    `t25`.`t2`,
    NOT (
      `t25`.`last_start` > CAST('2026-03-17T12:00:00+00:00' AS TIMESTAMP)
    ) AS `matured`,
    (
      `t25`.`reached` < 2
    )
    AND (
      `t25`.`last_start` > CAST('2026-03-17T12:00:00+00:00' AS TIMESTAMP)
    ) AS `in_progress`
  FROM `t24` AS `t25`
) AS `t28`
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
                  WHEN SCHEMA_OF_VARIANT(
                    ELEMENT_AT(
                      TRY_VARIANT_GET(TRY_PARSE_JSON(`t2`.`data`), '$', 'map<string,variant>'),
                      'channel'
                    )
                  ) = 'STRING'
                  THEN TRY_VARIANT_GET(
                    ELEMENT_AT(
                      TRY_VARIANT_GET(TRY_PARSE_JSON(`t2`.`data`), '$', 'map<string,variant>'),
                      'channel'
                    ),
                    '$',
                    'string'
                  )
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
          WHEN SCHEMA_OF_VARIANT(
            ELEMENT_AT(
              TRY_VARIANT_GET(TRY_PARSE_JSON(`t2`.`data`), '$', 'map<string,variant>'),
              'channel'
            )
          ) = 'STRING'
          THEN TRY_VARIANT_GET(
            ELEMENT_AT(
              TRY_VARIANT_GET(TRY_PARSE_JSON(`t2`.`data`), '$', 'map<string,variant>'),
              'channel'
            ),
            '$',
            'string'
          )
          ELSE NULL
        END AS `vs`,
        CASE
          WHEN SCHEMA_OF_VARIANT(
            ELEMENT_AT(
              TRY_VARIANT_GET(TRY_PARSE_JSON(`t2`.`data`), '$', 'map<string,variant>'),
              'channel'
            )
          ) IN ('BIGINT', 'INT', 'SMALLINT', 'TINYINT', 'DOUBLE', 'FLOAT')
          OR STARTSWITH(
            SCHEMA_OF_VARIANT(
              ELEMENT_AT(
                TRY_VARIANT_GET(TRY_PARSE_JSON(`t2`.`data`), '$', 'map<string,variant>'),
                'channel'
              )
            ),
            'DECIMAL'
          )
          THEN TRY_VARIANT_GET(
            ELEMENT_AT(
              TRY_VARIANT_GET(TRY_PARSE_JSON(`t2`.`data`), '$', 'map<string,variant>'),
              'channel'
            ),
            '$',
            'double'
          )
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
      `t30`.`user_id`,
      MIN(`t30`.`event_id`) AS `eid`
    FROM (
      SELECT
        `t11`.`user_id`,
        `t11`.`t`,
        `t11`.`k`,
        `t11`.`event_id`,
        `t11`.`vs`,
        `t11`.`vn`,
        `t29`.`ak`,
        `t29`.`at`
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
                      WHEN SCHEMA_OF_VARIANT(
                        ELEMENT_AT(
                          TRY_VARIANT_GET(TRY_PARSE_JSON(`t2`.`data`), '$', 'map<string,variant>'),
                          'channel'
                        )
                      ) = 'STRING'
                      THEN TRY_VARIANT_GET(
                        ELEMENT_AT(
                          TRY_VARIANT_GET(TRY_PARSE_JSON(`t2`.`data`), '$', 'map<string,variant>'),
                          'channel'
                        ),
                        '$',
                        'string'
                      )
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
              WHEN SCHEMA_OF_VARIANT(
                ELEMENT_AT(
                  TRY_VARIANT_GET(TRY_PARSE_JSON(`t2`.`data`), '$', 'map<string,variant>'),
                  'channel'
                )
              ) = 'STRING'
              THEN TRY_VARIANT_GET(
                ELEMENT_AT(
                  TRY_VARIANT_GET(TRY_PARSE_JSON(`t2`.`data`), '$', 'map<string,variant>'),
                  'channel'
                ),
                '$',
                'string'
              )
              ELSE NULL
            END AS `vs`,
            CASE
              WHEN SCHEMA_OF_VARIANT(
                ELEMENT_AT(
                  TRY_VARIANT_GET(TRY_PARSE_JSON(`t2`.`data`), '$', 'map<string,variant>'),
                  'channel'
                )
              ) IN ('BIGINT', 'INT', 'SMALLINT', 'TINYINT', 'DOUBLE', 'FLOAT')
              OR STARTSWITH(
                SCHEMA_OF_VARIANT(
                  ELEMENT_AT(
                    TRY_VARIANT_GET(TRY_PARSE_JSON(`t2`.`data`), '$', 'map<string,variant>'),
                    'channel'
                  )
                ),
                'DECIMAL'
              )
              THEN TRY_VARIANT_GET(
                ELEMENT_AT(
                  TRY_VARIANT_GET(TRY_PARSE_JSON(`t2`.`data`), '$', 'map<string,variant>'),
                  'channel'
                ),
                '$',
                'double'
              )
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
          `t25`.`user_id`,
          `t25`.`reached` AS `ak`,
          CASE
            WHEN `t25`.`reached` = 1
            THEN CAST(`t25`.`t1` AS TIMESTAMP)
            WHEN `t25`.`reached` = 2
            THEN CAST(`t25`.`t2` AS TIMESTAMP)
            ELSE NULL
          END AS `at`
        FROM `t24` AS `t25`
        WHERE
          `t25`.`reached` IS NOT NULL
      ) AS `t29`
        ON `t11`.`user_id` = `t29`.`user_id`
        AND `t11`.`k` = `t29`.`ak`
        AND `t11`.`t` = `t29`.`at`
    ) AS `t30`
    GROUP BY
      1
  ) AS `t32`
    ON `t11`.`user_id` = `t32`.`user_id` AND `t11`.`event_id` = `t32`.`eid`
) AS `t34`
  ON `t28`.`user_id` = `t34`.`vu`

WITH `t2` AS (
  SELECT
    COUNT(*) AS `_n`
  FROM `spend` AS `t0`
), `t11` AS (
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
), `t21` AS (
  SELECT
    `t20`.`user_id`,
    COALESCE(`t20`.`channel`, 'unknown') AS `channel`,
    `t20`.`start_at`,
    `t20`.`start_at` <= CAST('2026-03-17T12:00:00.250000' AS TIMESTAMP) AS `matured`
  FROM (
    SELECT
      `t18`.`user_id`,
      `t18`.`event_at` AS `start_at`,
      CASE
        WHEN SCHEMA_OF_VARIANT(
          ELEMENT_AT(
            TRY_VARIANT_GET(TRY_PARSE_JSON(`t18`.`data`), '$', 'map<string,variant>'),
            'channel'
          )
        ) = 'STRING'
        THEN TRY_VARIANT_GET(
          ELEMENT_AT(
            TRY_VARIANT_GET(TRY_PARSE_JSON(`t18`.`data`), '$', 'map<string,variant>'),
            'channel'
          ),
          '$',
          'string'
        )
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
          `t5`.`user_key`,
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
      ) AS `t16`
      WHERE
        `t16`.`_rn` = 0
    ) AS `t18`
  ) AS `t20`
  WHERE
    `t20`.`start_at` >= CAST('2026-03-01T00:00:00' AS TIMESTAMP)
    AND `t20`.`start_at` < CAST('2026-03-16T00:00:00' AS TIMESTAMP)
), `t34` AS (
  SELECT
    `t33`.`user_id`,
    `t33`.`channel`,
    `t33`.`start_at`,
    `t33`.`matured`,
    `t33`.`act_0`,
    `t33`.`act_1`,
    `t33`.`act_2`,
    CAST(UNIX_MICROS(`t33`.`act_0`) - UNIX_MICROS(`t33`.`start_at`) AS DOUBLE) / 1000000.0 AS `sec_0`,
    CAST(UNIX_MICROS(`t33`.`act_1`) - UNIX_MICROS(`t33`.`start_at`) AS DOUBLE) / 1000000.0 AS `sec_1`,
    CAST(UNIX_MICROS(`t33`.`act_2`) - UNIX_MICROS(`t33`.`start_at`) AS DOUBLE) / 1000000.0 AS `sec_2`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t23`.`user_id`,
        `t23`.`channel`,
        `t23`.`start_at`,
        `t23`.`matured`,
        `t31`.`_a0` AS `act_0`,
        `t31`.`_a1` AS `act_1`,
        `t31`.`_a2` AS `act_2`
      FROM `t21` AS `t23`
      LEFT OUTER JOIN (
        SELECT
          `t29`.`user_id` AS `_u`,
          MIN(IF(`t29`.`_m0`, `t29`.`activated_at`, NULL)) AS `_a0`,
          MIN(IF(`t29`.`_m1`, `t29`.`activated_at`, NULL)) AS `_a1`,
          MIN(IF(`t29`.`_m2`, `t29`.`activated_at`, NULL)) AS `_a2`
        FROM (
          SELECT
            *
          FROM (
            SELECT
              `t27`.`activated_at`,
              `t27`.`_m0`,
              `t27`.`_m1`,
              `t27`.`_m2`,
              `t27`.`user_id`,
              `t25`.`start_at`,
              `t25`.`start_us`
            FROM (
              SELECT
                `t19`.`user_id`,
                `t19`.`event_at` AS `activated_at`,
                `t19`.`name` = 'profile_completed' AS `_m0`,
                (
                  `t19`.`name` = 'purchase'
                )
                AND COALESCE(
                  CASE
                    WHEN SCHEMA_OF_VARIANT(
                      ELEMENT_AT(
                        TRY_VARIANT_GET(TRY_PARSE_JSON(`t19`.`data`), '$', 'map<string,variant>'),
                        'amount'
                      )
                    ) IN ('BIGINT', 'INT', 'SMALLINT', 'TINYINT', 'DOUBLE', 'FLOAT')
                    OR STARTSWITH(
                      SCHEMA_OF_VARIANT(
                        ELEMENT_AT(
                          TRY_VARIANT_GET(TRY_PARSE_JSON(`t19`.`data`), '$', 'map<string,variant>'),
                          'amount'
                        )
                      ),
                      'DECIMAL'
                    )
                    THEN TRY_VARIANT_GET(
                      ELEMENT_AT(
                        TRY_VARIANT_GET(TRY_PARSE_JSON(`t19`.`data`), '$', 'map<string,variant>'),
                        'amount'
                      ),
                      '$',
                      'double'
                    )
                    ELSE NULL
                  END >= 20.0,
                  FALSE
                ) AS `_m1`,
                (
                  `t19`.`name` = 'session_start'
                )
                AND COALESCE(
                  COALESCE(
                    CASE
                      WHEN SCHEMA_OF_VARIANT(
                        ELEMENT_AT(
                          TRY_VARIANT_GET(TRY_PARSE_JSON(`t19`.`data`), '$', 'map<string,variant>'),
                          'platform'
                        )
                      ) = 'STRING'
                      THEN TRY_VARIANT_GET(
                        ELEMENT_AT(
                          TRY_VARIANT_GET(TRY_PARSE_JSON(`t19`.`data`), '$', 'map<string,variant>'),
                          'platform'
                        ),
                        '$',
                        'string'
                      )
                      ELSE NULL
                    END = 'ios',
                    FALSE
                  )
                  OR COALESCE(
                    CASE
                      WHEN SCHEMA_OF_VARIANT(
                        ELEMENT_AT(
                          TRY_VARIANT_GET(TRY_PARSE_JSON(`t19`.`data`), '$', 'map<string,variant>'),
                          'platform'
                        )
                      ) = 'STRING'
                      THEN TRY_VARIANT_GET(
                        ELEMENT_AT(
                          TRY_VARIANT_GET(TRY_PARSE_JSON(`t19`.`data`), '$', 'map<string,variant>'),
                          'platform'
                        ),
                        '$',
                        'string'
                      )
                      ELSE NULL
                    END = 'android',
                    FALSE
                  ),
                  FALSE
                ) AS `_m2`
              FROM (
                SELECT
                  *
                FROM (
                  SELECT
                    *
                  FROM `events` AS `t1`
                  WHERE
                    `t1`.`event_at` <= CAST('2026-03-31T12:00:00.250000' AS TIMESTAMP)
                ) AS `t6`
                WHERE
                  (
                    `t6`.`name` = 'profile_completed'
                  )
                  OR (
                    (
                      `t6`.`name` = 'purchase'
                    )
                    AND COALESCE(
                      CASE
                        WHEN SCHEMA_OF_VARIANT(
                          ELEMENT_AT(TRY_VARIANT_GET(TRY_PARSE_JSON(`t6`.`data`), '$', 'map<string,variant>'), 'amount')
                        ) IN ('BIGINT', 'INT', 'SMALLINT', 'TINYINT', 'DOUBLE', 'FLOAT')
                        OR STARTSWITH(
                          SCHEMA_OF_VARIANT(
                            ELEMENT_AT(TRY_VARIANT_GET(TRY_PARSE_JSON(`t6`.`data`), '$', 'map<string,variant>'), 'amount')
                          ),
                          'DECIMAL'
                        )
                        THEN TRY_VARIANT_GET(
                          ELEMENT_AT(TRY_VARIANT_GET(TRY_PARSE_JSON(`t6`.`data`), '$', 'map<string,variant>'), 'amount'),
                          '$',
                          'double'
                        )
                        ELSE NULL
                      END >= 20.0,
                      FALSE
                    )
                  )
                  OR (
                    (
                      `t6`.`name` = 'session_start'
                    )
                    AND COALESCE(
                      COALESCE(
                        CASE
                          WHEN SCHEMA_OF_VARIANT(
                            ELEMENT_AT(
                              TRY_VARIANT_GET(TRY_PARSE_JSON(`t6`.`data`), '$', 'map<string,variant>'),
                              'platform'
                            )
                          ) = 'STRING'
                          THEN TRY_VARIANT_GET(
                            ELEMENT_AT(
                              TRY_VARIANT_GET(TRY_PARSE_JSON(`t6`.`data`), '$', 'map<string,variant>'),
                              'platform'
                            ),
                            '$',
                            'string'
                          )
                          ELSE NULL
                        END = 'ios',
                        FALSE
                      )
                      OR COALESCE(
                        CASE
                          WHEN SCHEMA_OF_VARIANT(
                            ELEMENT_AT(
                              TRY_VARIANT_GET(TRY_PARSE_JSON(`t6`.`data`), '$', 'map<string,variant>'),
                              'platform'
                            )
                          ) = 'STRING'
                          THEN TRY_VARIANT_GET(
                            ELEMENT_AT(
                              TRY_VARIANT_GET(TRY_PARSE_JSON(`t6`.`data`), '$', 'map<string,variant>'),
                              'platform'
                            ),
                            '$',
                            'string'
                          )
                          ELSE NULL
                        END = 'android',
                        FALSE
                      ),
                      FALSE
                    )
                  )
              ) AS `t19`
            ) AS `t27`
            INNER JOIN (
              SELECT
                `t22`.`user_id`,
                `t22`.`start_at`,
                UNIX_MICROS(`t22`.`start_at`) AS `start_us`
              FROM `t21` AS `t22`
            ) AS `t25`
              ON `t27`.`user_id` = `t25`.`user_id`
          ) AS `t28`
          WHERE
            (
              UNIX_MICROS(`t28`.`activated_at`) - `t28`.`start_us`
            ) >= 0
            AND (
              UNIX_MICROS(`t28`.`activated_at`) - `t28`.`start_us`
            ) <= 1209600000000
        ) AS `t29`
        GROUP BY
          1
      ) AS `t31`
        ON `t23`.`user_id` = `t31`.`_u`
    ) AS `t32`
  ) AS `t33`
), `t43` AS (
  SELECT
    *
  FROM (
    SELECT
      `t36`.`channel`,
      `t36`.`started`,
      `t36`.`activated`,
      `t36`.`matured`,
      `t36`.`activated_matured`,
      `t36`.`in_progress`,
      2 AS `ord`,
      'returning' AS `definition`
    FROM (
      SELECT
        `t35`.`channel`,
        COUNT(*) AS `started`,
        COUNT(IF(`t35`.`act_2` IS NOT NULL, `t35`.`user_id`, NULL)) AS `activated`,
        COUNT(IF(`t35`.`matured`, `t35`.`user_id`, NULL)) AS `matured`,
        COUNT(IF((
          `t35`.`act_2` IS NOT NULL
        ) AND `t35`.`matured`, `t35`.`user_id`, NULL)) AS `activated_matured`,
        COUNT(
          IF(
            NOT (
              `t35`.`act_2` IS NOT NULL
            ) AND NOT (
              `t35`.`matured`
            ),
            `t35`.`user_id`,
            NULL
          )
        ) AS `in_progress`
      FROM `t34` AS `t35`
      GROUP BY
        1
    ) AS `t36`
  ) AS `t39`
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t37`.`channel`,
        `t37`.`started`,
        `t37`.`activated`,
        `t37`.`matured`,
        `t37`.`activated_matured`,
        `t37`.`in_progress`,
        0 AS `ord`,
        'profile' AS `definition`
      FROM (
        SELECT
          `t35`.`channel`,
          COUNT(*) AS `started`,
          COUNT(IF(`t35`.`act_0` IS NOT NULL, `t35`.`user_id`, NULL)) AS `activated`,
          COUNT(IF(`t35`.`matured`, `t35`.`user_id`, NULL)) AS `matured`,
          COUNT(IF((
            `t35`.`act_0` IS NOT NULL
          ) AND `t35`.`matured`, `t35`.`user_id`, NULL)) AS `activated_matured`,
          COUNT(
            IF(
              NOT (
                `t35`.`act_0` IS NOT NULL
              ) AND NOT (
                `t35`.`matured`
              ),
              `t35`.`user_id`,
              NULL
            )
          ) AS `in_progress`
        FROM `t34` AS `t35`
        GROUP BY
          1
      ) AS `t37`
    ) AS `t40`
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        `t38`.`channel`,
        `t38`.`started`,
        `t38`.`activated`,
        `t38`.`matured`,
        `t38`.`activated_matured`,
        `t38`.`in_progress`,
        1 AS `ord`,
        'big_purchase' AS `definition`
      FROM (
        SELECT
          `t35`.`channel`,
          COUNT(*) AS `started`,
          COUNT(IF(`t35`.`act_1` IS NOT NULL, `t35`.`user_id`, NULL)) AS `activated`,
          COUNT(IF(`t35`.`matured`, `t35`.`user_id`, NULL)) AS `matured`,
          COUNT(IF((
            `t35`.`act_1` IS NOT NULL
          ) AND `t35`.`matured`, `t35`.`user_id`, NULL)) AS `activated_matured`,
          COUNT(
            IF(
              NOT (
                `t35`.`act_1` IS NOT NULL
              ) AND NOT (
                `t35`.`matured`
              ),
              `t35`.`user_id`,
              NULL
            )
          ) AS `in_progress`
        FROM `t34` AS `t35`
        GROUP BY
          1
      ) AS `t38`
    ) AS `t41`
  ) AS `t42`
)
SELECT
  `t48`.`channel`,
  `t14`.`ord`,
  `t14`.`definition`,
  COALESCE(`t45`.`started`, 0) AS `started`,
  COALESCE(`t45`.`activated`, 0) AS `activated`,
  COALESCE(`t45`.`matured`, 0) AS `matured`,
  COALESCE(`t45`.`activated_matured`, 0) AS `activated_matured`,
  COALESCE(`t45`.`in_progress`, 0) AS `in_progress`,
  COALESCE(`t15`.`spend`, 0.0) AS `spend`,
  CASE
    WHEN COALESCE(`t45`.`activated`, 0) > 0
    THEN COALESCE(`t15`.`spend`, 0.0) / CAST(COALESCE(`t45`.`activated`, 0) AS DOUBLE)
    ELSE NULL
  END AS `cac`
FROM (
  SELECT
    *
  FROM (
    SELECT DISTINCT
      `t44`.`channel`
    FROM `t43` AS `t44`
  ) AS `t46`
  UNION
  SELECT
    *
  FROM (
    SELECT
      `t13`.`channel`
    FROM `t11` AS `t13`
  ) AS `t17`
) AS `t48`
CROSS JOIN (
  SELECT
    *
  FROM (
    SELECT
      2 AS `ord`,
      'returning' AS `definition`
    FROM `t2` AS `t4`
  ) AS `t7`
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
    ) AS `t8`
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        1 AS `ord`,
        'big_purchase' AS `definition`
      FROM `t2` AS `t4`
    ) AS `t9`
  ) AS `t10`
) AS `t14`
LEFT OUTER JOIN `t43` AS `t45`
  ON `t48`.`channel` = `t45`.`channel` AND `t14`.`ord` = `t45`.`ord`
LEFT OUTER JOIN `t11` AS `t15`
  ON `t48`.`channel` = `t15`.`channel`

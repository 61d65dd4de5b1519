WITH `t7` AS (
  SELECT
    `t6`.`user_id`,
    COALESCE(`t6`.`channel`, 'unknown') AS `channel`,
    `t6`.`start_at`,
    `t6`.`start_at` <= CAST('2026-03-17T12:00:00.250000' AS TIMESTAMP) AS `matured`
  FROM (
    SELECT
      `t4`.`user_id`,
      `t4`.`event_at` AS `start_at`,
      CASE
        WHEN SCHEMA_OF_VARIANT(
          ELEMENT_AT(
            TRY_VARIANT_GET(TRY_PARSE_JSON(`t4`.`data`), '$', 'map<string,variant>'),
            'channel'
          )
        ) = 'STRING'
        THEN TRY_VARIANT_GET(
          ELEMENT_AT(
            TRY_VARIANT_GET(TRY_PARSE_JSON(`t4`.`data`), '$', 'map<string,variant>'),
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
          `t1`.`event_id`,
          `t1`.`user_id`,
          `t1`.`name`,
          `t1`.`event_at`,
          `t1`.`received_at`,
          `t1`.`data`,
          `t1`.`user_key`,
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
      ) AS `t3`
      WHERE
        `t3`.`_rn` = 0
    ) AS `t4`
  ) AS `t6`
  WHERE
    `t6`.`start_at` >= CAST('2026-03-01T00:00:00' AS TIMESTAMP)
    AND `t6`.`start_at` < CAST('2026-03-16T00:00:00' AS TIMESTAMP)
), `t20` AS (
  SELECT
    `t19`.`user_id`,
    `t19`.`channel`,
    `t19`.`start_at`,
    `t19`.`matured`,
    `t19`.`act_0`,
    `t19`.`act_1`,
    `t19`.`act_2`,
    CAST(UNIX_MICROS(`t19`.`act_0`) - UNIX_MICROS(`t19`.`start_at`) AS DOUBLE) / 1000000.0 AS `sec_0`,
    CAST(UNIX_MICROS(`t19`.`act_1`) - UNIX_MICROS(`t19`.`start_at`) AS DOUBLE) / 1000000.0 AS `sec_1`,
    CAST(UNIX_MICROS(`t19`.`act_2`) - UNIX_MICROS(`t19`.`start_at`) AS DOUBLE) / 1000000.0 AS `sec_2`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t9`.`user_id`,
        `t9`.`channel`,
        `t9`.`start_at`,
        `t9`.`matured`,
        `t17`.`_a0` AS `act_0`,
        `t17`.`_a1` AS `act_1`,
        `t17`.`_a2` AS `act_2`
      FROM `t7` AS `t9`
      LEFT OUTER JOIN (
        SELECT
          `t15`.`user_id` AS `_u`,
          MIN(IF(`t15`.`_m0`, `t15`.`activated_at`, NULL)) AS `_a0`,
          MIN(IF(`t15`.`_m1`, `t15`.`activated_at`, NULL)) AS `_a1`,
          MIN(IF(`t15`.`_m2`, `t15`.`activated_at`, NULL)) AS `_a2`
        FROM (
          SELECT
            *
          FROM (
            SELECT
              `t13`.`activated_at`,
              `t13`.`_m0`,
              `t13`.`_m1`,
              `t13`.`_m2`,
              `t13`.`user_id`,
              `t11`.`start_at`,
              `t11`.`start_us`
            FROM (
              SELECT
                `t5`.`user_id`,
                `t5`.`event_at` AS `activated_at`,
                `t5`.`name` = 'profile_completed' AS `_m0`,
                (
                  `t5`.`name` = 'purchase'
                )
                AND COALESCE(
                  CASE
                    WHEN SCHEMA_OF_VARIANT(
                      ELEMENT_AT(TRY_VARIANT_GET(TRY_PARSE_JSON(`t5`.`data`), '$', 'map<string,variant>'), 'amount')
                    ) IN ('BIGINT', 'INT', 'SMALLINT', 'TINYINT', 'DOUBLE', 'FLOAT')
                    OR STARTSWITH(
                      SCHEMA_OF_VARIANT(
                        ELEMENT_AT(TRY_VARIANT_GET(TRY_PARSE_JSON(`t5`.`data`), '$', 'map<string,variant>'), 'amount')
                      ),
                      'DECIMAL'
                    )
                    THEN TRY_VARIANT_GET(
                      ELEMENT_AT(TRY_VARIANT_GET(TRY_PARSE_JSON(`t5`.`data`), '$', 'map<string,variant>'), 'amount'),
                      '$',
                      'double'
                    )
                    ELSE NULL
                  END >= 20.0,
                  FALSE
                ) AS `_m1`,
                (
                  `t5`.`name` = 'session_start'
                )
                AND COALESCE(
                  COALESCE(
                    CASE
                      WHEN SCHEMA_OF_VARIANT(
                        ELEMENT_AT(
                          TRY_VARIANT_GET(TRY_PARSE_JSON(`t5`.`data`), '$', 'map<string,variant>'),
                          'platform'
                        )
                      ) = 'STRING'
                      THEN TRY_VARIANT_GET(
                        ELEMENT_AT(
                          TRY_VARIANT_GET(TRY_PARSE_JSON(`t5`.`data`), '$', 'map<string,variant>'),
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
                          TRY_VARIANT_GET(TRY_PARSE_JSON(`t5`.`data`), '$', 'map<string,variant>'),
                          'platform'
                        )
                      ) = 'STRING'
                      THEN TRY_VARIANT_GET(
                        ELEMENT_AT(
                          TRY_VARIANT_GET(TRY_PARSE_JSON(`t5`.`data`), '$', 'map<string,variant>'),
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
                        WHEN SCHEMA_OF_VARIANT(
                          ELEMENT_AT(TRY_VARIANT_GET(TRY_PARSE_JSON(`t2`.`data`), '$', 'map<string,variant>'), 'amount')
                        ) IN ('BIGINT', 'INT', 'SMALLINT', 'TINYINT', 'DOUBLE', 'FLOAT')
                        OR STARTSWITH(
                          SCHEMA_OF_VARIANT(
                            ELEMENT_AT(TRY_VARIANT_GET(TRY_PARSE_JSON(`t2`.`data`), '$', 'map<string,variant>'), 'amount')
                          ),
                          'DECIMAL'
                        )
                        THEN TRY_VARIANT_GET(
                          ELEMENT_AT(TRY_VARIANT_GET(TRY_PARSE_JSON(`t2`.`data`), '$', 'map<string,variant>'), 'amount'),
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
                      `t2`.`name` = 'session_start'
                    )
                    AND COALESCE(
                      COALESCE(
                        CASE
                          WHEN SCHEMA_OF_VARIANT(
                            ELEMENT_AT(
                              TRY_VARIANT_GET(TRY_PARSE_JSON(`t2`.`data`), '$', 'map<string,variant>'),
                              'platform'
                            )
                          ) = 'STRING'
                          THEN TRY_VARIANT_GET(
                            ELEMENT_AT(
                              TRY_VARIANT_GET(TRY_PARSE_JSON(`t2`.`data`), '$', 'map<string,variant>'),
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
                              TRY_VARIANT_GET(TRY_PARSE_JSON(`t2`.`data`), '$', 'map<string,variant>'),
                              'platform'
                            )
                          ) = 'STRING'
                          THEN TRY_VARIANT_GET(
                            ELEMENT_AT(
                              TRY_VARIANT_GET(TRY_PARSE_JSON(`t2`.`data`), '$', 'map<string,variant>'),
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
              ) AS `t5`
            ) AS `t13`
            INNER JOIN (
              SELECT
                `t8`.`user_id`,
                `t8`.`start_at`,
                UNIX_MICROS(`t8`.`start_at`) AS `start_us`
              FROM `t7` AS `t8`
            ) AS `t11`
              ON `t13`.`user_id` = `t11`.`user_id`
          ) AS `t14`
          WHERE
            (
              UNIX_MICROS(`t14`.`activated_at`) - `t14`.`start_us`
            ) >= 0
            AND (
              UNIX_MICROS(`t14`.`activated_at`) - `t14`.`start_us`
            ) <= 1209600000000
        ) AS `t15`
        GROUP BY
          1
      ) AS `t17`
        ON `t9`.`user_id` = `t17`.`_u`
    ) AS `t18`
  ) AS `t19`
)
SELECT
  *
FROM (
  SELECT
    `t22`.`started`,
    `t22`.`activated`,
    `t22`.`matured`,
    `t22`.`activated_matured`,
    `t22`.`in_progress`,
    `t22`.`median_seconds`,
    `t22`.`p75_seconds`,
    2 AS `ord`,
    'returning' AS `definition`
  FROM (
    SELECT
      COUNT(*) AS `started`,
      COUNT(IF(`t21`.`act_2` IS NOT NULL, `t21`.`user_id`, NULL)) AS `activated`,
      COUNT(IF(`t21`.`matured`, `t21`.`user_id`, NULL)) AS `matured`,
      COUNT(IF((
        `t21`.`act_2` IS NOT NULL
      ) AND `t21`.`matured`, `t21`.`user_id`, NULL)) AS `activated_matured`,
      COUNT(
        IF(
          NOT (
            `t21`.`act_2` IS NOT NULL
          ) AND NOT (
            `t21`.`matured`
          ),
          `t21`.`user_id`,
          NULL
        )
      ) AS `in_progress`,
      PERCENTILE(`t21`.`sec_2`, 0.5) AS `median_seconds`,
      PERCENTILE(`t21`.`sec_2`, 0.75) AS `p75_seconds`
    FROM `t20` AS `t21`
  ) AS `t22`
) AS `t25`
UNION ALL
SELECT
  *
FROM (
  SELECT
    *
  FROM (
    SELECT
      `t23`.`started`,
      `t23`.`activated`,
      `t23`.`matured`,
      `t23`.`activated_matured`,
      `t23`.`in_progress`,
      `t23`.`median_seconds`,
      `t23`.`p75_seconds`,
      0 AS `ord`,
      'profile' AS `definition`
    FROM (
      SELECT
        COUNT(*) AS `started`,
        COUNT(IF(`t21`.`act_0` IS NOT NULL, `t21`.`user_id`, NULL)) AS `activated`,
        COUNT(IF(`t21`.`matured`, `t21`.`user_id`, NULL)) AS `matured`,
        COUNT(IF((
          `t21`.`act_0` IS NOT NULL
        ) AND `t21`.`matured`, `t21`.`user_id`, NULL)) AS `activated_matured`,
        COUNT(
          IF(
            NOT (
              `t21`.`act_0` IS NOT NULL
            ) AND NOT (
              `t21`.`matured`
            ),
            `t21`.`user_id`,
            NULL
          )
        ) AS `in_progress`,
        PERCENTILE(`t21`.`sec_0`, 0.5) AS `median_seconds`,
        PERCENTILE(`t21`.`sec_0`, 0.75) AS `p75_seconds`
      FROM `t20` AS `t21`
    ) AS `t23`
  ) AS `t26`
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      `t24`.`started`,
      `t24`.`activated`,
      `t24`.`matured`,
      `t24`.`activated_matured`,
      `t24`.`in_progress`,
      `t24`.`median_seconds`,
      `t24`.`p75_seconds`,
      1 AS `ord`,
      'big_purchase' AS `definition`
    FROM (
      SELECT
        COUNT(*) AS `started`,
        COUNT(IF(`t21`.`act_1` IS NOT NULL, `t21`.`user_id`, NULL)) AS `activated`,
        COUNT(IF(`t21`.`matured`, `t21`.`user_id`, NULL)) AS `matured`,
        COUNT(IF((
          `t21`.`act_1` IS NOT NULL
        ) AND `t21`.`matured`, `t21`.`user_id`, NULL)) AS `activated_matured`,
        COUNT(
          IF(
            NOT (
              `t21`.`act_1` IS NOT NULL
            ) AND NOT (
              `t21`.`matured`
            ),
            `t21`.`user_id`,
            NULL
          )
        ) AS `in_progress`,
        PERCENTILE(`t21`.`sec_1`, 0.5) AS `median_seconds`,
        PERCENTILE(`t21`.`sec_1`, 0.75) AS `p75_seconds`
      FROM `t20` AS `t21`
    ) AS `t24`
  ) AS `t27`
) AS `t28`

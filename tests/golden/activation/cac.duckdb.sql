WITH "t2" AS (
  SELECT
    COUNT(*) AS "_n"
  FROM "spend" AS "t0"
), "t13" AS (
  SELECT
    "t3"."channel",
    SUM("t3"."amount") AS "spend"
  FROM (
    SELECT
      *
    FROM "spend" AS "t0"
    WHERE
      "t0"."date" >= MAKE_DATE(2026, 3, 1) AND "t0"."date" <= MAKE_DATE(2026, 3, 15)
  ) AS "t3"
  GROUP BY
    1
), "t23" AS (
  SELECT
    "t22"."user_id",
    COALESCE("t22"."channel", 'unknown') AS "channel",
    "t22"."start_at",
    "t22"."start_at" <= MAKE_TIMESTAMP(2026, 3, 17, 12, 0, 0.25) AS "matured"
  FROM (
    SELECT
      "t20"."user_id",
      "t20"."event_at" AS "start_at",
      CASE
        WHEN JSON_TYPE("t20"."data", '/channel') = 'VARCHAR'
        THEN "t20"."data" ->> '/channel'
        ELSE NULL
      END AS "channel"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t5"."event_id",
          "t5"."user_id",
          "t5"."name",
          "t5"."event_at",
          "t5"."received_at",
          "t5"."data",
          ROW_NUMBER() OVER (
            PARTITION BY "t5"."user_id"
            ORDER BY "t5"."event_at" ASC, "t5"."event_id" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          ) - 1 AS "_rn"
        FROM (
          SELECT
            *
          FROM "events" AS "t1"
          WHERE
            "t1"."event_at" <= MAKE_TIMESTAMP(2026, 3, 31, 12, 0, 0.25)
            AND "t1"."name" = 'signup'
        ) AS "t5"
      ) AS "t18"
      WHERE
        "t18"."_rn" = 0
    ) AS "t20"
  ) AS "t22"
  WHERE
    "t22"."start_at" >= MAKE_TIMESTAMP(2026, 3, 1, 0, 0, 0.0)
    AND "t22"."start_at" < MAKE_TIMESTAMP(2026, 3, 16, 0, 0, 0.0)
), "t28" AS (
  SELECT
    "t24"."user_id",
    "t24"."start_at",
    EPOCH_US("t24"."start_at") AS "start_us"
  FROM "t23" AS "t24"
), "t49" AS (
  SELECT
    "t48"."user_id",
    "t48"."channel",
    "t48"."start_at",
    "t48"."matured",
    "t48"."act_0",
    "t48"."act_1",
    "t48"."act_2",
    CAST(EPOCH_US("t48"."act_0") - EPOCH_US("t48"."start_at") AS DOUBLE) / 1000000.0 AS "sec_0",
    CAST(EPOCH_US("t48"."act_1") - EPOCH_US("t48"."start_at") AS DOUBLE) / 1000000.0 AS "sec_1",
    CAST(EPOCH_US("t48"."act_2") - EPOCH_US("t48"."start_at") AS DOUBLE) / 1000000.0 AS "sec_2"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t26"."user_id",
        "t26"."channel",
        "t26"."start_at",
        "t26"."matured",
        "t38"."_a0" AS "act_0",
        "t38"."_a1" AS "act_1",
        "t46"."_a" AS "act_2"
      FROM "t23" AS "t26"
      LEFT OUTER JOIN (
        SELECT
          "t35"."user_id" AS "_u",
          MIN("t35"."activated_at") FILTER(WHERE
            "t35"."_m0") AS "_a0",
          MIN("t35"."activated_at") FILTER(WHERE
            "t35"."_m1") AS "_a1"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              "t27"."activated_at",
              "t27"."_m0",
              "t27"."_m1",
              "t27"."user_id",
              "t30"."start_at",
              "t30"."start_us"
            FROM (
              SELECT
                "t21"."user_id",
                "t21"."event_at" AS "activated_at",
                "t21"."name" = 'profile_completed' AS "_m0",
                (
                  "t21"."name" = 'purchase'
                )
                AND COALESCE(
                  CASE
                    WHEN JSON_TYPE("t21"."data", '/amount') IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')
                    THEN CAST("t21"."data" ->> '/amount' AS DOUBLE)
                    ELSE NULL
                  END >= 20.0,
                  FALSE
                ) AS "_m1"
              FROM (
                SELECT
                  *
                FROM (
                  SELECT
                    *
                  FROM "events" AS "t1"
                  WHERE
                    "t1"."event_at" <= MAKE_TIMESTAMP(2026, 3, 31, 12, 0, 0.25)
                ) AS "t6"
                WHERE
                  (
                    "t6"."name" = 'profile_completed'
                  )
                  OR (
                    (
                      "t6"."name" = 'purchase'
                    )
                    AND COALESCE(
                      CASE
                        WHEN JSON_TYPE("t6"."data", '/amount') IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')
                        THEN CAST("t6"."data" ->> '/amount' AS DOUBLE)
                        ELSE NULL
                      END >= 20.0,
                      FALSE
                    )
                  )
              ) AS "t21"
            ) AS "t27"
            INNER JOIN "t28" AS "t30"
              ON "t27"."user_id" = "t30"."user_id"
          ) AS "t33"
          WHERE
            (
              EPOCH_US("t33"."activated_at") - "t33"."start_us"
            ) >= 0
            AND (
              EPOCH_US("t33"."activated_at") - "t33"."start_us"
            ) <= 1209600000000
        ) AS "t35"
        GROUP BY
          1
      ) AS "t38"
        ON "t26"."user_id" = "t38"."_u"
      LEFT OUTER JOIN (
        SELECT
          "t44"."user_id" AS "_u",
          MIN("t44"."activated_at") AS "_a"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              "t42"."activated_at",
              "t42"."user_id",
              "t30"."start_at",
              "t30"."start_us"
            FROM (
              SELECT
                "t40"."user_id",
                "t40"."event_at" AS "activated_at"
              FROM (
                SELECT
                  "t39"."user_id",
                  "t39"."event_id",
                  "t39"."name",
                  "t39"."data",
                  "t39"."event_at",
                  "t39"."tu",
                  "t39"."a_tu",
                  "t39"."b_time",
                  "t39"."su_first",
                  "t39"."su_seen",
                  SUM(
                    CASE
                      WHEN (
                        "t39"."name" = 'session_start'
                      )
                      AND (
                        TRUE
                        AND (
                          (
                            "t39"."b_time" IS NULL
                          ) OR COALESCE("t39"."tu" > "t39"."b_time", FALSE)
                        )
                      )
                      THEN 1
                      ELSE 0
                    END
                  ) OVER (
                    PARTITION BY "t39"."user_id"
                    ORDER BY "t39"."tu" ASC, "t39"."event_id" ASC
                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                  ) AS "act_0"
                FROM (
                  SELECT
                    "t36"."user_id",
                    "t36"."event_id",
                    "t36"."name",
                    "t36"."data",
                    "t36"."event_at",
                    "t36"."tu",
                    "t36"."a_tu",
                    "t36"."b_time",
                    MIN(CASE WHEN "t36"."name" = 'signup' THEN "t36"."tu" ELSE NULL END) OVER (
                      PARTITION BY "t36"."user_id"
                      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                    ) AS "su_first",
                    SUM(CASE WHEN "t36"."name" = 'signup' THEN 1 ELSE 0 END) OVER (
                      PARTITION BY "t36"."user_id"
                      ORDER BY "t36"."tu" ASC, "t36"."event_id" ASC
                      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                    ) AS "su_seen"
                  FROM (
                    SELECT
                      "t34"."user_id",
                      "t34"."event_id",
                      "t34"."name",
                      "t34"."data",
                      "t34"."event_at",
                      "t34"."tu",
                      "t34"."a_tu",
                      "t34"."a_tu" - 1 AS "b_time"
                    FROM (
                      SELECT
                        "t11"."user_id",
                        "t11"."event_id",
                        "t11"."name",
                        "t11"."data",
                        "t11"."event_at",
                        "t11"."tu",
                        "t32"."a_tu"
                      FROM (
                        SELECT
                          "t1"."event_id",
                          "t1"."user_id",
                          "t1"."name",
                          "t1"."event_at",
                          "t1"."received_at",
                          "t1"."data",
                          DATE_DIFF('MICROSECOND', MAKE_TIMESTAMPTZ(1970, 1, 1, 0, 0, 0.0, 'UTC'), "t1"."event_at") AS "tu"
                        FROM "events" AS "t1"
                        WHERE
                          "t1"."event_at" <= MAKE_TIMESTAMP(2026, 3, 31, 12, 0, 0.25)
                      ) AS "t11"
                      INNER JOIN (
                        SELECT
                          "t29"."user_id" AS "_su",
                          DATE_DIFF('MICROSECOND', MAKE_TIMESTAMPTZ(1970, 1, 1, 0, 0, 0.0, 'UTC'), "t29"."start_at") AS "a_tu"
                        FROM "t28" AS "t29"
                      ) AS "t32"
                        ON "t11"."user_id" = "t32"."_su"
                    ) AS "t34"
                  ) AS "t36"
                ) AS "t39"
              ) AS "t40"
              WHERE
                COALESCE("t40"."act_0" >= 2, FALSE) AND "t40"."tu" >= "t40"."a_tu"
            ) AS "t42"
            INNER JOIN "t28" AS "t30"
              ON "t42"."user_id" = "t30"."user_id"
          ) AS "t43"
          WHERE
            (
              EPOCH_US("t43"."activated_at") - "t43"."start_us"
            ) >= 0
            AND (
              EPOCH_US("t43"."activated_at") - "t43"."start_us"
            ) <= 1209600000000
        ) AS "t44"
        GROUP BY
          1
      ) AS "t46"
        ON "t26"."user_id" = "t46"."_u"
    ) AS "t47"
  ) AS "t48"
), "t58" AS (
  SELECT
    *
  FROM (
    SELECT
      "t51"."channel",
      "t51"."started",
      "t51"."activated",
      "t51"."matured",
      "t51"."activated_matured",
      "t51"."in_progress",
      2 AS "ord",
      'twice' AS "definition"
    FROM (
      SELECT
        "t50"."channel",
        COUNT(*) AS "started",
        COUNT("t50"."user_id") FILTER(WHERE
          "t50"."act_2" IS NOT NULL) AS "activated",
        COUNT("t50"."user_id") FILTER(WHERE
          "t50"."matured") AS "matured",
        COUNT("t50"."user_id") FILTER(WHERE
          (
            "t50"."act_2" IS NOT NULL
          ) AND "t50"."matured") AS "activated_matured",
        COUNT("t50"."user_id") FILTER(WHERE
          NOT (
            "t50"."act_2" IS NOT NULL
          ) AND NOT (
            "t50"."matured"
          )) AS "in_progress"
      FROM "t49" AS "t50"
      GROUP BY
        1
    ) AS "t51"
  ) AS "t54"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t52"."channel",
        "t52"."started",
        "t52"."activated",
        "t52"."matured",
        "t52"."activated_matured",
        "t52"."in_progress",
        0 AS "ord",
        'profile' AS "definition"
      FROM (
        SELECT
          "t50"."channel",
          COUNT(*) AS "started",
          COUNT("t50"."user_id") FILTER(WHERE
            "t50"."act_0" IS NOT NULL) AS "activated",
          COUNT("t50"."user_id") FILTER(WHERE
            "t50"."matured") AS "matured",
          COUNT("t50"."user_id") FILTER(WHERE
            (
              "t50"."act_0" IS NOT NULL
            ) AND "t50"."matured") AS "activated_matured",
          COUNT("t50"."user_id") FILTER(WHERE
            NOT (
              "t50"."act_0" IS NOT NULL
            ) AND NOT (
              "t50"."matured"
            )) AS "in_progress"
        FROM "t49" AS "t50"
        GROUP BY
          1
      ) AS "t52"
    ) AS "t55"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t53"."channel",
        "t53"."started",
        "t53"."activated",
        "t53"."matured",
        "t53"."activated_matured",
        "t53"."in_progress",
        1 AS "ord",
        'big_purchase' AS "definition"
      FROM (
        SELECT
          "t50"."channel",
          COUNT(*) AS "started",
          COUNT("t50"."user_id") FILTER(WHERE
            "t50"."act_1" IS NOT NULL) AS "activated",
          COUNT("t50"."user_id") FILTER(WHERE
            "t50"."matured") AS "matured",
          COUNT("t50"."user_id") FILTER(WHERE
            (
              "t50"."act_1" IS NOT NULL
            ) AND "t50"."matured") AS "activated_matured",
          COUNT("t50"."user_id") FILTER(WHERE
            NOT (
              "t50"."act_1" IS NOT NULL
            ) AND NOT (
              "t50"."matured"
            )) AS "in_progress"
        FROM "t49" AS "t50"
        GROUP BY
          1
      ) AS "t53"
    ) AS "t56"
  ) AS "t57"
)
SELECT
  "t63"."channel",
  "t16"."ord",
  "t16"."definition",
  COALESCE("t60"."started", 0) AS "started",
  COALESCE("t60"."activated", 0) AS "activated",
  COALESCE("t60"."matured", 0) AS "matured",
  COALESCE("t60"."activated_matured", 0) AS "activated_matured",
  COALESCE("t60"."in_progress", 0) AS "in_progress",
  COALESCE("t17"."spend", 0.0) AS "spend",
  CASE
    WHEN COALESCE("t60"."activated", 0) > 0
    THEN COALESCE("t17"."spend", 0.0) / CAST(COALESCE("t60"."activated", 0) AS DOUBLE)
    ELSE NULL
  END AS "cac"
FROM (
  SELECT
    *
  FROM (
    SELECT DISTINCT
      "t59"."channel"
    FROM "t58" AS "t59"
  ) AS "t61"
  UNION
  SELECT
    *
  FROM (
    SELECT
      "t15"."channel"
    FROM "t13" AS "t15"
  ) AS "t19"
) AS "t63"
CROSS JOIN (
  SELECT
    *
  FROM (
    SELECT
      2 AS "ord",
      'twice' AS "definition"
    FROM "t2" AS "t4"
  ) AS "t8"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        0 AS "ord",
        'profile' AS "definition"
      FROM "t2" AS "t4"
    ) AS "t9"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        1 AS "ord",
        'big_purchase' AS "definition"
      FROM "t2" AS "t4"
    ) AS "t10"
  ) AS "t12"
) AS "t16"
LEFT OUTER JOIN "t58" AS "t60"
  ON "t63"."channel" = "t60"."channel" AND "t16"."ord" = "t60"."ord"
LEFT OUTER JOIN "t13" AS "t17"
  ON "t63"."channel" = "t17"."channel"

WITH "t2" AS (
  SELECT
    "t1"."user_id",
    CAST("t1"."event_at" AS TIMESTAMP(6)) AS "t",
    CAST(CASE WHEN "t1"."name" = 'signup' THEN 1 ELSE 0 END AS INT) AS "p0",
    CAST(CASE WHEN "t1"."name" = 'view_item' THEN 1 ELSE 0 END AS INT) AS "p1",
    CAST(CASE
      WHEN (
        "t1"."name" = 'view_item'
      )
      AND COALESCE(
        CASE
          WHEN JSON_TYPE("t1"."data", '/price') IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')
          THEN CAST("t1"."data" ->> '/price' AS DOUBLE)
          ELSE NULL
        END >= 20.0,
        FALSE
      )
      THEN 1
      ELSE 0
    END AS INT) AS "p2",
    CAST(CASE WHEN "t1"."name" = 'purchase' THEN 1 ELSE 0 END AS INT) AS "p3"
  FROM (
    SELECT
      *
    FROM "events" AS "t0"
    WHERE
      "t0"."name" IN ('purchase', 'signup', 'view_item')
  ) AS "t1"
), "t29" AS (
  SELECT
    "t28"."user_id",
    "t28"."t",
    "t28"."t2",
    "t28"."t3",
    "t28"."t4",
    1 + CASE WHEN "t28"."t2" IS NOT NULL THEN 1 ELSE 0 END + CASE WHEN "t28"."t3" IS NOT NULL THEN 1 ELSE 0 END + CASE WHEN "t28"."t4" IS NOT NULL THEN 1 ELSE 0 END AS "m"
  FROM (
    SELECT
      "t27"."user_id",
      "t27"."t",
      CASE
        WHEN CASE
          WHEN CASE
            WHEN CASE WHEN "t27"."qT0" <= 0 THEN "t27"."t" ELSE "t27"."T0" END IS NULL
            THEN CAST(NULL AS TIMESTAMP(6))
            ELSE CASE WHEN "t27"."qT0" <= 0 THEN "t27"."t" ELSE "t27"."T0" END
          END <= (
            "t27"."t" + INTERVAL '604800' SECOND
          )
          THEN CASE
            WHEN CASE WHEN "t27"."qT0" <= 0 THEN "t27"."t" ELSE "t27"."T0" END IS NULL
            THEN CAST(NULL AS TIMESTAMP(6))
            ELSE CASE WHEN "t27"."qT0" <= 0 THEN "t27"."t" ELSE "t27"."T0" END
          END
          ELSE NULL
        END IS NOT NULL
        THEN CASE
          WHEN CASE
            WHEN CASE WHEN "t27"."qT0" <= 0 THEN "t27"."t" ELSE "t27"."T0" END IS NULL
            THEN CAST(NULL AS TIMESTAMP(6))
            ELSE CASE WHEN "t27"."qT0" <= 0 THEN "t27"."t" ELSE "t27"."T0" END
          END <= (
            "t27"."t" + INTERVAL '604800' SECOND
          )
          THEN CASE
            WHEN CASE WHEN "t27"."qT0" <= 0 THEN "t27"."t" ELSE "t27"."T0" END IS NULL
            THEN CAST(NULL AS TIMESTAMP(6))
            ELSE CASE WHEN "t27"."qT0" <= 0 THEN "t27"."t" ELSE "t27"."T0" END
          END
          ELSE NULL
        END
        ELSE NULL
      END AS "t2",
      CASE
        WHEN CASE
          WHEN CASE
            WHEN (
              CASE WHEN "t27"."qT1" <= 0 THEN "t27"."t" ELSE "t27"."T1" END IS NULL
            )
            OR (
              CASE WHEN "t27"."qT2" <= 0 THEN "t27"."t" ELSE "t27"."T2" END IS NULL
            )
            OR (
              CASE WHEN "t27"."qT3" <= 0 THEN "t27"."t" ELSE "t27"."T3" END IS NULL
            )
            THEN CAST(NULL AS TIMESTAMP(6))
            ELSE GREATEST(
              CASE WHEN "t27"."qT1" <= 0 THEN "t27"."t" ELSE "t27"."T1" END,
              CASE WHEN "t27"."qT2" <= 0 THEN "t27"."t" ELSE "t27"."T2" END,
              CASE WHEN "t27"."qT3" <= 0 THEN "t27"."t" ELSE "t27"."T3" END
            )
          END <= (
            "t27"."t" + INTERVAL '604800' SECOND
          )
          THEN CASE
            WHEN (
              CASE WHEN "t27"."qT1" <= 0 THEN "t27"."t" ELSE "t27"."T1" END IS NULL
            )
            OR (
              CASE WHEN "t27"."qT2" <= 0 THEN "t27"."t" ELSE "t27"."T2" END IS NULL
            )
            OR (
              CASE WHEN "t27"."qT3" <= 0 THEN "t27"."t" ELSE "t27"."T3" END IS NULL
            )
            THEN CAST(NULL AS TIMESTAMP(6))
            ELSE GREATEST(
              CASE WHEN "t27"."qT1" <= 0 THEN "t27"."t" ELSE "t27"."T1" END,
              CASE WHEN "t27"."qT2" <= 0 THEN "t27"."t" ELSE "t27"."T2" END,
              CASE WHEN "t27"."qT3" <= 0 THEN "t27"."t" ELSE "t27"."T3" END
            )
          END
          ELSE NULL
        END IS NOT NULL
        THEN CASE
          WHEN CASE
            WHEN (
              CASE WHEN "t27"."qT1" <= 0 THEN "t27"."t" ELSE "t27"."T1" END IS NULL
            )
            OR (
              CASE WHEN "t27"."qT2" <= 0 THEN "t27"."t" ELSE "t27"."T2" END IS NULL
            )
            OR (
              CASE WHEN "t27"."qT3" <= 0 THEN "t27"."t" ELSE "t27"."T3" END IS NULL
            )
            THEN CAST(NULL AS TIMESTAMP(6))
            ELSE GREATEST(
              CASE WHEN "t27"."qT1" <= 0 THEN "t27"."t" ELSE "t27"."T1" END,
              CASE WHEN "t27"."qT2" <= 0 THEN "t27"."t" ELSE "t27"."T2" END,
              CASE WHEN "t27"."qT3" <= 0 THEN "t27"."t" ELSE "t27"."T3" END
            )
          END <= (
            "t27"."t" + INTERVAL '604800' SECOND
          )
          THEN CASE
            WHEN (
              CASE WHEN "t27"."qT1" <= 0 THEN "t27"."t" ELSE "t27"."T1" END IS NULL
            )
            OR (
              CASE WHEN "t27"."qT2" <= 0 THEN "t27"."t" ELSE "t27"."T2" END IS NULL
            )
            OR (
              CASE WHEN "t27"."qT3" <= 0 THEN "t27"."t" ELSE "t27"."T3" END IS NULL
            )
            THEN CAST(NULL AS TIMESTAMP(6))
            ELSE GREATEST(
              CASE WHEN "t27"."qT1" <= 0 THEN "t27"."t" ELSE "t27"."T1" END,
              CASE WHEN "t27"."qT2" <= 0 THEN "t27"."t" ELSE "t27"."T2" END,
              CASE WHEN "t27"."qT3" <= 0 THEN "t27"."t" ELSE "t27"."T3" END
            )
          END
          ELSE NULL
        END
        ELSE NULL
      END AS "t3",
      CASE WHEN "t27"."o4" IS NOT NULL THEN "t27"."o4" ELSE NULL END AS "t4"
    FROM (
      SELECT
        "t26"."user_id",
        "t26"."t",
        "t26"."h1",
        "t26"."h4",
        "t26"."n_1",
        "t26"."n_1_2",
        "t26"."n_2",
        "t26"."o4",
        "t26"."bn_1",
        "t26"."bn_1_2",
        "t26"."bn_2",
        "t26"."qT0",
        "t26"."T0",
        "t26"."qT1",
        "t26"."T1",
        "t26"."qT2",
        "t26"."T2",
        "t26"."qT3",
        "t12"."et" AS "T3"
      FROM (
        SELECT
          "t24"."user_id",
          "t24"."t",
          "t24"."h1",
          "t24"."h4",
          "t24"."n_1",
          "t24"."n_1_2",
          "t24"."n_2",
          "t24"."o4",
          "t24"."bn_1",
          "t24"."bn_1_2",
          "t24"."bn_2",
          "t24"."qT0",
          "t24"."T0",
          "t24"."qT1",
          "t24"."T1",
          "t24"."qT2",
          "t24"."T2",
          2 AS "qT3"
        FROM (
          SELECT
            "t23"."user_id",
            "t23"."t",
            "t23"."h1",
            "t23"."h4",
            "t23"."n_1",
            "t23"."n_1_2",
            "t23"."n_2",
            "t23"."o4",
            "t23"."bn_1",
            "t23"."bn_1_2",
            "t23"."bn_2",
            "t23"."qT0",
            "t23"."T0",
            "t23"."qT1",
            "t23"."T1",
            "t23"."qT2",
            "t13"."et" AS "T2"
          FROM (
            SELECT
              "t21"."user_id",
              "t21"."t",
              "t21"."h1",
              "t21"."h4",
              "t21"."n_1",
              "t21"."n_1_2",
              "t21"."n_2",
              "t21"."o4",
              "t21"."bn_1",
              "t21"."bn_1_2",
              "t21"."bn_2",
              "t21"."qT0",
              "t21"."T0",
              "t21"."qT1",
              "t21"."T1",
              1 AS "qT2"
            FROM (
              SELECT
                "t20"."user_id",
                "t20"."t",
                "t20"."h1",
                "t20"."h4",
                "t20"."n_1",
                "t20"."n_1_2",
                "t20"."n_2",
                "t20"."o4",
                "t20"."bn_1",
                "t20"."bn_1_2",
                "t20"."bn_2",
                "t20"."qT0",
                "t20"."T0",
                "t20"."qT1",
                "t14"."et" AS "T1"
              FROM (
                SELECT
                  "t18"."user_id",
                  "t18"."t",
                  "t18"."h1",
                  "t18"."h4",
                  "t18"."n_1",
                  "t18"."n_1_2",
                  "t18"."n_2",
                  "t18"."o4",
                  "t18"."bn_1",
                  "t18"."bn_1_2",
                  "t18"."bn_2",
                  "t18"."qT0",
                  "t18"."T0",
                  1 AS "qT1"
                FROM (
                  SELECT
                    "t17"."user_id",
                    "t17"."t",
                    "t17"."h1",
                    "t17"."h4",
                    "t17"."n_1",
                    "t17"."n_1_2",
                    "t17"."n_2",
                    "t17"."o4",
                    "t17"."bn_1",
                    "t17"."bn_1_2",
                    "t17"."bn_2",
                    "t17"."qT0",
                    "t12"."et" AS "T0"
                  FROM (
                    SELECT
                      "t15"."user_id",
                      "t15"."t",
                      "t15"."h1",
                      "t15"."h4",
                      "t15"."n_1",
                      "t15"."n_1_2",
                      "t15"."n_2",
                      "t15"."o4",
                      "t15"."bn_1",
                      "t15"."bn_1_2",
                      "t15"."bn_2",
                      1 AS "qT0"
                    FROM (
                      SELECT
                        "t11"."user_id",
                        "t11"."t",
                        "t11"."h1",
                        "t11"."h4",
                        "t11"."n_1",
                        "t11"."n_1_2",
                        "t11"."n_2",
                        MIN(CASE WHEN "t11"."h4" > 0 THEN "t11"."t" ELSE NULL END) OVER (
                          PARTITION BY "t11"."user_id"
                          ORDER BY "t11"."t" ASC
                          RANGE BETWEEN TO_SECONDS(CAST(0 AS INT)) following AND INTERVAL '604800' SECOND following
                        ) AS "o4",
                        COALESCE(
                          SUM("t11"."n_1") OVER (
                            PARTITION BY "t11"."user_id"
                            ORDER BY "t11"."t" ASC
                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 preceding
                          ),
                          0
                        ) AS "bn_1",
                        COALESCE(
                          SUM("t11"."n_1_2") OVER (
                            PARTITION BY "t11"."user_id"
                            ORDER BY "t11"."t" ASC
                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 preceding
                          ),
                          0
                        ) AS "bn_1_2",
                        COALESCE(
                          SUM("t11"."n_2") OVER (
                            PARTITION BY "t11"."user_id"
                            ORDER BY "t11"."t" ASC
                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 preceding
                          ),
                          0
                        ) AS "bn_2"
                      FROM (
                        SELECT
                          "t7"."user_id",
                          "t7"."t",
                          MAX("t7"."p0") AS "h1",
                          MAX("t7"."p3") AS "h4",
                          SUM(CASE WHEN "t7"."p1" > 0 THEN 1 ELSE 0 END) AS "n_1",
                          SUM(CASE WHEN (
                            "t7"."p1" > 0
                          ) OR (
                            "t7"."p2" > 0
                          ) THEN 1 ELSE 0 END) AS "n_1_2",
                          SUM(CASE WHEN "t7"."p2" > 0 THEN 1 ELSE 0 END) AS "n_2"
                        FROM (
                          SELECT
                            *
                          FROM "t2" AS "t3"
                          WHERE
                            (
                              "t3"."p0" > 0
                            )
                            OR (
                              "t3"."p1" > 0
                            )
                            OR (
                              "t3"."p2" > 0
                            )
                            OR (
                              "t3"."p3" > 0
                            )
                        ) AS "t7"
                        GROUP BY
                          1,
                          2
                      ) AS "t11"
                    ) AS "t15"
                    WHERE
                      "t15"."h1" > 0
                  ) AS "t17"
                  LEFT OUTER JOIN (
                    SELECT
                      "t4"."eu",
                      "t4"."et",
                      (
                        ROW_NUMBER() OVER (
                          PARTITION BY "t4"."eu"
                          ORDER BY "t4"."et" ASC
                          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                        ) - 1
                      ) + 1 AS "er"
                    FROM (
                      SELECT
                        "t3"."user_id" AS "eu",
                        "t3"."t" AS "et"
                      FROM "t2" AS "t3"
                      WHERE
                        (
                          (
                            "t3"."p0" > 0
                          )
                          OR (
                            "t3"."p1" > 0
                          )
                          OR (
                            "t3"."p2" > 0
                          )
                          OR (
                            "t3"."p3" > 0
                          )
                        )
                        AND (
                          (
                            "t3"."p1" > 0
                          ) OR (
                            "t3"."p2" > 0
                          )
                        )
                    ) AS "t4"
                  ) AS "t12"
                    ON "t17"."user_id" = "t12"."eu" AND (
                      "t17"."bn_1_2" + "t17"."qT0"
                    ) = "t12"."er"
                ) AS "t18"
              ) AS "t20"
              LEFT OUTER JOIN (
                SELECT
                  "t6"."eu",
                  "t6"."et",
                  (
                    ROW_NUMBER() OVER (
                      PARTITION BY "t6"."eu"
                      ORDER BY "t6"."et" ASC
                      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                    ) - 1
                  ) + 1 AS "er"
                FROM (
                  SELECT
                    "t3"."user_id" AS "eu",
                    "t3"."t" AS "et"
                  FROM "t2" AS "t3"
                  WHERE
                    (
                      (
                        "t3"."p0" > 0
                      )
                      OR (
                        "t3"."p1" > 0
                      )
                      OR (
                        "t3"."p2" > 0
                      )
                      OR (
                        "t3"."p3" > 0
                      )
                    )
                    AND "t3"."p1" > 0
                ) AS "t6"
              ) AS "t14"
                ON "t20"."user_id" = "t14"."eu" AND (
                  "t20"."bn_1" + "t20"."qT1"
                ) = "t14"."er"
            ) AS "t21"
          ) AS "t23"
          LEFT OUTER JOIN (
            SELECT
              "t5"."eu",
              "t5"."et",
              (
                ROW_NUMBER() OVER (
                  PARTITION BY "t5"."eu"
                  ORDER BY "t5"."et" ASC
                  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                ) - 1
              ) + 1 AS "er"
            FROM (
              SELECT
                "t3"."user_id" AS "eu",
                "t3"."t" AS "et"
              FROM "t2" AS "t3"
              WHERE
                (
                  (
                    "t3"."p0" > 0
                  )
                  OR (
                    "t3"."p1" > 0
                  )
                  OR (
                    "t3"."p2" > 0
                  )
                  OR (
                    "t3"."p3" > 0
                  )
                )
                AND "t3"."p2" > 0
            ) AS "t5"
          ) AS "t13"
            ON "t23"."user_id" = "t13"."eu" AND (
              "t23"."bn_2" + "t23"."qT2"
            ) = "t13"."er"
        ) AS "t24"
      ) AS "t26"
      LEFT OUTER JOIN (
        SELECT
          "t4"."eu",
          "t4"."et",
          (
            ROW_NUMBER() OVER (
              PARTITION BY "t4"."eu"
              ORDER BY "t4"."et" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
            ) - 1
          ) + 1 AS "er"
        FROM (
          SELECT
            "t3"."user_id" AS "eu",
            "t3"."t" AS "et"
          FROM "t2" AS "t3"
          WHERE
            (
              (
                "t3"."p0" > 0
              )
              OR (
                "t3"."p1" > 0
              )
              OR (
                "t3"."p2" > 0
              )
              OR (
                "t3"."p3" > 0
              )
            )
            AND (
              (
                "t3"."p1" > 0
              ) OR (
                "t3"."p2" > 0
              )
            )
        ) AS "t4"
      ) AS "t12"
        ON "t26"."user_id" = "t12"."eu" AND (
          "t26"."bn_1_2" + "t26"."qT3"
        ) = "t12"."er"
    ) AS "t27"
  ) AS "t28"
), "t35" AS (
  SELECT
    *
  FROM (
    SELECT
      "t31"."user_id",
      "t31"."t",
      "t31"."t2",
      "t31"."t3",
      "t31"."t4",
      "t31"."m",
      "t33"."reached",
      "t33"."last_start"
    FROM "t29" AS "t31"
    INNER JOIN (
      SELECT
        "t30"."user_id",
        MAX("t30"."m") AS "reached",
        MAX("t30"."t") AS "last_start"
      FROM "t29" AS "t30"
      GROUP BY
        1
    ) AS "t33"
      ON "t31"."user_id" = "t33"."user_id"
  ) AS "t34"
  WHERE
    "t34"."m" = "t34"."reached"
)
SELECT
  "t40"."user_id",
  "t40"."reached",
  "t40"."last_start",
  "t40"."t1",
  "t40"."t2",
  "t40"."t3",
  "t40"."t4",
  NOT (
    "t40"."last_start" > MAKE_TIMESTAMP(2026, 3, 24, 12, 0, 0.0)
  ) AS "matured",
  (
    "t40"."reached" < 4
  )
  AND (
    "t40"."last_start" > MAKE_TIMESTAMP(2026, 3, 24, 12, 0, 0.0)
  ) AS "in_progress"
FROM (
  SELECT
    "t37"."user_id",
    "t37"."reached",
    "t37"."last_start",
    "t39"."t1",
    "t37"."t2",
    "t37"."t3",
    "t37"."t4"
  FROM "t35" AS "t37"
  INNER JOIN (
    SELECT
      "t36"."user_id" AS "uid",
      MIN("t36"."t") AS "t1"
    FROM "t35" AS "t36"
    GROUP BY
      1
  ) AS "t39"
    ON "t37"."user_id" = "t39"."uid" AND "t37"."t" = "t39"."t1"
) AS "t40"

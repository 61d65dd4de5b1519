WITH "t3" AS (
  SELECT
    "t2"."user_id",
    "t2"."t",
    "t2"."k",
    MIN(CASE WHEN "t2"."k" = 2 THEN "t2"."t" ELSE NULL END) OVER (
      PARTITION BY "t2"."user_id"
      ORDER BY "t2"."t" DESC
      RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS "nx2",
    MIN(CASE WHEN "t2"."k" = 3 THEN "t2"."t" ELSE NULL END) OVER (
      PARTITION BY "t2"."user_id"
      ORDER BY "t2"."t" DESC
      RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS "nx3",
    MIN(CASE WHEN "t2"."k" = 4 THEN "t2"."t" ELSE NULL END) OVER (
      PARTITION BY "t2"."user_id"
      ORDER BY "t2"."t" DESC
      RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS "nx4"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t0"."user_id",
        CAST("t0"."event_at" AS TIMESTAMP(6)) AS "t",
        CAST(CASE
          WHEN "t0"."name" = 'signup'
          THEN 1
          WHEN "t0"."name" = 'view_item'
          THEN 2
          WHEN "t0"."name" = 'add_to_cart'
          THEN 3
          WHEN "t0"."name" = 'purchase'
          THEN 4
          ELSE 0
        END AS SMALLINT) AS "k"
      FROM "events" AS "t0"
      WHERE
        "t0"."name" IN ('add_to_cart', 'purchase', 'signup', 'view_item')
    ) AS "t1"
    WHERE
      "t1"."k" > 0
  ) AS "t2"
)
SELECT
  "t17"."user_id",
  "t17"."reached",
  "t17"."last_start",
  CASE
    WHEN "t17"."reached" = 1
    THEN "t17"."l1_1"
    WHEN "t17"."reached" = 2
    THEN "t17"."l2_1"
    WHEN "t17"."reached" = 3
    THEN "t17"."l3_1"
    WHEN "t17"."reached" = 4
    THEN "t17"."l4_1"
    ELSE NULL
  END AS "t1",
  CASE
    WHEN "t17"."reached" = 2
    THEN "t17"."l2_2"
    WHEN "t17"."reached" = 3
    THEN "t17"."l3_2"
    WHEN "t17"."reached" = 4
    THEN "t17"."l4_2"
    ELSE NULL
  END AS "t2",
  CASE
    WHEN "t17"."reached" = 3
    THEN "t17"."l3_3"
    WHEN "t17"."reached" = 4
    THEN "t17"."l4_3"
    ELSE NULL
  END AS "t3",
  CASE WHEN "t17"."reached" = 4 THEN "t17"."l4_4" ELSE NULL END AS "t4",
  NOT (
    (
      "t17"."last_start" + INTERVAL '604800' SECOND
    ) > MAKE_TIMESTAMP(2026, 3, 31, 12, 0, 0.0)
  ) AS "matured",
  (
    "t17"."reached" < 4
  )
  AND (
    (
      "t17"."last_start" + INTERVAL '604800' SECOND
    ) > MAKE_TIMESTAMP(2026, 3, 31, 12, 0, 0.0)
  ) AS "in_progress"
FROM (
  SELECT
    "t16"."user_id",
    MAX("t16"."m") AS "reached",
    MAX("t16"."t1") AS "last_start",
    MIN(CASE WHEN "t16"."m" >= 1 THEN "t16"."t1" ELSE NULL END) AS "l1_1",
    MIN(CASE WHEN "t16"."m" >= 2 THEN "t16"."t1" ELSE NULL END) AS "l2_1",
    MIN(CASE WHEN "t16"."m" >= 2 THEN "t16"."t2" ELSE NULL END) AS "l2_2",
    MIN(CASE WHEN "t16"."m" >= 3 THEN "t16"."t1" ELSE NULL END) AS "l3_1",
    MIN(CASE WHEN "t16"."m" >= 3 THEN "t16"."t2" ELSE NULL END) AS "l3_2",
    MIN(CASE WHEN "t16"."m" >= 3 THEN "t16"."t3" ELSE NULL END) AS "l3_3",
    MIN(CASE WHEN "t16"."m" >= 4 THEN "t16"."t1" ELSE NULL END) AS "l4_1",
    MIN(CASE WHEN "t16"."m" >= 4 THEN "t16"."t2" ELSE NULL END) AS "l4_2",
    MIN(CASE WHEN "t16"."m" >= 4 THEN "t16"."t3" ELSE NULL END) AS "l4_3",
    MIN(CASE WHEN "t16"."m" >= 4 THEN "t16"."t4" ELSE NULL END) AS "l4_4"
  FROM (
    SELECT
      "t15"."user_id",
      "t15"."t1",
      "t15"."t2",
      "t15"."t3",
      "t15"."t4",
      1 + CASE WHEN "t15"."t2" IS NOT NULL THEN 1 ELSE 0 END + CASE WHEN "t15"."t3" IS NOT NULL THEN 1 ELSE 0 END + CASE WHEN "t15"."t4" IS NOT NULL THEN 1 ELSE 0 END AS "m"
    FROM (
      SELECT
        "t14"."user_id",
        "t14"."t1",
        "t14"."t2",
        "t14"."t3",
        CASE
          WHEN (
            "t14"."nxt" IS NOT NULL
          )
          AND (
            "t14"."nxt" <= (
              "t14"."t1" + INTERVAL '604800' SECOND
            )
          )
          THEN "t14"."nxt"
          ELSE NULL
        END AS "t4"
      FROM (
        SELECT
          "t13"."user_id",
          "t13"."t1",
          "t13"."t2",
          "t13"."t3",
          "t7"."lu",
          "t7"."lt",
          "t7"."nxt"
        FROM (
          SELECT
            "t11"."user_id",
            "t11"."t1",
            "t11"."t2",
            CASE
              WHEN (
                "t11"."nxt" IS NOT NULL
              )
              AND (
                "t11"."nxt" <= (
                  "t11"."t1" + INTERVAL '604800' SECOND
                )
              )
              THEN "t11"."nxt"
              ELSE NULL
            END AS "t3"
          FROM (
            SELECT
              "t10"."user_id",
              "t10"."t1",
              "t10"."t2",
              "t8"."lu",
              "t8"."lt",
              "t8"."nxt"
            FROM (
              SELECT
                "t4"."user_id",
                "t4"."t" AS "t1",
                CASE
                  WHEN (
                    "t4"."nx2" IS NOT NULL
                  )
                  AND (
                    "t4"."nx2" <= (
                      "t4"."t" + INTERVAL '604800' SECOND
                    )
                  )
                  THEN "t4"."nx2"
                  ELSE NULL
                END AS "t2"
              FROM "t3" AS "t4"
              WHERE
                "t4"."k" = 1
            ) AS "t10"
            LEFT OUTER JOIN (
              SELECT
                "t4"."user_id" AS "lu",
                "t4"."t" AS "lt",
                "t4"."nx3" AS "nxt"
              FROM "t3" AS "t4"
              WHERE
                "t4"."k" = 2
            ) AS "t8"
              ON "t10"."user_id" = "t8"."lu" AND "t10"."t2" = "t8"."lt"
          ) AS "t11"
        ) AS "t13"
        LEFT OUTER JOIN (
          SELECT
            "t4"."user_id" AS "lu",
            "t4"."t" AS "lt",
            "t4"."nx4" AS "nxt"
          FROM "t3" AS "t4"
          WHERE
            "t4"."k" = 3
        ) AS "t7"
          ON "t13"."user_id" = "t7"."lu" AND "t13"."t3" = "t7"."lt"
      ) AS "t14"
    ) AS "t15"
  ) AS "t16"
  GROUP BY
    1
) AS "t17"

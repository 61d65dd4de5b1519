WITH "t1" AS (
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
)
SELECT
  "t20"."user_id",
  "t20"."reached",
  "t20"."last_start",
  CASE
    WHEN "t20"."reached" = 1
    THEN "t20"."l1_1"
    WHEN "t20"."reached" = 2
    THEN "t20"."l2_1"
    WHEN "t20"."reached" = 3
    THEN "t20"."l3_1"
    WHEN "t20"."reached" = 4
    THEN "t20"."l4_1"
    ELSE NULL
  END AS "t1",
  CASE
    WHEN "t20"."reached" = 2
    THEN "t20"."l2_2"
    WHEN "t20"."reached" = 3
    THEN "t20"."l3_2"
    WHEN "t20"."reached" = 4
    THEN "t20"."l4_2"
    ELSE NULL
  END AS "t2",
  CASE
    WHEN "t20"."reached" = 3
    THEN "t20"."l3_3"
    WHEN "t20"."reached" = 4
    THEN "t20"."l4_3"
    ELSE NULL
  END AS "t3",
  CASE WHEN "t20"."reached" = 4 THEN "t20"."l4_4" ELSE NULL END AS "t4",
  NOT (
    (
      "t20"."last_start" + INTERVAL '604800' SECOND
    ) > MAKE_TIMESTAMP(2026, 3, 31, 12, 0, 0.0)
  ) AS "matured",
  (
    "t20"."reached" < 4
  )
  AND (
    (
      "t20"."last_start" + INTERVAL '604800' SECOND
    ) > MAKE_TIMESTAMP(2026, 3, 31, 12, 0, 0.0)
  ) AS "in_progress"
FROM (
  SELECT
    "t19"."user_id",
    MAX("t19"."m") AS "reached",
    MAX("t19"."t1") AS "last_start",
    MIN(CASE WHEN "t19"."m" >= 1 THEN "t19"."t1" ELSE NULL END) AS "l1_1",
    MIN(CASE WHEN "t19"."m" >= 2 THEN "t19"."t1" ELSE NULL END) AS "l2_1",
    MIN(CASE WHEN "t19"."m" >= 2 THEN "t19"."t2" ELSE NULL END) AS "l2_2",
    MIN(CASE WHEN "t19"."m" >= 3 THEN "t19"."t1" ELSE NULL END) AS "l3_1",
    MIN(CASE WHEN "t19"."m" >= 3 THEN "t19"."t2" ELSE NULL END) AS "l3_2",
    MIN(CASE WHEN "t19"."m" >= 3 THEN "t19"."t3" ELSE NULL END) AS "l3_3",
    MIN(CASE WHEN "t19"."m" >= 4 THEN "t19"."t1" ELSE NULL END) AS "l4_1",
    MIN(CASE WHEN "t19"."m" >= 4 THEN "t19"."t2" ELSE NULL END) AS "l4_2",
    MIN(CASE WHEN "t19"."m" >= 4 THEN "t19"."t3" ELSE NULL END) AS "l4_3",
    MIN(CASE WHEN "t19"."m" >= 4 THEN "t19"."t4" ELSE NULL END) AS "l4_4"
  FROM (
    SELECT
      "t18"."user_id",
      "t18"."t1",
      "t18"."t2",
      "t18"."t3",
      "t18"."t4",
      1 + CASE WHEN "t18"."t2" IS NOT NULL THEN 1 ELSE 0 END + CASE WHEN "t18"."t3" IS NOT NULL THEN 1 ELSE 0 END + CASE WHEN "t18"."t4" IS NOT NULL THEN 1 ELSE 0 END AS "m"
    FROM (
      SELECT
        "t17"."user_id",
        "t17"."t1",
        MIN("t17"."t2") AS "t2",
        MIN("t17"."t3") AS "t3",
        MIN("t17"."rt") AS "t4"
      FROM (
        SELECT
          "t16"."user_id",
          "t16"."t1",
          "t16"."t2",
          "t16"."t3",
          "t7"."ru",
          "t7"."rt"
        FROM (
          SELECT
            "t14"."user_id",
            "t14"."t1",
            MIN("t14"."t2") AS "t2",
            MIN("t14"."rt") AS "t3"
          FROM (
            SELECT
              "t13"."user_id",
              "t13"."t1",
              "t13"."t2",
              "t8"."ru",
              "t8"."rt"
            FROM (
              SELECT
                "t11"."user_id",
                "t11"."t1",
                MIN("t11"."rt") AS "t2"
              FROM (
                SELECT
                  "t9"."user_id",
                  "t9"."t1",
                  "t10"."ru",
                  "t10"."rt"
                FROM (
                  SELECT
                    "t2"."user_id",
                    "t2"."t" AS "t1"
                  FROM "t1" AS "t2"
                  WHERE
                    "t2"."k" > 0 AND "t2"."k" = 1
                ) AS "t9"
                LEFT OUTER JOIN (
                  SELECT
                    "t2"."user_id" AS "ru",
                    "t2"."t" AS "rt"
                  FROM "t1" AS "t2"
                  WHERE
                    "t2"."k" > 0 AND "t2"."k" = 2
                ) AS "t10"
                  ON "t9"."user_id" = "t10"."ru"
                  AND "t10"."rt" >= "t9"."t1"
                  AND "t10"."rt" <= (
                    "t9"."t1" + INTERVAL '604800' SECOND
                  )
              ) AS "t11"
              GROUP BY
                1,
                2
            ) AS "t13"
            LEFT OUTER JOIN (
              SELECT
                "t2"."user_id" AS "ru",
                "t2"."t" AS "rt"
              FROM "t1" AS "t2"
              WHERE
                "t2"."k" > 0 AND "t2"."k" = 3
            ) AS "t8"
              ON "t13"."user_id" = "t8"."ru"
              AND "t8"."rt" >= "t13"."t2"
              AND "t8"."rt" <= (
                "t13"."t1" + INTERVAL '604800' SECOND
              )
          ) AS "t14"
          GROUP BY
            1,
            2
        ) AS "t16"
        LEFT OUTER JOIN (
          SELECT
            "t2"."user_id" AS "ru",
            "t2"."t" AS "rt"
          FROM "t1" AS "t2"
          WHERE
            "t2"."k" > 0 AND "t2"."k" = 4
        ) AS "t7"
          ON "t16"."user_id" = "t7"."ru"
          AND "t7"."rt" >= "t16"."t3"
          AND "t7"."rt" <= (
            "t16"."t1" + INTERVAL '604800' SECOND
          )
      ) AS "t17"
      GROUP BY
        1,
        2
    ) AS "t18"
  ) AS "t19"
  GROUP BY
    1
) AS "t20"

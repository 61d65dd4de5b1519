WITH "t6" AS (
  SELECT
    "t5"."user_id",
    "t5"."t",
    "t5"."t2",
    "t5"."t3",
    1 + CASE WHEN "t5"."t2" IS NOT NULL THEN 1 ELSE 0 END + CASE WHEN "t5"."t3" IS NOT NULL THEN 1 ELSE 0 END AS "m"
  FROM (
    SELECT
      "t4"."user_id",
      "t4"."t",
      CASE
        WHEN (
          "t4"."o2" IS NOT NULL
        )
        AND (
          (
            "t4"."stop" IS NULL
          ) OR (
            "t4"."o2" < "t4"."stop"
          )
        )
        THEN "t4"."o2"
        ELSE NULL
      END AS "t2",
      CASE
        WHEN (
          "t4"."o3" IS NOT NULL
        )
        AND (
          (
            "t4"."stop" IS NULL
          ) OR (
            "t4"."o3" < "t4"."stop"
          )
        )
        THEN "t4"."o3"
        ELSE NULL
      END AS "t3"
    FROM (
      SELECT
        "t3"."user_id",
        "t3"."t",
        "t3"."h1",
        "t3"."h2",
        "t3"."h3",
        "t3"."cx",
        MIN(CASE WHEN "t3"."h2" > 0 THEN "t3"."t" ELSE NULL END) OVER (
          PARTITION BY "t3"."user_id"
          ORDER BY "t3"."t" ASC
          RANGE BETWEEN TO_SECONDS(CAST(0 AS INT)) following AND INTERVAL '604800' SECOND following
        ) AS "o2",
        MIN(CASE WHEN "t3"."h3" > 0 THEN "t3"."t" ELSE NULL END) OVER (
          PARTITION BY "t3"."user_id"
          ORDER BY "t3"."t" ASC
          RANGE BETWEEN TO_SECONDS(CAST(0 AS INT)) following AND INTERVAL '604800' SECOND following
        ) AS "o3",
        MIN(CASE WHEN "t3"."cx" > 0 THEN "t3"."t" ELSE NULL END) OVER (
          PARTITION BY "t3"."user_id"
          ORDER BY "t3"."t" ASC
          ROWS BETWEEN 1 following AND UNBOUNDED FOLLOWING
        ) AS "stop"
      FROM (
        SELECT
          "t2"."user_id",
          "t2"."t",
          MAX(CASE WHEN "t2"."k" = 1 THEN 1 ELSE 0 END) AS "h1",
          MAX(CASE WHEN "t2"."k" = 2 THEN 1 ELSE 0 END) AS "h2",
          MAX(CASE WHEN "t2"."k" = 3 THEN 1 ELSE 0 END) AS "h3",
          SUM("t2"."x0") AS "cx"
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
                ELSE 0
              END AS SMALLINT) AS "k",
              CAST(CASE WHEN "t0"."name" = 'refund' THEN 1 ELSE 0 END AS INT) AS "x0"
            FROM "events" AS "t0"
            WHERE
              "t0"."name" IN ('add_to_cart', 'refund', 'signup', 'view_item')
          ) AS "t1"
          WHERE
            (
              "t1"."k" > 0
            ) OR (
              "t1"."x0" > 0
            )
        ) AS "t2"
        GROUP BY
          1,
          2
      ) AS "t3"
    ) AS "t4"
    WHERE
      "t4"."h1" > 0
  ) AS "t5"
), "t12" AS (
  SELECT
    *
  FROM (
    SELECT
      "t8"."user_id",
      "t8"."t",
      "t8"."t2",
      "t8"."t3",
      "t8"."m",
      "t10"."reached",
      "t10"."last_start"
    FROM "t6" AS "t8"
    INNER JOIN (
      SELECT
        "t7"."user_id",
        MAX("t7"."m") AS "reached",
        MAX("t7"."t") AS "last_start"
      FROM "t6" AS "t7"
      GROUP BY
        1
    ) AS "t10"
      ON "t8"."user_id" = "t10"."user_id"
  ) AS "t11"
  WHERE
    "t11"."m" = "t11"."reached"
)
SELECT
  "t17"."user_id",
  "t17"."reached",
  "t17"."last_start",
  "t17"."t1",
  "t17"."t2",
  "t17"."t3",
  NOT (
    "t17"."last_start" > MAKE_TIMESTAMP(2026, 3, 24, 12, 0, 0.0)
  ) AS "matured",
  (
    "t17"."reached" < 3
  )
  AND (
    "t17"."last_start" > MAKE_TIMESTAMP(2026, 3, 24, 12, 0, 0.0)
  ) AS "in_progress"
FROM (
  SELECT
    "t14"."user_id",
    "t14"."reached",
    "t14"."last_start",
    "t16"."t1",
    "t14"."t2",
    "t14"."t3"
  FROM "t12" AS "t14"
  INNER JOIN (
    SELECT
      "t13"."user_id" AS "uid",
      MIN("t13"."t") AS "t1"
    FROM "t12" AS "t13"
    GROUP BY
      1
  ) AS "t16"
    ON "t14"."user_id" = "t16"."uid" AND "t14"."t" = "t16"."t1"
) AS "t17"

WITH "t3" AS (
  SELECT
    *
  FROM (
    SELECT
      "t1"."user_id",
      CAST("t1"."event_at" AS TIMESTAMP(6)) AS "t",
      CAST(CASE
        WHEN (
          "t1"."name" = 'signup'
        )
        AND COALESCE(
          NOT (
            COALESCE(
              CASE
                WHEN JSON_TYPE("t1"."data", '/channel') = 'VARCHAR'
                THEN "t1"."data" ->> '/channel'
                ELSE NULL
              END = 'test',
              FALSE
            )
          ),
          FALSE
        )
        AND (
          CAST("t1"."event_at" AS TIMESTAMP(6)) >= MAKE_TIMESTAMP(2026, 3, 1, 0, 0, 0.0)
        )
        THEN 1
        WHEN "t1"."name" = 'purchase'
        THEN 2
        ELSE 0
      END AS SMALLINT) AS "k",
      "t1"."event_id",
      CASE
        WHEN JSON_TYPE("t1"."data", '/channel') = 'VARCHAR'
        THEN "t1"."data" ->> '/channel'
        ELSE NULL
      END AS "vs",
      CASE
        WHEN JSON_TYPE("t1"."data", '/channel') IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')
        THEN CAST("t1"."data" ->> '/channel' AS DOUBLE)
        ELSE NULL
      END AS "vn"
    FROM (
      SELECT
        *
      FROM "events" AS "t0"
      WHERE
        "t0"."name" IN ('purchase', 'signup')
        AND CAST("t0"."event_at" AS TIMESTAMP(6)) <= MAKE_TIMESTAMP(2026, 3, 31, 12, 0, 0.0)
    ) AS "t1"
  ) AS "t2"
  WHERE
    "t2"."k" > 0
), "t9" AS (
  SELECT
    "t8"."user_id",
    MAX("t8"."m") AS "reached",
    MAX("t8"."t1") AS "last_start",
    MIN(CASE WHEN "t8"."m" >= 1 THEN "t8"."t1" ELSE NULL END) AS "l1_1",
    MIN(CASE WHEN "t8"."m" >= 2 THEN "t8"."t1" ELSE NULL END) AS "l2_1",
    MIN(CASE WHEN "t8"."m" >= 2 THEN "t8"."t2" ELSE NULL END) AS "l2_2"
  FROM (
    SELECT
      "t7"."user_id",
      "t7"."t1",
      "t7"."t2",
      1 + CASE WHEN "t7"."t2" IS NOT NULL THEN 1 ELSE 0 END AS "m"
    FROM (
      SELECT
        "t6"."user_id",
        "t6"."t" AS "t1",
        CASE
          WHEN (
            "t6"."nx2" IS NOT NULL
          )
          AND (
            "t6"."nx2" <= (
              "t6"."t" + INTERVAL '1209600' SECOND
            )
          )
          THEN "t6"."nx2"
          ELSE NULL
        END AS "t2"
      FROM (
        SELECT
          "t4"."user_id",
          "t4"."t",
          "t4"."k",
          "t4"."event_id",
          "t4"."vs",
          "t4"."vn",
          MIN(CASE WHEN "t4"."k" = 2 THEN "t4"."t" ELSE NULL END) OVER (
            PARTITION BY "t4"."user_id"
            ORDER BY "t4"."t" DESC
            RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
          ) AS "nx2"
        FROM "t3" AS "t4"
      ) AS "t6"
      WHERE
        "t6"."k" = 1
    ) AS "t7"
  ) AS "t8"
  GROUP BY
    1
)
SELECT
  "t20".*
  EXCLUDE ("vu")
FROM (
  SELECT
    "t14"."user_id",
    "t14"."reached",
    "t14"."last_start",
    "t14"."t1",
    "t14"."t2",
    "t14"."matured",
    "t14"."in_progress",
    "t19"."vu",
    "t19"."vs",
    "t19"."vn"
  FROM (
    SELECT
      "t10"."user_id",
      "t10"."reached",
      "t10"."last_start",
      CASE
        WHEN "t10"."reached" = 1
        THEN "t10"."l1_1"
        WHEN "t10"."reached" = 2
        THEN "t10"."l2_1"
        ELSE NULL
      END AS "t1",
      CASE WHEN "t10"."reached" = 2 THEN "t10"."l2_2" ELSE NULL END AS "t2",
      NOT (
        (
          "t10"."last_start" + INTERVAL '1209600' SECOND
        ) > MAKE_TIMESTAMP(2026, 3, 31, 12, 0, 0.0)
      ) AS "matured",
      (
        "t10"."reached" < 2
      )
      AND (
        (
          "t10"."last_start" + INTERVAL '1209600' SECOND
        ) > MAKE_TIMESTAMP(2026, 3, 31, 12, 0, 0.0)
      ) AS "in_progress"
    FROM "t9" AS "t10"
  ) AS "t14"
  LEFT OUTER JOIN (
    SELECT
      "t5"."user_id" AS "vu",
      "t5"."vs",
      "t5"."vn"
    FROM "t3" AS "t5"
    INNER JOIN (
      SELECT
        "t15"."user_id",
        MIN("t15"."event_id") AS "eid"
      FROM (
        SELECT
          "t5"."user_id",
          "t5"."t",
          "t5"."k",
          "t5"."event_id",
          "t5"."vs",
          "t5"."vn",
          "t13"."ak",
          "t13"."at"
        FROM "t3" AS "t5"
        INNER JOIN (
          SELECT
            "t10"."user_id",
            "t10"."reached" AS "ak",
            CASE
              WHEN "t10"."reached" = 1
              THEN CASE
                WHEN "t10"."reached" = 1
                THEN "t10"."l1_1"
                WHEN "t10"."reached" = 2
                THEN "t10"."l2_1"
                ELSE NULL
              END
              WHEN "t10"."reached" = 2
              THEN CASE WHEN "t10"."reached" = 2 THEN "t10"."l2_2" ELSE NULL END
              ELSE NULL
            END AS "at"
          FROM "t9" AS "t10"
          WHERE
            "t10"."reached" IS NOT NULL
        ) AS "t13"
          ON "t5"."user_id" = "t13"."user_id"
          AND "t5"."k" = "t13"."ak"
          AND "t5"."t" = "t13"."at"
      ) AS "t15"
      GROUP BY
        1
    ) AS "t17"
      ON "t5"."user_id" = "t17"."user_id" AND "t5"."event_id" = "t17"."eid"
  ) AS "t19"
    ON "t14"."user_id" = "t19"."vu"
) AS "t20"

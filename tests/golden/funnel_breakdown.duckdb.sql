WITH "t2" AS (
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
), "t14" AS (
  SELECT
    "t13"."user_id",
    MAX("t13"."m") AS "reached",
    MAX("t13"."t1") AS "last_start",
    MIN(CASE WHEN "t13"."m" >= 1 THEN "t13"."t1" ELSE NULL END) AS "l1_1",
    MIN(CASE WHEN "t13"."m" >= 2 THEN "t13"."t1" ELSE NULL END) AS "l2_1",
    MIN(CASE WHEN "t13"."m" >= 2 THEN "t13"."t2" ELSE NULL END) AS "l2_2"
  FROM (
    SELECT
      "t12"."user_id",
      "t12"."t1",
      "t12"."t2",
      1 + CASE WHEN "t12"."t2" IS NOT NULL THEN 1 ELSE 0 END AS "m"
    FROM (
      SELECT
        "t11"."user_id",
        "t11"."t1",
        MIN("t11"."rt") AS "t2"
      FROM (
        SELECT
          "t10"."user_id",
          "t10"."t1",
          "t8"."ru",
          "t8"."rt"
        FROM (
          SELECT
            "t5"."user_id",
            "t5"."t" AS "t1"
          FROM (
            SELECT
              *
            FROM "t2" AS "t3"
            WHERE
              "t3"."k" > 0 AND "t3"."k" = 1
          ) AS "t5"
          GROUP BY
            1,
            2
        ) AS "t10"
        LEFT OUTER JOIN (
          SELECT
            "t3"."user_id" AS "ru",
            "t3"."t" AS "rt"
          FROM "t2" AS "t3"
          WHERE
            "t3"."k" > 0 AND "t3"."k" = 2
        ) AS "t8"
          ON "t10"."user_id" = "t8"."ru"
          AND "t8"."rt" >= "t10"."t1"
          AND "t8"."rt" <= (
            "t10"."t1" + INTERVAL '1209600' SECOND
          )
      ) AS "t11"
      GROUP BY
        1,
        2
    ) AS "t12"
  ) AS "t13"
  GROUP BY
    1
)
SELECT
  "t19"."user_id",
  "t19"."reached",
  "t19"."last_start",
  "t19"."t1",
  "t19"."t2",
  "t19"."matured",
  "t19"."in_progress",
  "t24"."vs",
  "t24"."vn"
FROM (
  SELECT
    "t15"."user_id",
    "t15"."reached",
    "t15"."last_start",
    CASE
      WHEN "t15"."reached" = 1
      THEN "t15"."l1_1"
      WHEN "t15"."reached" = 2
      THEN "t15"."l2_1"
      ELSE NULL
    END AS "t1",
    CASE WHEN "t15"."reached" = 2 THEN "t15"."l2_2" ELSE NULL END AS "t2",
    NOT (
      (
        "t15"."last_start" + INTERVAL '1209600' SECOND
      ) > MAKE_TIMESTAMP(2026, 3, 31, 12, 0, 0.0)
    ) AS "matured",
    (
      "t15"."reached" < 2
    )
    AND (
      (
        "t15"."last_start" + INTERVAL '1209600' SECOND
      ) > MAKE_TIMESTAMP(2026, 3, 31, 12, 0, 0.0)
    ) AS "in_progress"
  FROM "t14" AS "t15"
) AS "t19"
LEFT OUTER JOIN (
  SELECT
    "t7"."user_id" AS "vu",
    "t7"."vs",
    "t7"."vn"
  FROM (
    SELECT
      *
    FROM "t2" AS "t3"
    WHERE
      "t3"."k" > 0
  ) AS "t7"
  INNER JOIN (
    SELECT
      "t20"."user_id",
      MIN("t20"."event_id") AS "eid"
    FROM (
      SELECT
        "t7"."user_id",
        "t7"."t",
        "t7"."k",
        "t7"."event_id",
        "t7"."vs",
        "t7"."vn",
        "t18"."ak",
        "t18"."at"
      FROM (
        SELECT
          *
        FROM "t2" AS "t3"
        WHERE
          "t3"."k" > 0
      ) AS "t7"
      INNER JOIN (
        SELECT
          "t15"."user_id",
          "t15"."reached" AS "ak",
          CASE
            WHEN "t15"."reached" = 1
            THEN CASE
              WHEN "t15"."reached" = 1
              THEN "t15"."l1_1"
              WHEN "t15"."reached" = 2
              THEN "t15"."l2_1"
              ELSE NULL
            END
            WHEN "t15"."reached" = 2
            THEN CASE WHEN "t15"."reached" = 2 THEN "t15"."l2_2" ELSE NULL END
            ELSE NULL
          END AS "at"
        FROM "t14" AS "t15"
        WHERE
          "t15"."reached" IS NOT NULL
      ) AS "t18"
        ON "t7"."user_id" = "t18"."user_id"
        AND "t7"."k" = "t18"."ak"
        AND "t7"."t" = "t18"."at"
    ) AS "t20"
    GROUP BY
      1
  ) AS "t22"
    ON "t7"."user_id" = "t22"."user_id" AND "t7"."event_id" = "t22"."eid"
) AS "t24"
  ON "t19"."user_id" = "t24"."vu"

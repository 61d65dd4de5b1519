WITH "t6" AS (
  SELECT
    "t5"."user_id",
    "t5"."t",
    "t5"."h1",
    "t5"."h2",
    "t5"."h3",
    "t5"."prv",
    "t5"."nxt",
    "t5"."g3_3",
    "t5"."g2_3",
    "t5"."g2_2",
    CASE
      WHEN "t5"."h1" > 0
      THEN CASE
        WHEN "t5"."g2_2" IS NULL
        THEN CASE
          WHEN LEAD("t5"."t") OVER (
            PARTITION BY "t5"."user_id"
            ORDER BY "t5"."t" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          ) = "t5"."nxt"
          THEN LEAD("t5"."g2_2") OVER (
            PARTITION BY "t5"."user_id"
            ORDER BY "t5"."t" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          )
          ELSE NULL
        END
        WHEN CASE
          WHEN LEAD("t5"."t") OVER (
            PARTITION BY "t5"."user_id"
            ORDER BY "t5"."t" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          ) = "t5"."nxt"
          THEN LEAD("t5"."g2_2") OVER (
            PARTITION BY "t5"."user_id"
            ORDER BY "t5"."t" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          )
          ELSE NULL
        END IS NULL
        THEN "t5"."g2_2"
        WHEN "t5"."g2_2" <= CASE
          WHEN LEAD("t5"."t") OVER (
            PARTITION BY "t5"."user_id"
            ORDER BY "t5"."t" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          ) = "t5"."nxt"
          THEN LEAD("t5"."g2_2") OVER (
            PARTITION BY "t5"."user_id"
            ORDER BY "t5"."t" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          )
          ELSE NULL
        END
        THEN "t5"."g2_2"
        ELSE CASE
          WHEN LEAD("t5"."t") OVER (
            PARTITION BY "t5"."user_id"
            ORDER BY "t5"."t" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          ) = "t5"."nxt"
          THEN LEAD("t5"."g2_2") OVER (
            PARTITION BY "t5"."user_id"
            ORDER BY "t5"."t" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          )
          ELSE NULL
        END
      END
      ELSE NULL
    END AS "g1_2",
    CASE
      WHEN "t5"."h1" > 0
      THEN CASE
        WHEN "t5"."g2_3" IS NULL
        THEN CASE
          WHEN LEAD("t5"."t") OVER (
            PARTITION BY "t5"."user_id"
            ORDER BY "t5"."t" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          ) = "t5"."nxt"
          THEN LEAD("t5"."g2_3") OVER (
            PARTITION BY "t5"."user_id"
            ORDER BY "t5"."t" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          )
          ELSE NULL
        END
        WHEN CASE
          WHEN LEAD("t5"."t") OVER (
            PARTITION BY "t5"."user_id"
            ORDER BY "t5"."t" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          ) = "t5"."nxt"
          THEN LEAD("t5"."g2_3") OVER (
            PARTITION BY "t5"."user_id"
            ORDER BY "t5"."t" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          )
          ELSE NULL
        END IS NULL
        THEN "t5"."g2_3"
        WHEN "t5"."g2_3" <= CASE
          WHEN LEAD("t5"."t") OVER (
            PARTITION BY "t5"."user_id"
            ORDER BY "t5"."t" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          ) = "t5"."nxt"
          THEN LEAD("t5"."g2_3") OVER (
            PARTITION BY "t5"."user_id"
            ORDER BY "t5"."t" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          )
          ELSE NULL
        END
        THEN "t5"."g2_3"
        ELSE CASE
          WHEN LEAD("t5"."t") OVER (
            PARTITION BY "t5"."user_id"
            ORDER BY "t5"."t" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          ) = "t5"."nxt"
          THEN LEAD("t5"."g2_3") OVER (
            PARTITION BY "t5"."user_id"
            ORDER BY "t5"."t" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          )
          ELSE NULL
        END
      END
      ELSE NULL
    END AS "g1_3",
    CASE WHEN "t5"."h1" > 0 THEN "t5"."t" ELSE NULL END AS "g1_1"
  FROM (
    SELECT
      "t4"."user_id",
      "t4"."t",
      "t4"."h1",
      "t4"."h2",
      "t4"."h3",
      "t4"."prv",
      "t4"."nxt",
      "t4"."g3_3",
      CASE
        WHEN "t4"."h2" > 0
        THEN CASE
          WHEN "t4"."g3_3" IS NULL
          THEN CASE
            WHEN LEAD("t4"."t") OVER (
              PARTITION BY "t4"."user_id"
              ORDER BY "t4"."t" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
            ) = "t4"."nxt"
            THEN LEAD("t4"."g3_3") OVER (
              PARTITION BY "t4"."user_id"
              ORDER BY "t4"."t" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
            )
            ELSE NULL
          END
          WHEN CASE
            WHEN LEAD("t4"."t") OVER (
              PARTITION BY "t4"."user_id"
              ORDER BY "t4"."t" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
            ) = "t4"."nxt"
            THEN LEAD("t4"."g3_3") OVER (
              PARTITION BY "t4"."user_id"
              ORDER BY "t4"."t" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
            )
            ELSE NULL
          END IS NULL
          THEN "t4"."g3_3"
          WHEN "t4"."g3_3" <= CASE
            WHEN LEAD("t4"."t") OVER (
              PARTITION BY "t4"."user_id"
              ORDER BY "t4"."t" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
            ) = "t4"."nxt"
            THEN LEAD("t4"."g3_3") OVER (
              PARTITION BY "t4"."user_id"
              ORDER BY "t4"."t" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
            )
            ELSE NULL
          END
          THEN "t4"."g3_3"
          ELSE CASE
            WHEN LEAD("t4"."t") OVER (
              PARTITION BY "t4"."user_id"
              ORDER BY "t4"."t" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
            ) = "t4"."nxt"
            THEN LEAD("t4"."g3_3") OVER (
              PARTITION BY "t4"."user_id"
              ORDER BY "t4"."t" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
            )
            ELSE NULL
          END
        END
        ELSE NULL
      END AS "g2_3",
      CASE WHEN "t4"."h2" > 0 THEN "t4"."t" ELSE NULL END AS "g2_2"
    FROM (
      SELECT
        "t3"."user_id",
        "t3"."t",
        "t3"."h1",
        "t3"."h2",
        "t3"."h3",
        "t3"."prv",
        "t3"."nxt",
        CASE WHEN "t3"."h3" > 0 THEN "t3"."t" ELSE NULL END AS "g3_3"
      FROM (
        SELECT
          "t2"."user_id",
          "t2"."t",
          "t2"."h1",
          "t2"."h2",
          "t2"."h3",
          LAG("t2"."t") OVER (
            PARTITION BY "t2"."user_id"
            ORDER BY "t2"."t" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          ) AS "prv",
          LEAD("t2"."t") OVER (
            PARTITION BY "t2"."user_id"
            ORDER BY "t2"."t" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          ) AS "nxt"
        FROM (
          SELECT
            "t1"."user_id",
            "t1"."t",
            MAX(CASE WHEN "t1"."k" = 1 THEN 1 ELSE 0 END) AS "h1",
            MAX(CASE WHEN "t1"."k" = 2 THEN 1 ELSE 0 END) AS "h2",
            MAX(CASE WHEN "t1"."k" = 3 THEN 1 ELSE 0 END) AS "h3"
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
              END AS SMALLINT) AS "k"
            FROM "events" AS "t0"
          ) AS "t1"
          GROUP BY
            1,
            2
        ) AS "t2"
      ) AS "t3"
      WHERE
        (
          "t3"."h1" > 0
        ) OR (
          "t3"."h2" > 0
        ) OR (
          "t3"."h3" > 0
        )
    ) AS "t4"
  ) AS "t5"
), "t12" AS (
  SELECT
    "t7"."user_id",
    "t7"."t",
    CASE
      WHEN "t7"."g1_3" <= (
        "t7"."t" + INTERVAL '86400' SECOND
      )
      THEN 3
      WHEN "t7"."g1_2" <= (
        "t7"."t" + INTERVAL '86400' SECOND
      )
      THEN 2
      ELSE 1
    END AS "m"
  FROM "t6" AS "t7"
  WHERE
    "t7"."h1" > 0
), "t19" AS (
  SELECT
    "t18"."user_id",
    MAX("t18"."reached") AS "reached",
    MAX("t18"."last_start") AS "last_start",
    MIN("t18"."t") AS "t1"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t14"."user_id",
        "t14"."t",
        "t14"."m",
        "t16"."reached",
        "t16"."last_start"
      FROM "t12" AS "t14"
      INNER JOIN (
        SELECT
          "t13"."user_id",
          MAX("t13"."m") AS "reached",
          MAX("t13"."t") AS "last_start"
        FROM "t12" AS "t13"
        GROUP BY
          1
      ) AS "t16"
        ON "t14"."user_id" = "t16"."user_id"
    ) AS "t17"
    WHERE
      "t17"."m" = "t17"."reached"
  ) AS "t18"
  GROUP BY
    1
), "t28" AS (
  SELECT
    "t27"."user_id",
    "t27"."reached",
    "t27"."last_start",
    "t27"."t1",
    "t27"."t2"
  FROM (
    SELECT
      "t21"."user_id",
      "t21"."reached",
      "t21"."last_start",
      "t21"."t1",
      "t26"."uid",
      "t26"."t2"
    FROM "t19" AS "t21"
    LEFT OUTER JOIN (
      SELECT
        "t24"."user_id" AS "uid",
        MIN("t24"."t") AS "t2"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t10"."user_id",
            "t10"."t",
            "t10"."h1",
            "t10"."h2",
            "t10"."h3",
            "t10"."prv",
            "t10"."nxt",
            "t10"."g3_3",
            "t10"."g2_3",
            "t10"."g2_2",
            "t10"."g1_2",
            "t10"."g1_3",
            "t10"."g1_1",
            "t22"."reached",
            "t22"."last_start",
            "t22"."t1"
          FROM (
            SELECT
              *
            FROM "t6" AS "t7"
            WHERE
              "t7"."h2" > 0
          ) AS "t10"
          INNER JOIN "t19" AS "t22"
            ON "t10"."user_id" = "t22"."user_id"
        ) AS "t23"
        WHERE
          "t23"."reached" >= 2
          AND "t23"."t" >= "t23"."t1"
          AND CASE
            WHEN "t23"."reached" = 2
            THEN "t23"."g2_2"
            WHEN "t23"."reached" = 3
            THEN "t23"."g2_3"
            ELSE NULL
          END <= (
            "t23"."t1" + INTERVAL '86400' SECOND
          )
          AND (
            (
              "t23"."t" = "t23"."t1"
            ) OR (
              "t23"."prv" = "t23"."t1"
            )
          )
      ) AS "t24"
      GROUP BY
        1
    ) AS "t26"
      ON "t21"."user_id" = "t26"."uid"
  ) AS "t27"
)
SELECT
  "t36"."user_id",
  "t36"."reached",
  "t36"."last_start",
  "t36"."t1",
  "t36"."t2",
  "t36"."t3",
  NOT (
    "t36"."last_start" > MAKE_TIMESTAMP(2026, 3, 30, 12, 0, 0.0)
  ) AS "matured",
  (
    "t36"."reached" < 3
  )
  AND (
    "t36"."last_start" > MAKE_TIMESTAMP(2026, 3, 30, 12, 0, 0.0)
  ) AS "in_progress"
FROM (
  SELECT
    "t30"."user_id",
    "t30"."reached",
    "t30"."last_start",
    "t30"."t1",
    "t30"."t2",
    "t35"."uid",
    "t35"."t3"
  FROM "t28" AS "t30"
  LEFT OUTER JOIN (
    SELECT
      "t33"."user_id" AS "uid",
      MIN("t33"."t") AS "t3"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t11"."user_id",
          "t11"."t",
          "t11"."h1",
          "t11"."h2",
          "t11"."h3",
          "t11"."prv",
          "t11"."nxt",
          "t11"."g3_3",
          "t11"."g2_3",
          "t11"."g2_2",
          "t11"."g1_2",
          "t11"."g1_3",
          "t11"."g1_1",
          "t31"."reached",
          "t31"."last_start",
          "t31"."t1",
          "t31"."t2"
        FROM (
          SELECT
            *
          FROM "t6" AS "t7"
          WHERE
            "t7"."h3" > 0
        ) AS "t11"
        INNER JOIN "t28" AS "t31"
          ON "t11"."user_id" = "t31"."user_id"
      ) AS "t32"
      WHERE
        "t32"."reached" >= 3
        AND "t32"."t" >= "t32"."t2"
        AND CASE WHEN "t32"."reached" = 3 THEN "t32"."g3_3" ELSE NULL END <= (
          "t32"."t1" + INTERVAL '86400' SECOND
        )
        AND (
          (
            "t32"."t" = "t32"."t2"
          ) OR (
            "t32"."prv" = "t32"."t2"
          )
        )
    ) AS "t33"
    GROUP BY
      1
  ) AS "t35"
    ON "t30"."user_id" = "t35"."uid"
) AS "t36"

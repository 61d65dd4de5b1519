WITH "t10" AS (
  SELECT
    "t9"."user_id",
    "t9"."t",
    "t9"."h1",
    "t9"."h2",
    "t9"."h3",
    "t9"."h4",
    "t9"."seg0",
    "t9"."g4_4",
    "t9"."g3_4",
    "t9"."g3_3",
    "t9"."g2_3",
    "t9"."g2_4",
    "t9"."g2_2",
    CASE
      WHEN "t9"."h1" > 0
      THEN MIN("t9"."g2_2") OVER (
        PARTITION BY "t9"."user_id"
        ORDER BY "t9"."t" ASC
        RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
      )
      ELSE NULL
    END AS "g1_2",
    CASE
      WHEN "t9"."h1" > 0
      THEN MIN("t9"."g2_3") OVER (
        PARTITION BY "t9"."user_id"
        ORDER BY "t9"."t" ASC
        RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
      )
      ELSE NULL
    END AS "g1_3",
    CASE
      WHEN "t9"."h1" > 0
      THEN MIN("t9"."g2_4") OVER (
        PARTITION BY "t9"."user_id"
        ORDER BY "t9"."t" ASC
        RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
      )
      ELSE NULL
    END AS "g1_4",
    CASE WHEN "t9"."h1" > 0 THEN "t9"."t" ELSE NULL END AS "g1_1"
  FROM (
    SELECT
      "t8"."user_id",
      "t8"."t",
      "t8"."h1",
      "t8"."h2",
      "t8"."h3",
      "t8"."h4",
      "t8"."seg0",
      "t8"."g4_4",
      "t8"."g3_4",
      "t8"."g3_3",
      CASE
        WHEN "t8"."h2" > 0
        THEN MIN("t8"."g3_3") OVER (
          PARTITION BY "t8"."user_id", "t8"."seg0"
          ORDER BY "t8"."t" ASC
          RANGE BETWEEN TO_SECONDS(CAST(0 AS INT)) following AND INTERVAL '86400' SECOND following
        )
        ELSE NULL
      END AS "g2_3",
      CASE
        WHEN "t8"."h2" > 0
        THEN MIN("t8"."g3_4") OVER (
          PARTITION BY "t8"."user_id", "t8"."seg0"
          ORDER BY "t8"."t" ASC
          RANGE BETWEEN TO_SECONDS(CAST(0 AS INT)) following AND INTERVAL '86400' SECOND following
        )
        ELSE NULL
      END AS "g2_4",
      CASE WHEN "t8"."h2" > 0 THEN "t8"."t" ELSE NULL END AS "g2_2"
    FROM (
      SELECT
        "t7"."user_id",
        "t7"."t",
        "t7"."h1",
        "t7"."h2",
        "t7"."h3",
        "t7"."h4",
        "t7"."seg0",
        "t7"."g4_4",
        CASE
          WHEN "t7"."h3" > 0
          THEN MIN("t7"."g4_4") OVER (
            PARTITION BY "t7"."user_id", "t7"."seg0"
            ORDER BY "t7"."t" ASC
            RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
          )
          ELSE NULL
        END AS "g3_4",
        CASE WHEN "t7"."h3" > 0 THEN "t7"."t" ELSE NULL END AS "g3_3"
      FROM (
        SELECT
          "t6"."user_id",
          "t6"."t",
          "t6"."h1",
          "t6"."h2",
          "t6"."h3",
          "t6"."h4",
          "t6"."seg0",
          CASE WHEN "t6"."h4" > 0 THEN "t6"."t" ELSE NULL END AS "g4_4"
        FROM (
          SELECT
            "t5".*
            EXCLUDE ("c0")
          FROM (
            SELECT
              *
            FROM (
              SELECT
                "t3"."user_id",
                "t3"."t",
                "t3"."h1",
                "t3"."h2",
                "t3"."h3",
                "t3"."h4",
                "t3"."c0",
                SUM("t3"."c0") OVER (
                  PARTITION BY "t3"."user_id"
                  ORDER BY "t3"."t" ASC
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                ) AS "seg0"
              FROM (
                SELECT
                  "t2"."user_id",
                  "t2"."t",
                  MAX(CASE WHEN "t2"."k" = 1 THEN 1 ELSE 0 END) AS "h1",
                  MAX(CASE WHEN "t2"."k" = 2 THEN 1 ELSE 0 END) AS "h2",
                  MAX(CASE WHEN "t2"."k" = 3 THEN 1 ELSE 0 END) AS "h3",
                  MAX(CASE WHEN "t2"."k" = 4 THEN 1 ELSE 0 END) AS "h4",
                  SUM("t2"."x0") AS "c0"
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
                      END AS SMALLINT) AS "k",
                      CAST(CASE WHEN "t0"."name" = 'refund' THEN 1 ELSE 0 END AS INT) AS "x0"
                    FROM "events" AS "t0"
                    WHERE
                      "t0"."name" IN ('add_to_cart', 'purchase', 'refund', 'signup', 'view_item')
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
              (
                "t4"."h1" > 0
              )
              OR (
                "t4"."h2" > 0
              )
              OR (
                "t4"."h3" > 0
              )
              OR (
                "t4"."h4" > 0
              )
          ) AS "t5"
        ) AS "t6"
      ) AS "t7"
    ) AS "t8"
  ) AS "t9"
), "t18" AS (
  SELECT
    "t11"."user_id",
    "t11"."t",
    "t11"."seg0",
    CASE
      WHEN "t11"."g1_4" <= (
        "t11"."t" + INTERVAL '604800' SECOND
      )
      THEN 4
      WHEN "t11"."g1_3" <= (
        "t11"."t" + INTERVAL '604800' SECOND
      )
      THEN 3
      WHEN "t11"."g1_2" <= (
        "t11"."t" + INTERVAL '604800' SECOND
      )
      THEN 2
      ELSE 1
    END AS "m"
  FROM "t10" AS "t11"
  WHERE
    "t11"."h1" > 0
), "t25" AS (
  SELECT
    "t24"."user_id",
    MAX("t24"."reached") AS "reached",
    MAX("t24"."last_start") AS "last_start",
    MIN("t24"."t") AS "t1",
    MIN("t24"."seg0") AS "seg0"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t20"."user_id",
        "t20"."t",
        "t20"."seg0",
        "t20"."m",
        "t22"."reached",
        "t22"."last_start"
      FROM "t18" AS "t20"
      INNER JOIN (
        SELECT
          "t19"."user_id",
          MAX("t19"."m") AS "reached",
          MAX("t19"."t") AS "last_start"
        FROM "t18" AS "t19"
        GROUP BY
          1
      ) AS "t22"
        ON "t20"."user_id" = "t22"."user_id"
    ) AS "t23"
    WHERE
      "t23"."m" = "t23"."reached"
  ) AS "t24"
  GROUP BY
    1
)
SELECT
  "t54"."user_id",
  "t54"."reached",
  "t54"."last_start",
  "t54"."t1",
  "t54"."t2",
  "t54"."t3",
  "t54"."t4",
  NOT (
    (
      "t54"."last_start" + INTERVAL '604800' SECOND
    ) > MAKE_TIMESTAMP(2026, 3, 31, 12, 0, 0.0)
  ) AS "matured",
  (
    "t54"."reached" < 4
  )
  AND (
    (
      "t54"."last_start" + INTERVAL '604800' SECOND
    ) > MAKE_TIMESTAMP(2026, 3, 31, 12, 0, 0.0)
  ) AS "in_progress"
FROM (
  SELECT
    "t53".*
    EXCLUDE ("seg0")
  FROM (
    SELECT
      "t52".*
      EXCLUDE ("uid", "nseg0")
    FROM (
      SELECT
        "t51"."user_id",
        "t51"."reached",
        "t51"."last_start",
        "t51"."t1",
        "t51"."nseg0" AS "seg0",
        "t51"."t2",
        "t51"."t3",
        "t51"."uid",
        "t51"."t4",
        "t51"."nseg0"
      FROM (
        SELECT
          "t45"."user_id",
          "t45"."reached",
          "t45"."last_start",
          "t45"."t1",
          "t45"."seg0",
          "t45"."t2",
          "t45"."t3",
          "t50"."uid",
          "t50"."t4",
          "t50"."nseg0"
        FROM (
          SELECT
            "t43".*
            EXCLUDE ("uid", "nseg0")
          FROM (
            SELECT
              "t42"."user_id",
              "t42"."reached",
              "t42"."last_start",
              "t42"."t1",
              "t42"."nseg0" AS "seg0",
              "t42"."t2",
              "t42"."uid",
              "t42"."t3",
              "t42"."nseg0"
            FROM (
              SELECT
                "t36"."user_id",
                "t36"."reached",
                "t36"."last_start",
                "t36"."t1",
                "t36"."seg0",
                "t36"."t2",
                "t41"."uid",
                "t41"."t3",
                "t41"."nseg0"
              FROM (
                SELECT
                  "t34".*
                  EXCLUDE ("uid", "nseg0")
                FROM (
                  SELECT
                    "t33"."user_id",
                    "t33"."reached",
                    "t33"."last_start",
                    "t33"."t1",
                    "t33"."nseg0" AS "seg0",
                    "t33"."uid",
                    "t33"."t2",
                    "t33"."nseg0"
                  FROM (
                    SELECT
                      "t27"."user_id",
                      "t27"."reached",
                      "t27"."last_start",
                      "t27"."t1",
                      "t27"."seg0",
                      "t32"."uid",
                      "t32"."t2",
                      "t32"."nseg0"
                    FROM "t25" AS "t27"
                    LEFT OUTER JOIN (
                      SELECT
                        "t30"."user_id" AS "uid",
                        MIN("t30"."t") AS "t2",
                        MIN("t30"."seg0") AS "nseg0"
                      FROM (
                        SELECT
                          *
                        FROM (
                          SELECT
                            "t15"."user_id",
                            "t15"."t",
                            "t15"."h1",
                            "t15"."h2",
                            "t15"."h3",
                            "t15"."h4",
                            "t15"."seg0",
                            "t15"."g4_4",
                            "t15"."g3_4",
                            "t15"."g3_3",
                            "t15"."g2_3",
                            "t15"."g2_4",
                            "t15"."g2_2",
                            "t15"."g1_2",
                            "t15"."g1_3",
                            "t15"."g1_4",
                            "t15"."g1_1",
                            "t28"."reached",
                            "t28"."last_start",
                            "t28"."t1",
                            "t28"."seg0" AS "seg0_right"
                          FROM (
                            SELECT
                              *
                            FROM "t10" AS "t11"
                            WHERE
                              "t11"."h2" > 0
                          ) AS "t15"
                          INNER JOIN "t25" AS "t28"
                            ON "t15"."user_id" = "t28"."user_id"
                        ) AS "t29"
                        WHERE
                          "t29"."reached" >= 2
                          AND "t29"."t" >= "t29"."t1"
                          AND CASE
                            WHEN "t29"."reached" = 2
                            THEN "t29"."g2_2"
                            WHEN "t29"."reached" = 3
                            THEN "t29"."g2_3"
                            WHEN "t29"."reached" = 4
                            THEN "t29"."g2_4"
                            ELSE NULL
                          END <= (
                            "t29"."t1" + INTERVAL '604800' SECOND
                          )
                      ) AS "t30"
                      GROUP BY
                        1
                    ) AS "t32"
                      ON "t27"."user_id" = "t32"."uid"
                  ) AS "t33"
                ) AS "t34"
              ) AS "t36"
              LEFT OUTER JOIN (
                SELECT
                  "t39"."user_id" AS "uid",
                  MIN("t39"."t") AS "t3",
                  MIN("t39"."seg0") AS "nseg0"
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      "t16"."user_id",
                      "t16"."t",
                      "t16"."h1",
                      "t16"."h2",
                      "t16"."h3",
                      "t16"."h4",
                      "t16"."seg0",
                      "t16"."g4_4",
                      "t16"."g3_4",
                      "t16"."g3_3",
                      "t16"."g2_3",
                      "t16"."g2_4",
                      "t16"."g2_2",
                      "t16"."g1_2",
                      "t16"."g1_3",
                      "t16"."g1_4",
                      "t16"."g1_1",
                      "t37"."reached",
                      "t37"."last_start",
                      "t37"."t1",
                      "t37"."seg0" AS "seg0_right",
                      "t37"."t2"
                    FROM (
                      SELECT
                        *
                      FROM "t10" AS "t11"
                      WHERE
                        "t11"."h3" > 0
                    ) AS "t16"
                    INNER JOIN (
                      SELECT
                        "t34".*
                        EXCLUDE ("uid", "nseg0")
                      FROM (
                        SELECT
                          "t33"."user_id",
                          "t33"."reached",
                          "t33"."last_start",
                          "t33"."t1",
                          "t33"."nseg0" AS "seg0",
                          "t33"."uid",
                          "t33"."t2",
                          "t33"."nseg0"
                        FROM (
                          SELECT
                            "t27"."user_id",
                            "t27"."reached",
                            "t27"."last_start",
                            "t27"."t1",
                            "t27"."seg0",
                            "t32"."uid",
                            "t32"."t2",
                            "t32"."nseg0"
                          FROM "t25" AS "t27"
                          LEFT OUTER JOIN (
                            SELECT
                              "t30"."user_id" AS "uid",
                              MIN("t30"."t") AS "t2",
                              MIN("t30"."seg0") AS "nseg0"
                            FROM (
                              SELECT
                                *
                              FROM (
                                SELECT
                                  "t15"."user_id",
                                  "t15"."t",
                                  "t15"."h1",
                                  "t15"."h2",
                                  "t15"."h3",
                                  "t15"."h4",
                                  "t15"."seg0",
                                  "t15"."g4_4",
                                  "t15"."g3_4",
                                  "t15"."g3_3",
                                  "t15"."g2_3",
                                  "t15"."g2_4",
                                  "t15"."g2_2",
                                  "t15"."g1_2",
                                  "t15"."g1_3",
                                  "t15"."g1_4",
                                  "t15"."g1_1",
                                  "t28"."reached",
                                  "t28"."last_start",
                                  "t28"."t1",
                                  "t28"."seg0" AS "seg0_right"
                                FROM (
                                  SELECT
                                    *
                                  FROM "t10" AS "t11"
                                  WHERE
                                    "t11"."h2" > 0
                                ) AS "t15"
                                INNER JOIN "t25" AS "t28"
                                  ON "t15"."user_id" = "t28"."user_id"
                              ) AS "t29"
                              WHERE
                                "t29"."reached" >= 2
                                AND "t29"."t" >= "t29"."t1"
                                AND CASE
                                  WHEN "t29"."reached" = 2
                                  THEN "t29"."g2_2"
                                  WHEN "t29"."reached" = 3
                                  THEN "t29"."g2_3"
                                  WHEN "t29"."reached" = 4
                                  THEN "t29"."g2_4"
                                  ELSE NULL
                                END <= (
                                  "t29"."t1" + INTERVAL '604800' SECOND
                                )
                            ) AS "t30"
                            GROUP BY
                              1
                          ) AS "t32"
                            ON "t27"."user_id" = "t32"."uid"
                        ) AS "t33"
                      ) AS "t34"
                    ) AS "t37"
                      ON "t16"."user_id" = "t37"."user_id"
                  ) AS "t38"
                  WHERE
                    "t38"."reached" >= 3
                    AND "t38"."t" >= "t38"."t2"
                    AND CASE
                      WHEN "t38"."reached" = 3
                      THEN "t38"."g3_3"
                      WHEN "t38"."reached" = 4
                      THEN "t38"."g3_4"
                      ELSE NULL
                    END <= (
                      "t38"."t1" + INTERVAL '604800' SECOND
                    )
                    AND "t38"."t" <= (
                      "t38"."t2" + INTERVAL '86400' SECOND
                    )
                    AND "t38"."seg0" = "t38"."seg0_right"
                ) AS "t39"
                GROUP BY
                  1
              ) AS "t41"
                ON "t36"."user_id" = "t41"."uid"
            ) AS "t42"
          ) AS "t43"
        ) AS "t45"
        LEFT OUTER JOIN (
          SELECT
            "t48"."user_id" AS "uid",
            MIN("t48"."t") AS "t4",
            MIN("t48"."seg0") AS "nseg0"
          FROM (
            SELECT
              *
            FROM (
              SELECT
                "t17"."user_id",
                "t17"."t",
                "t17"."h1",
                "t17"."h2",
                "t17"."h3",
                "t17"."h4",
                "t17"."seg0",
                "t17"."g4_4",
                "t17"."g3_4",
                "t17"."g3_3",
                "t17"."g2_3",
                "t17"."g2_4",
                "t17"."g2_2",
                "t17"."g1_2",
                "t17"."g1_3",
                "t17"."g1_4",
                "t17"."g1_1",
                "t46"."reached",
                "t46"."last_start",
                "t46"."t1",
                "t46"."seg0" AS "seg0_right",
                "t46"."t2",
                "t46"."t3"
              FROM (
                SELECT
                  *
                FROM "t10" AS "t11"
                WHERE
                  "t11"."h4" > 0
              ) AS "t17"
              INNER JOIN (
                SELECT
                  "t43".*
                  EXCLUDE ("uid", "nseg0")
                FROM (
                  SELECT
                    "t42"."user_id",
                    "t42"."reached",
                    "t42"."last_start",
                    "t42"."t1",
                    "t42"."nseg0" AS "seg0",
                    "t42"."t2",
                    "t42"."uid",
                    "t42"."t3",
                    "t42"."nseg0"
                  FROM (
                    SELECT
                      "t36"."user_id",
                      "t36"."reached",
                      "t36"."last_start",
                      "t36"."t1",
                      "t36"."seg0",
                      "t36"."t2",
                      "t41"."uid",
                      "t41"."t3",
                      "t41"."nseg0"
                    FROM (
                      SELECT
                        "t34".*
                        EXCLUDE ("uid", "nseg0")
                      FROM (
                        SELECT
                          "t33"."user_id",
                          "t33"."reached",
                          "t33"."last_start",
                          "t33"."t1",
                          "t33"."nseg0" AS "seg0",
                          "t33"."uid",
                          "t33"."t2",
                          "t33"."nseg0"
                        FROM (
                          SELECT
                            "t27"."user_id",
                            "t27"."reached",
                            "t27"."last_start",
                            "t27"."t1",
                            "t27"."seg0",
                            "t32"."uid",
                            "t32"."t2",
                            "t32"."nseg0"
                          FROM "t25" AS "t27"
                          LEFT OUTER JOIN (
                            SELECT
                              "t30"."user_id" AS "uid",
                              MIN("t30"."t") AS "t2",
                              MIN("t30"."seg0") AS "nseg0"
                            FROM (
                              SELECT
                                *
                              FROM (
                                SELECT
                                  "t15"."user_id",
                                  "t15"."t",
                                  "t15"."h1",
                                  "t15"."h2",
                                  "t15"."h3",
                                  "t15"."h4",
                                  "t15"."seg0",
                                  "t15"."g4_4",
                                  "t15"."g3_4",
                                  "t15"."g3_3",
                                  "t15"."g2_3",
                                  "t15"."g2_4",
                                  "t15"."g2_2",
                                  "t15"."g1_2",
                                  "t15"."g1_3",
                                  "t15"."g1_4",
                                  "t15"."g1_1",
                                  "t28"."reached",
                                  "t28"."last_start",
                                  "t28"."t1",
                                  "t28"."seg0" AS "seg0_right"
                                FROM (
                                  SELECT
                                    *
                                  FROM "t10" AS "t11"
                                  WHERE
                                    "t11"."h2" > 0
                                ) AS "t15"
                                INNER JOIN "t25" AS "t28"
                                  ON "t15"."user_id" = "t28"."user_id"
                              ) AS "t29"
                              WHERE
                                "t29"."reached" >= 2
                                AND "t29"."t" >= "t29"."t1"
                                AND CASE
                                  WHEN "t29"."reached" = 2
                                  THEN "t29"."g2_2"
                                  WHEN "t29"."reached" = 3
                                  THEN "t29"."g2_3"
                                  WHEN "t29"."reached" = 4
                                  THEN "t29"."g2_4"
                                  ELSE NULL
                                END <= (
                                  "t29"."t1" + INTERVAL '604800' SECOND
                                )
                            ) AS "t30"
                            GROUP BY
                              1
                          ) AS "t32"
                            ON "t27"."user_id" = "t32"."uid"
                        ) AS "t33"
                      ) AS "t34"
                    ) AS "t36"
                    LEFT OUTER JOIN (
                      SELECT
                        "t39"."user_id" AS "uid",
                        MIN("t39"."t") AS "t3",
                        MIN("t39"."seg0") AS "nseg0"
                      FROM (
                        SELECT
                          *
                        FROM (
                          SELECT
                            "t16"."user_id",
                            "t16"."t",
                            "t16"."h1",
                            "t16"."h2",
                            "t16"."h3",
                            "t16"."h4",
                            "t16"."seg0",
                            "t16"."g4_4",
                            "t16"."g3_4",
                            "t16"."g3_3",
                            "t16"."g2_3",
                            "t16"."g2_4",
                            "t16"."g2_2",
                            "t16"."g1_2",
                            "t16"."g1_3",
                            "t16"."g1_4",
                            "t16"."g1_1",
                            "t37"."reached",
                            "t37"."last_start",
                            "t37"."t1",
                            "t37"."seg0" AS "seg0_right",
                            "t37"."t2"
                          FROM (
                            SELECT
                              *
                            FROM "t10" AS "t11"
                            WHERE
                              "t11"."h3" > 0
                          ) AS "t16"
                          INNER JOIN (
                            SELECT
                              "t34".*
                              EXCLUDE ("uid", "nseg0")
                            FROM (
                              SELECT
                                "t33"."user_id",
                                "t33"."reached",
                                "t33"."last_start",
                                "t33"."t1",
                                "t33"."nseg0" AS "seg0",
                                "t33"."uid",
                                "t33"."t2",
                                "t33"."nseg0"
                              FROM (
                                SELECT
                                  "t27"."user_id",
                                  "t27"."reached",
                                  "t27"."last_start",
                                  "t27"."t1",
                                  "t27"."seg0",
                                  "t32"."uid",
                                  "t32"."t2",
                                  "t32"."nseg0"
                                FROM "t25" AS "t27"
                                LEFT OUTER JOIN (
                                  SELECT
                                    "t30"."user_id" AS "uid",
                                    MIN("t30"."t") AS "t2",
                                    MIN("t30"."seg0") AS "nseg0"
                                  FROM (
                                    SELECT
                                      *
                                    FROM (
                                      SELECT
                                        "t15"."user_id",
                                        "t15"."t",
                                        "t15"."h1",
                                        "t15"."h2",
                                        "t15"."h3",
                                        "t15"."h4",
                                        "t15"."seg0",
                                        "t15"."g4_4",
                                        "t15"."g3_4",
                                        "t15"."g3_3",
                                        "t15"."g2_3",
                                        "t15"."g2_4",
                                        "t15"."g2_2",
                                        "t15"."g1_2",
                                        "t15"."g1_3",
                                        "t15"."g1_4",
                                        "t15"."g1_1",
                                        "t28"."reached",
                                        "t28"."last_start",
                                        "t28"."t1",
                                        "t28"."seg0" AS "seg0_right"
                                      FROM (
                                        SELECT
                                          *
                                        FROM "t10" AS "t11"
                                        WHERE
                                          "t11"."h2" > 0
                                      ) AS "t15"
                                      INNER JOIN "t25" AS "t28"
                                        ON "t15"."user_id" = "t28"."user_id"
                                    ) AS "t29"
                                    WHERE
                                      "t29"."reached" >= 2
                                      AND "t29"."t" >= "t29"."t1"
                                      AND CASE
                                        WHEN "t29"."reached" = 2
                                        THEN "t29"."g2_2"
                                        WHEN "t29"."reached" = 3
                                        THEN "t29"."g2_3"
                                        WHEN "t29"."reached" = 4
                                        THEN "t29"."g2_4"
                                        ELSE NULL
                                      END <= (
                                        "t29"."t1" + INTERVAL '604800' SECOND
                                      )
                                  ) AS "t30"
                                  GROUP BY
                                    1
                                ) AS "t32"
                                  ON "t27"."user_id" = "t32"."uid"
                              ) AS "t33"
                            ) AS "t34"
                          ) AS "t37"
                            ON "t16"."user_id" = "t37"."user_id"
                        ) AS "t38"
                        WHERE
                          "t38"."reached" >= 3
                          AND "t38"."t" >= "t38"."t2"
                          AND CASE
                            WHEN "t38"."reached" = 3
                            THEN "t38"."g3_3"
                            WHEN "t38"."reached" = 4
                            THEN "t38"."g3_4"
                            ELSE NULL
                          END <= (
                            "t38"."t1" + INTERVAL '604800' SECOND
                          )
                          AND "t38"."t" <= (
                            "t38"."t2" + INTERVAL '86400' SECOND
                          )
                          AND "t38"."seg0" = "t38"."seg0_right"
                      ) AS "t39"
                      GROUP BY
                        1
                    ) AS "t41"
                      ON "t36"."user_id" = "t41"."uid"
                  ) AS "t42"
                ) AS "t43"
              ) AS "t46"
                ON "t17"."user_id" = "t46"."user_id"
            ) AS "t47"
            WHERE
              "t47"."reached" >= 4
              AND "t47"."t" >= "t47"."t3"
              AND CASE WHEN "t47"."reached" = 4 THEN "t47"."g4_4" ELSE NULL END <= (
                "t47"."t1" + INTERVAL '604800' SECOND
              )
              AND "t47"."seg0" = "t47"."seg0_right"
          ) AS "t48"
          GROUP BY
            1
        ) AS "t50"
          ON "t45"."user_id" = "t50"."uid"
      ) AS "t51"
    ) AS "t52"
  ) AS "t53"
) AS "t54"

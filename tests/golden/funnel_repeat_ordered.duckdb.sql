WITH "t9" AS (
  SELECT
    "t8"."user_id",
    "t8"."t",
    "t8"."n_0",
    "t8"."n_1",
    "t8"."n_2",
    "t8"."f1_1",
    "t8"."f1_2",
    "t8"."f1_3",
    "t8"."f1_4",
    "t8"."f2_2",
    "t8"."f2_3",
    "t8"."f2_4",
    "t8"."f3_3",
    "t8"."f3_4",
    "t8"."f4_4",
    "t8"."g4_4",
    "t8"."n4_4",
    "t8"."g3_3",
    "t8"."g3_4",
    "t8"."n3_3",
    "t8"."n3_4",
    "t8"."g2_2",
    "t8"."g2_3",
    "t8"."g2_4",
    MIN("t8"."g2_2") OVER (
      PARTITION BY "t8"."user_id"
      ORDER BY "t8"."t" ASC
      ROWS BETWEEN 1 following AND UNBOUNDED FOLLOWING
    ) AS "n2_2",
    MIN("t8"."g2_3") OVER (
      PARTITION BY "t8"."user_id"
      ORDER BY "t8"."t" ASC
      ROWS BETWEEN 1 following AND UNBOUNDED FOLLOWING
    ) AS "n2_3",
    MIN("t8"."g2_4") OVER (
      PARTITION BY "t8"."user_id"
      ORDER BY "t8"."t" ASC
      ROWS BETWEEN 1 following AND UNBOUNDED FOLLOWING
    ) AS "n2_4"
  FROM (
    SELECT
      "t7"."user_id",
      "t7"."t",
      "t7"."n_0",
      "t7"."n_1",
      "t7"."n_2",
      "t7"."f1_1",
      "t7"."f1_2",
      "t7"."f1_3",
      "t7"."f1_4",
      "t7"."f2_2",
      "t7"."f2_3",
      "t7"."f2_4",
      "t7"."f3_3",
      "t7"."f3_4",
      "t7"."f4_4",
      "t7"."g4_4",
      "t7"."n4_4",
      "t7"."g3_3",
      "t7"."g3_4",
      "t7"."n3_3",
      "t7"."n3_4",
      CASE WHEN "t7"."f2_2" THEN "t7"."t" ELSE NULL END AS "g2_2",
      LEAST(
        CASE WHEN "t7"."f2_2" THEN "t7"."n3_3" ELSE NULL END,
        CASE WHEN "t7"."f2_3" THEN "t7"."t" ELSE NULL END
      ) AS "g2_3",
      LEAST(
        CASE WHEN "t7"."f2_2" THEN "t7"."n3_4" ELSE NULL END,
        CASE WHEN "t7"."f2_3" THEN "t7"."n4_4" ELSE NULL END,
        CASE WHEN "t7"."f2_4" THEN "t7"."t" ELSE NULL END
      ) AS "g2_4"
    FROM (
      SELECT
        "t6"."user_id",
        "t6"."t",
        "t6"."n_0",
        "t6"."n_1",
        "t6"."n_2",
        "t6"."f1_1",
        "t6"."f1_2",
        "t6"."f1_3",
        "t6"."f1_4",
        "t6"."f2_2",
        "t6"."f2_3",
        "t6"."f2_4",
        "t6"."f3_3",
        "t6"."f3_4",
        "t6"."f4_4",
        "t6"."g4_4",
        "t6"."n4_4",
        "t6"."g3_3",
        "t6"."g3_4",
        MIN("t6"."g3_3") OVER (
          PARTITION BY "t6"."user_id"
          ORDER BY "t6"."t" ASC
          ROWS BETWEEN 1 following AND UNBOUNDED FOLLOWING
        ) AS "n3_3",
        MIN("t6"."g3_4") OVER (
          PARTITION BY "t6"."user_id"
          ORDER BY "t6"."t" ASC
          ROWS BETWEEN 1 following AND UNBOUNDED FOLLOWING
        ) AS "n3_4"
      FROM (
        SELECT
          "t5"."user_id",
          "t5"."t",
          "t5"."n_0",
          "t5"."n_1",
          "t5"."n_2",
          "t5"."f1_1",
          "t5"."f1_2",
          "t5"."f1_3",
          "t5"."f1_4",
          "t5"."f2_2",
          "t5"."f2_3",
          "t5"."f2_4",
          "t5"."f3_3",
          "t5"."f3_4",
          "t5"."f4_4",
          "t5"."g4_4",
          "t5"."n4_4",
          CASE WHEN "t5"."f3_3" THEN "t5"."t" ELSE NULL END AS "g3_3",
          LEAST(
            CASE WHEN "t5"."f3_3" THEN "t5"."n4_4" ELSE NULL END,
            CASE WHEN "t5"."f3_4" THEN "t5"."t" ELSE NULL END
          ) AS "g3_4"
        FROM (
          SELECT
            "t4"."user_id",
            "t4"."t",
            "t4"."n_0",
            "t4"."n_1",
            "t4"."n_2",
            "t4"."f1_1",
            "t4"."f1_2",
            "t4"."f1_3",
            "t4"."f1_4",
            "t4"."f2_2",
            "t4"."f2_3",
            "t4"."f2_4",
            "t4"."f3_3",
            "t4"."f3_4",
            "t4"."f4_4",
            "t4"."g4_4",
            MIN("t4"."g4_4") OVER (
              PARTITION BY "t4"."user_id"
              ORDER BY "t4"."t" ASC
              ROWS BETWEEN 1 following AND UNBOUNDED FOLLOWING
            ) AS "n4_4"
          FROM (
            SELECT
              "t3"."user_id",
              "t3"."t",
              "t3"."n_0",
              "t3"."n_1",
              "t3"."n_2",
              "t3"."n_0" >= 1 AS "f1_1",
              (
                "t3"."n_0" >= 1
              ) AND (
                "t3"."n_1" >= 1
              ) AS "f1_2",
              (
                "t3"."n_0" >= 1
              ) AND (
                "t3"."n_1" >= 2
              ) AS "f1_3",
              (
                "t3"."n_0" >= 1
              ) AND (
                "t3"."n_1" >= 2
              ) AND (
                "t3"."n_2" >= 1
              ) AS "f1_4",
              "t3"."n_1" >= 1 AS "f2_2",
              "t3"."n_1" >= 2 AS "f2_3",
              (
                "t3"."n_1" >= 2
              ) AND (
                "t3"."n_2" >= 1
              ) AS "f2_4",
              "t3"."n_1" >= 1 AS "f3_3",
              (
                "t3"."n_1" >= 1
              ) AND (
                "t3"."n_2" >= 1
              ) AS "f3_4",
              "t3"."n_2" >= 1 AS "f4_4",
              CASE WHEN "t3"."n_2" >= 1 THEN "t3"."t" ELSE NULL END AS "g4_4"
            FROM (
              SELECT
                "t2"."user_id",
                "t2"."t",
                SUM(CASE WHEN "t2"."p0" > 0 THEN 1 ELSE 0 END) AS "n_0",
                SUM(CASE WHEN "t2"."p1" > 0 THEN 1 ELSE 0 END) AS "n_1",
                SUM(CASE WHEN "t2"."p2" > 0 THEN 1 ELSE 0 END) AS "n_2"
              FROM (
                SELECT
                  *
                FROM (
                  SELECT
                    "t0"."user_id",
                    CAST("t0"."event_at" AS TIMESTAMP(6)) AS "t",
                    CAST(CASE WHEN "t0"."name" = 'signup' THEN 1 ELSE 0 END AS INT) AS "p0",
                    CAST(CASE WHEN "t0"."name" = 'view_item' THEN 1 ELSE 0 END AS INT) AS "p1",
                    CAST(CASE WHEN "t0"."name" = 'purchase' THEN 1 ELSE 0 END AS INT) AS "p2"
                  FROM "events" AS "t0"
                  WHERE
                    "t0"."name" IN ('purchase', 'signup', 'view_item')
                ) AS "t1"
                WHERE
                  (
                    "t1"."p0" > 0
                  ) OR (
                    "t1"."p1" > 0
                  ) OR (
                    "t1"."p2" > 0
                  )
              ) AS "t2"
              GROUP BY
                1,
                2
            ) AS "t3"
            WHERE
              (
                "t3"."n_0" > 0
              )
              OR (
                "t3"."n_1" > 0
              )
              OR (
                "t3"."n_1" > 0
              )
              OR (
                "t3"."n_2" > 0
              )
          ) AS "t4"
        ) AS "t5"
      ) AS "t6"
    ) AS "t7"
  ) AS "t8"
), "t17" AS (
  SELECT
    "t10"."user_id",
    "t10"."t",
    CASE
      WHEN LEAST(
        CASE WHEN "t10"."f1_1" THEN "t10"."n2_4" ELSE NULL END,
        CASE WHEN "t10"."f1_2" THEN "t10"."n3_4" ELSE NULL END,
        CASE WHEN "t10"."f1_3" THEN "t10"."n4_4" ELSE NULL END,
        CASE WHEN "t10"."f1_4" THEN "t10"."t" ELSE NULL END
      ) <= (
        "t10"."t" + INTERVAL '604800' SECOND
      )
      THEN 4
      WHEN LEAST(
        CASE WHEN "t10"."f1_1" THEN "t10"."n2_3" ELSE NULL END,
        CASE WHEN "t10"."f1_2" THEN "t10"."n3_3" ELSE NULL END,
        CASE WHEN "t10"."f1_3" THEN "t10"."t" ELSE NULL END
      ) <= (
        "t10"."t" + INTERVAL '604800' SECOND
      )
      THEN 3
      WHEN LEAST(
        CASE WHEN "t10"."f1_1" THEN "t10"."n2_2" ELSE NULL END,
        CASE WHEN "t10"."f1_2" THEN "t10"."t" ELSE NULL END
      ) <= (
        "t10"."t" + INTERVAL '604800' SECOND
      )
      THEN 2
      ELSE 1
    END AS "m"
  FROM "t9" AS "t10"
  WHERE
    "t10"."f1_1"
), "t25" AS (
  SELECT
    "t24"."user_id",
    "t24"."reached",
    "t24"."last_start",
    "t24"."t1",
    CAST(1 AS SMALLINT) AS "b"
  FROM (
    SELECT
      "t23"."user_id",
      MAX("t23"."reached") AS "reached",
      MAX("t23"."last_start") AS "last_start",
      MIN("t23"."t") AS "t1"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t19"."user_id",
          "t19"."t",
          "t19"."m",
          "t21"."reached",
          "t21"."last_start"
        FROM "t17" AS "t19"
        INNER JOIN (
          SELECT
            "t18"."user_id",
            MAX("t18"."m") AS "reached",
            MAX("t18"."t") AS "last_start"
          FROM "t17" AS "t18"
          GROUP BY
            1
        ) AS "t21"
          ON "t19"."user_id" = "t21"."user_id"
      ) AS "t22"
      WHERE
        "t22"."m" = "t22"."reached"
    ) AS "t23"
    GROUP BY
      1
  ) AS "t24"
), "t34" AS (
  SELECT
    "t33"."user_id",
    "t33"."reached",
    "t33"."last_start",
    "t33"."t1",
    CASE WHEN COALESCE("t33"."t2" > "t33"."t1", FALSE) THEN 2 ELSE "t33"."b" END AS "b",
    "t33"."t2"
  FROM (
    SELECT
      "t27"."user_id",
      "t27"."reached",
      "t27"."last_start",
      "t27"."t1",
      "t27"."b",
      "t32"."uid",
      "t32"."t2"
    FROM "t25" AS "t27"
    LEFT OUTER JOIN (
      SELECT
        "t30"."user_id" AS "uid",
        MIN("t30"."t") AS "t2"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t16"."user_id",
            "t16"."t",
            "t16"."n_0",
            "t16"."n_1",
            "t16"."n_2",
            "t16"."f1_1",
            "t16"."f1_2",
            "t16"."f1_3",
            "t16"."f1_4",
            "t16"."f2_2",
            "t16"."f2_3",
            "t16"."f2_4",
            "t16"."f3_3",
            "t16"."f3_4",
            "t16"."f4_4",
            "t16"."g4_4",
            "t16"."n4_4",
            "t16"."g3_3",
            "t16"."g3_4",
            "t16"."n3_3",
            "t16"."n3_4",
            "t16"."g2_2",
            "t16"."g2_3",
            "t16"."g2_4",
            "t16"."n2_2",
            "t16"."n2_3",
            "t16"."n2_4",
            "t28"."reached",
            "t28"."last_start",
            "t28"."t1",
            "t28"."b"
          FROM (
            SELECT
              *
            FROM "t9" AS "t10"
            WHERE
              "t10"."f2_2"
          ) AS "t16"
          INNER JOIN "t25" AS "t28"
            ON "t16"."user_id" = "t28"."user_id"
        ) AS "t29"
        WHERE
          "t29"."reached" >= 2
          AND (
            (
              (
                "t29"."t" = "t29"."t1"
              )
              AND (
                (
                  (
                    "t29"."b" = 1
                  )
                  AND (
                    "t29"."reached" = 2
                  )
                  AND COALESCE(
                    CASE WHEN "t29"."f1_2" THEN "t29"."t" ELSE NULL END <= (
                      "t29"."t1" + INTERVAL '604800' SECOND
                    ),
                    FALSE
                  )
                )
                OR (
                  (
                    "t29"."b" = 1
                  )
                  AND (
                    "t29"."reached" = 3
                  )
                  AND COALESCE(
                    LEAST(
                      CASE WHEN "t29"."f1_2" THEN "t29"."n3_3" ELSE NULL END,
                      CASE WHEN "t29"."f1_3" THEN "t29"."t" ELSE NULL END
                    ) <= (
                      "t29"."t1" + INTERVAL '604800' SECOND
                    ),
                    FALSE
                  )
                )
                OR (
                  (
                    "t29"."b" = 1
                  )
                  AND (
                    "t29"."reached" = 4
                  )
                  AND COALESCE(
                    LEAST(
                      CASE WHEN "t29"."f1_2" THEN "t29"."n3_4" ELSE NULL END,
                      CASE WHEN "t29"."f1_3" THEN "t29"."n4_4" ELSE NULL END,
                      CASE WHEN "t29"."f1_4" THEN "t29"."t" ELSE NULL END
                    ) <= (
                      "t29"."t1" + INTERVAL '604800' SECOND
                    ),
                    FALSE
                  )
                )
              )
            )
            OR COALESCE(
              (
                "t29"."t" > "t29"."t1"
              )
              AND (
                CASE
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
              ),
              FALSE
            )
          )
      ) AS "t30"
      GROUP BY
        1
    ) AS "t32"
      ON "t27"."user_id" = "t32"."uid"
  ) AS "t33"
), "t43" AS (
  SELECT
    "t42"."user_id",
    "t42"."reached",
    "t42"."last_start",
    "t42"."t1",
    CASE WHEN COALESCE("t42"."t3" > "t42"."t2", FALSE) THEN 3 ELSE "t42"."b" END AS "b",
    "t42"."t2",
    "t42"."t3"
  FROM (
    SELECT
      "t36"."user_id",
      "t36"."reached",
      "t36"."last_start",
      "t36"."t1",
      "t36"."b",
      "t36"."t2",
      "t41"."uid",
      "t41"."t3"
    FROM "t34" AS "t36"
    LEFT OUTER JOIN (
      SELECT
        "t39"."user_id" AS "uid",
        MIN("t39"."t") AS "t3"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t15"."user_id",
            "t15"."t",
            "t15"."n_0",
            "t15"."n_1",
            "t15"."n_2",
            "t15"."f1_1",
            "t15"."f1_2",
            "t15"."f1_3",
            "t15"."f1_4",
            "t15"."f2_2",
            "t15"."f2_3",
            "t15"."f2_4",
            "t15"."f3_3",
            "t15"."f3_4",
            "t15"."f4_4",
            "t15"."g4_4",
            "t15"."n4_4",
            "t15"."g3_3",
            "t15"."g3_4",
            "t15"."n3_3",
            "t15"."n3_4",
            "t15"."g2_2",
            "t15"."g2_3",
            "t15"."g2_4",
            "t15"."n2_2",
            "t15"."n2_3",
            "t15"."n2_4",
            "t37"."reached",
            "t37"."last_start",
            "t37"."t1",
            "t37"."b",
            "t37"."t2"
          FROM (
            SELECT
              *
            FROM "t9" AS "t10"
            WHERE
              "t10"."f3_3"
          ) AS "t15"
          INNER JOIN "t34" AS "t37"
            ON "t15"."user_id" = "t37"."user_id"
        ) AS "t38"
        WHERE
          "t38"."reached" >= 3
          AND (
            (
              (
                "t38"."t" = "t38"."t2"
              )
              AND (
                (
                  (
                    "t38"."b" = 1
                  )
                  AND (
                    "t38"."reached" = 3
                  )
                  AND COALESCE(
                    CASE WHEN "t38"."f1_3" THEN "t38"."t" ELSE NULL END <= (
                      "t38"."t1" + INTERVAL '604800' SECOND
                    ),
                    FALSE
                  )
                )
                OR (
                  (
                    "t38"."b" = 1
                  )
                  AND (
                    "t38"."reached" = 4
                  )
                  AND COALESCE(
                    LEAST(
                      CASE WHEN "t38"."f1_3" THEN "t38"."n4_4" ELSE NULL END,
                      CASE WHEN "t38"."f1_4" THEN "t38"."t" ELSE NULL END
                    ) <= (
                      "t38"."t1" + INTERVAL '604800' SECOND
                    ),
                    FALSE
                  )
                )
                OR (
                  (
                    "t38"."b" = 2
                  )
                  AND (
                    "t38"."reached" = 3
                  )
                  AND COALESCE(
                    CASE WHEN "t38"."f2_3" THEN "t38"."t" ELSE NULL END <= (
                      "t38"."t1" + INTERVAL '604800' SECOND
                    ),
                    FALSE
                  )
                )
                OR (
                  (
                    "t38"."b" = 2
                  )
                  AND (
                    "t38"."reached" = 4
                  )
                  AND COALESCE(
                    LEAST(
                      CASE WHEN "t38"."f2_3" THEN "t38"."n4_4" ELSE NULL END,
                      CASE WHEN "t38"."f2_4" THEN "t38"."t" ELSE NULL END
                    ) <= (
                      "t38"."t1" + INTERVAL '604800' SECOND
                    ),
                    FALSE
                  )
                )
              )
            )
            OR COALESCE(
              (
                "t38"."t" > "t38"."t2"
              )
              AND (
                CASE
                  WHEN "t38"."reached" = 3
                  THEN "t38"."g3_3"
                  WHEN "t38"."reached" = 4
                  THEN "t38"."g3_4"
                  ELSE NULL
                END <= (
                  "t38"."t1" + INTERVAL '604800' SECOND
                )
              ),
              FALSE
            )
          )
      ) AS "t39"
      GROUP BY
        1
    ) AS "t41"
      ON "t36"."user_id" = "t41"."uid"
  ) AS "t42"
)
SELECT
  "t51"."user_id",
  "t51"."reached",
  "t51"."last_start",
  "t51"."t1",
  "t51"."t2",
  "t51"."t3",
  "t51"."t4",
  NOT (
    "t51"."last_start" > MAKE_TIMESTAMP(2026, 3, 24, 12, 0, 0.0)
  ) AS "matured",
  (
    "t51"."reached" < 4
  )
  AND (
    "t51"."last_start" > MAKE_TIMESTAMP(2026, 3, 24, 12, 0, 0.0)
  ) AS "in_progress"
FROM (
  SELECT
    "t45"."user_id",
    "t45"."reached",
    "t45"."last_start",
    "t45"."t1",
    "t45"."b",
    "t45"."t2",
    "t45"."t3",
    "t50"."uid",
    "t50"."t4"
  FROM "t43" AS "t45"
  LEFT OUTER JOIN (
    SELECT
      "t48"."user_id" AS "uid",
      MIN("t48"."t") AS "t4"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t14"."user_id",
          "t14"."t",
          "t14"."n_0",
          "t14"."n_1",
          "t14"."n_2",
          "t14"."f1_1",
          "t14"."f1_2",
          "t14"."f1_3",
          "t14"."f1_4",
          "t14"."f2_2",
          "t14"."f2_3",
          "t14"."f2_4",
          "t14"."f3_3",
          "t14"."f3_4",
          "t14"."f4_4",
          "t14"."g4_4",
          "t14"."n4_4",
          "t14"."g3_3",
          "t14"."g3_4",
          "t14"."n3_3",
          "t14"."n3_4",
          "t14"."g2_2",
          "t14"."g2_3",
          "t14"."g2_4",
          "t14"."n2_2",
          "t14"."n2_3",
          "t14"."n2_4",
          "t46"."reached",
          "t46"."last_start",
          "t46"."t1",
          "t46"."b",
          "t46"."t2",
          "t46"."t3"
        FROM (
          SELECT
            *
          FROM "t9" AS "t10"
          WHERE
            "t10"."f4_4"
        ) AS "t14"
        INNER JOIN "t43" AS "t46"
          ON "t14"."user_id" = "t46"."user_id"
      ) AS "t47"
      WHERE
        "t47"."reached" >= 4
        AND (
          (
            (
              "t47"."t" = "t47"."t3"
            )
            AND (
              (
                (
                  "t47"."b" = 1
                )
                AND (
                  "t47"."reached" = 4
                )
                AND COALESCE(
                  CASE WHEN "t47"."f1_4" THEN "t47"."t" ELSE NULL END <= (
                    "t47"."t1" + INTERVAL '604800' SECOND
                  ),
                  FALSE
                )
              )
              OR (
                (
                  "t47"."b" = 2
                )
                AND (
                  "t47"."reached" = 4
                )
                AND COALESCE(
                  CASE WHEN "t47"."f2_4" THEN "t47"."t" ELSE NULL END <= (
                    "t47"."t1" + INTERVAL '604800' SECOND
                  ),
                  FALSE
                )
              )
              OR (
                (
                  "t47"."b" = 3
                )
                AND (
                  "t47"."reached" = 4
                )
                AND COALESCE(
                  CASE WHEN "t47"."f3_4" THEN "t47"."t" ELSE NULL END <= (
                    "t47"."t1" + INTERVAL '604800' SECOND
                  ),
                  FALSE
                )
              )
            )
          )
          OR COALESCE(
            (
              "t47"."t" > "t47"."t3"
            )
            AND (
              CASE WHEN "t47"."reached" = 4 THEN "t47"."g4_4" ELSE NULL END <= (
                "t47"."t1" + INTERVAL '604800' SECOND
              )
            ),
            FALSE
          )
        )
    ) AS "t48"
    GROUP BY
      1
  ) AS "t50"
    ON "t45"."user_id" = "t50"."uid"
) AS "t51"

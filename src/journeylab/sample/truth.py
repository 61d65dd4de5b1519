"""What the generator planned for each user, recomputed from the seed (no file changes).

The export shows what happened; tests that check an analysis against the generator need
what was *meant*: when each user goes quiet and whether (and when) they come back. The
generator is deterministic by ``(seed, chunk)``, so :func:`planted_returns` re-draws each
chunk's journeys (the vectorised part, no events written) and reads its plan.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from journeylab.sample.generator import CHUNK_USERS, SampleManifest, make_plan, read_manifest
from journeylab.sample.users import journeys, uid_text

__all__ = ["planted_returns"]


def planted_returns(
    sample: SampleManifest | str | Path, chunk_users: int = CHUNK_USERS
) -> pl.DataFrame:
    """One row per user: user_id, signup_at, churn_at (after their last journey event the
    user stays active until then), back (drawn to come back), return_at (when they would:
    churn + a dormancy of at least ``dormancy_min_days``; drawn for every user) and
    ``observed`` (return_at before the end of the horizon: whether they came back can be
    seen). ``chunk_users`` must be the generator's (the default unless changed)."""
    m = sample if isinstance(sample, SampleManifest) else read_manifest(sample)
    plan, _ = make_plan(m.rates, m.users, m.seed, m.start, m.days)
    parts = []
    for number, lo in enumerate(range(0, m.users, chunk_users)):
        hi = min(lo + chunk_users, m.users)
        chunk = journeys(plan, np.random.default_rng([m.seed, 1, number]), lo, hi)
        assert chunk.churn is not None and chunk.back is not None and chunk.react is not None
        parts.append(
            pl.DataFrame(
                {
                    "uid": chunk.uid,
                    "signup_at": chunk.signup,
                    "churn_at": chunk.churn,
                    "back": chunk.back,
                    "return_at": chunk.react,
                }
            )
        )
    frame = pl.concat(parts)
    return frame.select(
        uid_text(pl.col("uid")).alias("user_id"),
        *[pl.from_epoch(c, time_unit="ms").dt.replace_time_zone("UTC").alias(c) for c in _TIMES],
        pl.col("back"),
        (pl.col("return_at") < plan.end_ms).alias("observed"),
    )


_TIMES = ("signup_at", "churn_at", "return_at")

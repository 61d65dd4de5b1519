"""Shared by the Spark parity tests: one local[2] Spark engine per pytest process, a small
deterministic event log, and the DuckDB-vs-Spark comparison helper.

The Spark session is started once (``spark_engine`` is cached), so its start-up cost is
paid once per test session however many Spark test modules run.
"""

from __future__ import annotations

import functools
import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from journeylab import Engine, Lake, open_lake
from spark_server import require_spark

ODD_KEY = "q'\"\\;../é {}[]*?$"
NAMES = ("signup", "view_item", "add_to_cart", "purchase", "page_view", "referral")
CHANNELS = ("ads", "organic", "referral", "Ads", "")


@functools.cache
def spark_engine() -> Engine:
    require_spark()  # a skip, or a failure in CI
    engine = Engine.pyspark(master="local[2]")
    # Tiny test data: adaptive query execution only adds planning rounds (same results).
    engine.backend._session.conf.set("spark.sql.adaptive.enabled", "false")
    return engine


def small_records(seed: int = 7, users: int = 24, events: int = 420) -> list[dict[str, Any]]:
    """A small, varied, deterministic Events-API log: ties, µs times, typed and odd data."""
    rng = random.Random(seed)
    base = datetime(2025, 3, 1, tzinfo=UTC)
    out: list[dict[str, Any]] = []
    for u in range(users):
        user = f"u{u:03d}" if u % 7 else f"user '{u}\""
        t = base + timedelta(hours=rng.randrange(0, 24 * 20))
        out.append(
            {
                "userId": user,
                "name": "signup",
                "eventAt": t.isoformat(),
                "data": {"channel": rng.choice(CHANNELS), "plan": rng.choice([1, 2, "2", None])},
            }
        )
    for i in range(events - users):
        user = f"u{rng.randrange(users):03d}"
        if user == "u000" or int(user[1:]) % 7 == 0:
            user = f"user '{int(user[1:])}\""
        t = base + timedelta(
            seconds=rng.choice([0, 3600, 86400]) * rng.randrange(0, 24 * 25),
            microseconds=rng.choice([0, 0, 0, 1, 999_999]),
        )
        name = rng.choice(NAMES)
        data: dict[str, Any] | None = None
        roll = rng.random()
        if name == "purchase":
            data = {"amount": rng.choice([5, 20, 20.0, 20.5, 100, "20", True, None])}
        elif name == "referral":
            data = {"referrerId": f"u{rng.randrange(users):03d}"}
        elif roll < 0.3:
            data = {
                "flag": rng.choice([True, False, "true", 1, None]),
                "a.b": rng.choice([1, "1"]),
                ODD_KEY: rng.choice(["v'\\", "x", 3]),
            }
        elif roll < 0.4:
            data = {"nested": {"amount": 20}, "list": [1, 2]}
        rec: dict[str, Any] = {"userId": user, "name": name, "eventAt": t.isoformat()}
        if data is not None:
            rec["data"] = data
        if i % 50 == 0:
            rec["eventId"] = f"e-{i}"
        out.append(rec)
    return out


def build_lake(path: Path, records: list[dict[str, Any]]) -> Path:
    """Ingest ``records`` with DuckDB into a new lake at ``path``."""
    src = path.with_suffix(".jsonl")
    src.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    open_lake(path, create=True).ingest(src, progress=False)
    return path


def lake_pair(path: Path) -> tuple[Lake, Lake]:
    """The same lake folder opened with DuckDB and with the shared Spark engine."""
    return open_lake(path, create=False), open_lake(path, engine=spark_engine(), create=False)


def canonical(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows sorted by every sortable column (order is not part of a result's meaning)."""
    keys = [c for c, t in frame.schema.items() if not isinstance(t, pl.List | pl.Struct)]
    return frame.sort(keys, nulls_last=True) if keys and frame.height else frame


def assert_frames_same(duck: pl.DataFrame, spark: pl.DataFrame, what: str = "") -> None:
    assert duck.columns == spark.columns, what
    assert duck.schema == spark.schema, (what, duck.schema, spark.schema)
    a, b = canonical(duck), canonical(spark)
    # exact for everything but floats, which may differ in the last bits (summation order)
    try:
        assert_frame_equal(a, b, check_exact=False, rel_tol=1e-9, abs_tol=1e-9)
    except AssertionError as exc:
        raise AssertionError(f"{what}\nDuckDB:\n{a}\nSpark:\n{b}") from exc


def assert_parity(duck: Lake, spark: Lake, call: Callable[[Lake], Any], what: str = "") -> Any:
    """Run ``call`` on both lakes; polars frames (or results holding them) must be equal."""
    a, b = call(duck), call(spark)
    _compare(a, b, what or getattr(call, "__name__", "result"))
    return a


def _compare(a: Any, b: Any, what: str) -> None:
    if isinstance(a, pl.DataFrame):
        assert isinstance(b, pl.DataFrame), what
        assert_frames_same(a, b, what)
    elif hasattr(a, "__dataclass_fields__"):
        assert type(a) is type(b), what
        for name in a.__dataclass_fields__:
            _compare(getattr(a, name), getattr(b, name), f"{what}.{name}")
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), what
        for k in a:
            _compare(a[k], b[k], f"{what}[{k!r}]")
    elif isinstance(a, list | tuple):
        assert isinstance(b, list | tuple) and len(a) == len(b), what
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _compare(x, y, f"{what}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-9, nan_ok=True), what
    else:
        assert a == b, f"{what}: DuckDB {a!r} != Spark {b!r}"

"""Every CLI ``--json`` output, and the report, the same on Spark as on DuckDB.

Each analysis command runs twice in-process on the same lake: with the default engine and
with ``--engine pyspark`` (the shared local[2] session). The two JSON documents must be
equal: counts and strings exactly, floats within 1e-9 relative, lists (rows) in the same
order. The lake is laid out as ingest and compaction leave it (user keys, several files,
then one sorted generation). The fast tier runs each command once on a small lake; the
``slow`` loop runs more variants on more seeds.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from journeylab import open_lake
from journeylab.cli import app
from test_spark_support import build_lake, small_records, spark_engine

pytestmark = pytest.mark.spark
runner = CliRunner()

OFFER = """\
kind: offer
name: two-purchases
audience: {event: signup, where: {channel: {in: [ads, organic]}}}
entry: {event: signup}
satisfy: {event: purchase, where: {amount: {gte: 10}}, count: 2, within: 30d}
expires_after: 30d
reentry: {mode: never}
caps: {budget: 60}
reward: 10
"""
OFFER_B = OFFER.replace("count: 2", "count: 1").replace("two-purchases", "one-purchase")
REFERRAL = """\
kind: referral
name: invite
link: {event: referral, referrer_field: referrerId}
satisfy: {event: purchase, within: 14d}
rules: {new_user_only: false, no_self_referral: true, reward_delay: 2d}
reward: {referrer: 20, referee: 10}
"""
EXPECT = "users: {u001: satisfied, u002: not_enrolled, u003: {status: expired}}\n"
SPEND = "date,channel,amount\n2025-03-01,ads,100\n2025-03-02,organic,30\n2025-03-05,Ads,7\n"


def make_env(root: Path, seed: int) -> dict[str, str]:
    records = small_records(seed=seed)
    lake = build_lake(root / "lake", records[: len(records) // 2])
    rest = root / "rest.jsonl"
    rest.write_text("".join(json.dumps(r) + "\n" for r in records[len(records) // 2 :]))
    open_lake(lake).ingest(rest, progress=False)  # a second file, then one sorted generation
    assert open_lake(lake).compact() == 1
    files = {"offer.yaml": OFFER, "offer_b.yaml": OFFER_B, "referral.yaml": REFERRAL}
    files |= {"expect.yaml": EXPECT, "spend.csv": SPEND}
    for name, text in files.items():
        (root / name).write_text(text)
    return {"lake": str(lake), **{n.split(".")[0]: str(root / n) for n in files}}


STEPS = "signup,view_item,add_to_cart,purchase"
COMMANDS: dict[str, list[str]] = {
    "catalog": ["catalog"],
    "funnel": ["funnel", "--steps", STEPS, "--by", "channel"],
    "funnel_strict": ["funnel", "--steps", "signup,view_item,purchase", "--order", "strict"],
    "funnel_any_range": [
        "funnel",
        "--steps",
        "signup,purchase,view_item",
        "--order",
        "any",
        "--from",
        "2025-03-03",
        "--to",
        "2025-03-15",
    ],
    "activation": [
        "activation",
        "--activation",
        "viewed=view_item",
        "--activation",
        "carted=add_to_cart",
        "--activation",
        "bought=purchase",
        "--spend",
        "{spend}",
    ],
    "backtest": ["backtest", "{offer}"],
    "backtest_referral": ["backtest", "{referral}", "--as-of", "2025-03-20"],
    "explain": ["explain", "{offer}", "--user", "u001"],
    "explain_referral": ["explain", "{referral}", "--user", "u002"],
    "check": ["check", "{offer}", "--expect", "{expect}"],
    "compare": ["compare", "{offer}", "{offer_b}"],
    "paths": ["paths", "--start", "signup"],
    "transitions": ["transitions"],
    "retention": ["retention", "--start", "signup", "--period", "day"],
    "lifecycle": ["lifecycle", "--period", "day"],
    "timeline": ["timeline", "u001"],
}


def run_json(args: list[str], env: dict[str, str], *extra: str) -> tuple[int, Any]:
    argv = [a.format(**env) for a in args]
    result = runner.invoke(app, [*argv, "--lake", env["lake"], "--json", *extra])
    assert result.exit_code in (0, 1), (argv, extra, result.output)
    return result.exit_code, json.loads(result.stdout)


def assert_same_json(duck: Any, spark: Any, where: str = "$") -> None:
    """Equal JSON: exact but for floats (1e-9 relative); lists in the same order."""
    if isinstance(duck, float) or isinstance(spark, float):
        assert isinstance(duck, int | float) and isinstance(spark, int | float), where
        assert not isinstance(duck, bool) and not isinstance(spark, bool), where
        ok = math.isclose(duck, spark, rel_tol=1e-9, abs_tol=1e-12)
        assert ok or (math.isnan(duck) and math.isnan(spark)), (where, duck, spark)
    elif isinstance(duck, dict):
        assert isinstance(spark, dict) and list(duck) == list(spark), (where, duck, spark)
        for key in duck:
            assert_same_json(duck[key], spark[key], f"{where}.{key}")
    elif isinstance(duck, list):
        assert isinstance(spark, list) and len(duck) == len(spark), (where, duck, spark)
        for i, (a, b) in enumerate(zip(duck, spark, strict=True)):
            assert_same_json(a, b, f"{where}[{i}]")
    else:
        assert type(duck) is type(spark) and duck == spark, (where, duck, spark)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    spark_engine()  # the shared session: `--engine pyspark` reuses the active one
    return make_env(tmp_path_factory.mktemp("cli_parity"), seed=11)


def test_every_json_command_is_covered() -> None:
    analyses = {"catalog", "funnel", "activation", "backtest", "explain", "check", "compare"}
    assert analyses <= {c.split("_")[0] for c in COMMANDS}
    # every command with engine options prints --json here, or is the report (below)
    with_engine = {
        name
        for name, cmd in typer.main.get_command(app).commands.items()  # type: ignore[attr-defined]
        if "--engine" in _options(cmd)
    }
    assert len(with_engine) >= 8
    assert with_engine - {"report"} <= {c.split("_")[0] for c in COMMANDS}


def _options(command: Any) -> set[str]:
    return {opt for p in command.params for opt in getattr(p, "opts", ())}


#: run in the fast tier: one of each command (the variants run in the slow tier)
FAST = ("catalog", "funnel", "activation", "backtest", "explain", "check", "compare")


@pytest.mark.parametrize(
    "name", [n if n in FAST else pytest.param(n, marks=pytest.mark.slow) for n in COMMANDS]
)
def test_cli_json_identical_on_spark(env: dict[str, str], name: str) -> None:
    code_duck, duck = run_json(COMMANDS[name], env)
    code_spark, spark = run_json(COMMANDS[name], env, "--engine", "pyspark")
    assert code_duck == code_spark
    assert_same_json(duck, spark)


@pytest.mark.slow  # the fast tier runs each command's JSON on Spark (CI's 30 minutes)
def test_report_identical_on_spark(env: dict[str, str], tmp_path: Path) -> None:
    from journeylab.report import report

    kw: dict[str, Any] = {
        "activations": ["viewed=view_item", "bought=purchase"],
        "spend": env["spend"],
        "offers": [env["offer"], env["referral"]],
    }
    duck = report(open_lake(env["lake"]), tmp_path / "duck.html", **kw)
    spark = report(open_lake(env["lake"], engine=spark_engine()), tmp_path / "spark.html", **kw)
    assert duck.warnings == spark.warnings
    a, b = _blocks(duck), _blocks(spark)
    assert [k for k, _ in a] == [k for k, _ in b] and len(a) > 10
    for (key, x), (_, y) in zip(a, b, strict=True):
        assert_same_json(x, y, key)


_GENERATED = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by journeylab"  # when, not what


def _blocks(report: Any) -> list[tuple[str, Any]]:
    """Every block of a report as JSON-like data: figure and table rows, texts."""
    from journeylab.report.model import Figure, Table

    out: list[tuple[str, Any]] = []

    def walk(section: Any) -> None:
        for i, block in enumerate(section.blocks):
            key = f"{section.key}[{i}]"
            table = block.table if isinstance(block, Figure) else block
            if isinstance(table, Table):
                rows = table.frame.write_json()
                out.append((key, json.loads(re.sub(_GENERATED, "(generated)", rows))))
            else:
                out.append((key, {k: str(v) for k, v in vars(block).items()}))
        for child in section.children:
            walk(child)

    for section in report.sections:
        walk(section)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("seed", [3, 29])
def test_cli_json_identical_on_spark_more_lakes(
    tmp_path_factory: pytest.TempPathFactory, seed: int
) -> None:
    spark_engine()
    env = make_env(tmp_path_factory.mktemp(f"cli_parity_{seed}"), seed=seed)
    # the plain run on both lakes, each variant on one (the three on both: 3 min of CI)
    variants = ([], ["--strict"]) if seed == 3 else ([], ["--as-of", "2025-03-12"])
    for name, args in COMMANDS.items():
        for extra in variants:
            if name == "catalog" and extra:
                continue
            if name == "check" and extra and extra[0] == "--as-of":
                continue  # check takes its clock from the expect file
            argv = [*args, *extra]
            duck = runner.invoke(
                app, [*[a.format(**env) for a in argv], "--lake", env["lake"], "--json"]
            )
            spark = runner.invoke(
                app,
                [
                    *[a.format(**env) for a in argv],
                    "--lake",
                    env["lake"],
                    "--json",
                    "--engine",
                    "pyspark",
                ],
            )
            assert duck.exit_code == spark.exit_code, (name, extra, duck.output, spark.output)
            if duck.exit_code in (0, 1):
                assert_same_json(json.loads(duck.stdout), json.loads(spark.stdout), name)
            else:
                assert duck.stderr == spark.stderr, (name, extra)


def test_a_session_without_arrow_transfers_gives_the_same_answers(env: dict[str, str]) -> None:
    """A Spark session built elsewhere in the process without Arrow transfers (a notebook's
    ``SparkSession.builder.getOrCreate()``): journeylab turns them on, since without them
    its in-memory tables reached Spark with NaN for missing floats, and the activation
    comparison's medians differed from DuckDB's (a p75 came back NaN)."""
    key = "spark.sql.execution.arrow.pyspark.enabled"
    session = spark_engine().backend._session
    session.conf.set(key, "false")
    try:
        _, duck = run_json(COMMANDS["activation"], env)
        _, spark = run_json(COMMANDS["activation"], env, "--engine", "pyspark")
        assert_same_json(duck, spark)
        assert session.conf.get(key) == "true"
    finally:
        session.conf.set(key, "true")

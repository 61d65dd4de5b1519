"""Every public entry point that takes a name checks it against the lake (issue 12).

The entry points are enumerated from ``journeylab.__all__``: every function that takes a
``lake``, and every method of an exported class that reads a lake (``Lake`` methods take
it as ``self``). Each parameter that carries names — by its name (``steps``, ``start``,
``by``, ``returning``, ...) or by its type (a step, a program, a condition) — needs a case
in :data:`CASES` that passes a typo there and must get a warning naming it (and an
:class:`UnknownNameError` with ``strict=True``), or an entry in :data:`EXEMPT` saying why
it carries no event name or ``data`` field. A new analysis fails
``test_every_name_parameter_has_a_case`` until its cases are added here (as journeys'
``paths(start=..., end=..., between=...)`` and ``retention(start=..., returning=...)`` did).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

import journeylab as jl
from journeylab import Lake
from journeylab.names import NameWarning, UnknownNameError

#: parameters that carry event names or data fields, by name ...
NAME_PARAMS = frozenset(
    {
        "a",
        "active",
        "activations",
        "anchor",
        "b",
        "between",
        "by",
        "channel",
        "end",
        "event",
        "events",
        "exclude",
        "field",
        "fields",
        "names",
        "program",
        "returning",
        "start",
        "step",
        "steps",
        "target",
    }
)
#: ... or by their annotation
NAME_TYPES = ("Step", "ProgramLike", "Offer", "Referral", "Definition", "Condition", "Exclude",
              "RetentionSpec")  # fmt: skip

Case = Callable[[Lake, bool], Iterable[NameWarning]]


def _offer(satisfy: str = "purchse") -> jl.Offer:
    return jl.offer("typo", entry="signup", satisfy=jl.event(satisfy))


def _referral() -> jl.Referral:
    return jl.referral("typo", link="referal", satisfy=jl.event("purchase"))


def _result_warnings(result: Any) -> Iterable[NameWarning]:
    return result.warnings  # type: ignore[no-any-return]


# -- the cases: (entry point, parameter) -> a call with a typo in that parameter -----------
# Each returns the warnings; the typo it passes is one of TYPOS.
TYPOS = frozenset({"purchse", "refnd", "chanel", "sigup", "referal"})
CASES: dict[tuple[str, str], Case] = {
    ("journeylab.funnel", "steps"): lambda lk, s: (
        jl.funnel(lk, ["signup", "purchse"], strict=s).warnings
    ),
    ("journeylab.funnel", "exclude"): lambda lk, s: (
        jl.funnel(lk, ["signup", "purchase"], exclude="refnd", strict=s).warnings
    ),
    ("journeylab.funnel", "by"): lambda lk, s: (
        jl.funnel(lk, ["signup", "purchase"], by="chanel", strict=s).warnings
    ),
    ("Lake.funnel", "steps"): lambda lk, s: lk.funnel(["sigup", "purchase"], strict=s).warnings,
    ("Lake.funnel", "exclude"): lambda lk, s: (
        lk.funnel(["signup", "purchase"], exclude={"event": "refnd"}, strict=s).warnings
    ),
    ("Lake.funnel", "by"): lambda lk, s: (
        lk.funnel(["signup", "purchase"], by="chanel", strict=s).warnings
    ),
    ("journeylab.compare_activations", "start"): lambda lk, s: (
        jl.compare_activations(lk, "sigup", {"buy": "purchase"}, strict=s).warnings
    ),
    ("journeylab.compare_activations", "activations"): lambda lk, s: (
        jl.compare_activations(lk, "signup", {"buy": "purchse"}, strict=s).warnings
    ),
    ("journeylab.compare_activations", "channel"): lambda lk, s: (
        jl.compare_activations(
            lk, "signup", {"buy": "purchase"}, channel="chanel", strict=s
        ).warnings
    ),
    ("Lake.compare_activations", "start"): lambda lk, s: (
        lk.compare_activations(
            {"event": "signup", "where": {"chanel": "ads"}}, {"buy": "purchase"}, strict=s
        ).warnings
    ),
    ("Lake.compare_activations", "activations"): lambda lk, s: (
        lk.compare_activations(
            "signup", {"three": {"event": "purchse", "count": 3}}, strict=s
        ).warnings
    ),
    ("Lake.compare_activations", "channel"): lambda lk, s: (
        lk.compare_activations("signup", {"buy": "purchase"}, channel="chanel", strict=s).warnings
    ),
    ("journeylab.compare_activations", "retained"): lambda lk, s: (
        jl.compare_activations(
            lk,
            "signup",
            {"buy": "purchase"},
            retained=jl.retention_spec(returning="refnd"),
            strict=s,
        ).warnings
    ),  # fmt: skip
    ("Lake.compare_activations", "retained"): lambda lk, s: (
        lk.compare_activations(
            "signup",
            {"buy": "purchase"},
            strict=s,
            retained=jl.retention_spec(returning={"event": "purchase", "where": {"chanel": 1}}),
        ).warnings
    ),  # fmt: skip
    ("journeylab.backtest", "program"): lambda lk, s: jl.backtest(_offer(), lk, strict=s).warnings,
    ("Offer.backtest", "self"): lambda lk, s: _offer().backtest(lk, strict=s).warnings,
    ("Referral.backtest", "self"): lambda lk, s: _referral().backtest(lk, strict=s).warnings,
    ("journeylab.explain", "program"): lambda lk, s: (
        jl.explain(_offer(), lk, "u1", strict=s).warnings
    ),
    ("BacktestResult.explain", "self"): lambda lk, s: (
        _offer().backtest(lk, strict=s).explain("u1").warnings
    ),
    ("journeylab.compare", "a"): lambda lk, s: (
        jl.compare(_offer(), _offer("purchase"), lk, strict=s).warnings
    ),
    ("journeylab.compare", "b"): lambda lk, s: (
        jl.compare(_offer("purchase"), _offer("refnd"), lk, strict=s).warnings
    ),
    ("journeylab.reactivations", "active"): lambda lk, s: (
        jl.reactivations(lk, "1d", active="purchse", strict=s).warnings
    ),
    ("journeylab.reactivations", "exclude"): lambda lk, s: (
        jl.reactivations(lk, "1d", exclude=["refnd"], strict=s).warnings
    ),
    ("journeylab.report", "start"): lambda lk, s: (
        jl.report(lk, start="sigup", activations={"buy": "purchase"}, strict=s).warnings
    ),
    ("journeylab.report", "activations"): lambda lk, s: (
        jl.report(lk, activations={"buy": "purchse"}, strict=s).warnings
    ),
    ("journeylab.report", "channel"): lambda lk, s: (
        jl.report(lk, activations={"buy": "purchase"}, channel="chanel", strict=s).warnings
    ),
    ("Lake.reactivations", "active"): lambda lk, s: (
        lk.reactivations("1d", active=["signup", "purchse"], strict=s).warnings
    ),
    ("Lake.reactivations", "exclude"): lambda lk, s: (
        lk.reactivations("1d", exclude="refnd", strict=s).warnings
    ),
    # journeys: each function and its Lake method
    ("journeylab.paths", "start"): lambda lk, s: jl.paths(lk, start="sigup", strict=s).warnings,
    ("journeylab.paths", "end"): lambda lk, s: jl.paths(lk, end="purchse", strict=s).warnings,
    ("journeylab.paths", "between"): lambda lk, s: (
        jl.paths(lk, between=("signup", "purchse"), strict=s).warnings
    ),
    ("journeylab.paths", "exclude"): lambda lk, s: (
        jl.paths(lk, start="signup", exclude=["refnd"], strict=s).warnings
    ),
    ("Lake.paths", "start"): lambda lk, s: (
        lk.paths(start={"event": "signup", "where": {"chanel": "ads"}}, strict=s).warnings
    ),
    ("Lake.paths", "end"): lambda lk, s: lk.paths(end="purchse", strict=s).warnings,
    ("Lake.paths", "between"): lambda lk, s: (
        lk.paths(between=("sigup", "purchase"), strict=s).warnings
    ),
    ("Lake.paths", "exclude"): lambda lk, s: (
        lk.paths(start="signup", exclude="refnd", strict=s).warnings
    ),
    ("journeylab.transitions", "names"): lambda lk, s: (
        jl.transitions(lk, names=["signup", "purchse"], strict=s).warnings
    ),
    ("Lake.transitions", "names"): lambda lk, s: (
        lk.transitions(names=["sigup", "purchase"], strict=s).warnings
    ),
    ("journeylab.retention", "start"): lambda lk, s: (
        jl.retention(lk, start="sigup", strict=s).warnings
    ),
    ("journeylab.retention", "returning"): lambda lk, s: (
        jl.retention(lk, returning="purchse", strict=s).warnings
    ),
    ("journeylab.retention", "by"): lambda lk, s: jl.retention(lk, by="chanel", strict=s).warnings,
    ("Lake.retention", "start"): lambda lk, s: (
        lk.retention(start={"event": "signup", "where": {"chanel": "ads"}}, strict=s).warnings
    ),
    ("Lake.retention", "returning"): lambda lk, s: (
        lk.retention(returning="refnd", strict=s).warnings
    ),
    ("Lake.retention", "by"): lambda lk, s: lk.retention(by="chanel", strict=s).warnings,
    ("journeylab.lifecycle", "active"): lambda lk, s: (
        jl.lifecycle(lk, active="purchse", strict=s).warnings
    ),
    ("Lake.lifecycle", "active"): lambda lk, s: lk.lifecycle(active="refnd", strict=s).warnings,
    ("journeylab.report", "retained"): lambda lk, s: (
        jl.report(
            lk,
            activations={"buy": "purchase"},
            strict=s,
            retained=jl.retention_spec(returning="refnd"),
        ).warnings
    ),  # fmt: skip  # fmt: skip
    ("journeylab.check_names", "events"): lambda lk, s: jl.check_names(
        lk, [("x", "purchse")], strict=s
    ),
    ("journeylab.check_names", "fields"): lambda lk, s: jl.check_names(
        lk, [], [("x", "chanel", ("signup",))], strict=s
    ),
}
#: parameters that look like names but carry none, with the reason
_TIME_ALIAS = {
    "start": "deprecated alias of start_date (a time, not an event)",
    "end": "deprecated alias of end_date (a time, not an event)",
}
EXEMPT: dict[tuple[str, str], str] = {
    (q, p): why
    for p, why in _TIME_ALIAS.items()
    for q in (
        "journeylab.funnel",
        "Lake.funnel",
        "journeylab.explain",
        "journeylab.compare",
        "Offer.backtest",
        "Referral.backtest",
    )
}


# -- discovery ----------------------------------------------------------------------------
def entry_points(names: Iterable[str] = jl.__all__) -> Iterator[tuple[str, Callable[..., Any]]]:
    """``(qualified name, function)`` of every public callable that reads a lake."""
    for name in names:
        obj = getattr(jl, name)
        if inspect.isfunction(obj) and "lake" in inspect.signature(obj).parameters:
            yield f"journeylab.{name}", obj
        elif inspect.isclass(obj):
            for attr, fn in inspect.getmembers(obj, inspect.isfunction):
                if attr.startswith("_") or not fn.__module__.startswith("journeylab"):
                    continue
                if obj is Lake or "lake" in inspect.signature(fn).parameters:
                    yield f"{obj.__name__}.{attr}", fn


def name_params(qualname: str, fn: Callable[..., Any]) -> list[str]:
    """The parameters of ``fn`` that carry names (``self`` for a program's or result's
    method, whose names are in the object)."""
    out = []
    for p in inspect.signature(fn).parameters.values():
        if p.name == "self":
            if not qualname.startswith("Lake."):
                out.append("self")
        elif p.name in NAME_PARAMS or any(t in str(p.annotation) for t in NAME_TYPES):
            out.append(p.name)
    return out


def missing_cases(points: Iterable[tuple[str, Callable[..., Any]]]) -> list[tuple[str, str]]:
    return [
        (q, p)
        for q, fn in points
        for p in name_params(q, fn)
        if (q, p) not in CASES and (q, p) not in EXEMPT
    ]


def test_every_name_parameter_has_a_case() -> None:
    missing = missing_cases(entry_points())
    assert not missing, (
        "public entry points whose name parameters have no case in "
        f"tests/test_names_everywhere.py CASES: {missing}"
    )
    stale = [k for k in [*CASES, *EXEMPT] if k[0] not in dict(entry_points())]
    assert not stale, f"cases for entry points that are gone: {stale}"


def test_a_new_entry_point_without_a_case_fails_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    def stickiness(lake: Lake, start: str, returning: str) -> None:  # not checked, no case
        """A later analysis."""

    monkeypatch.setattr(jl, "stickiness", stickiness, raising=False)
    assert missing_cases(entry_points(["stickiness"])) == [
        ("journeylab.stickiness", "start"),
        ("journeylab.stickiness", "returning"),
    ]


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory) -> Lake:
    import json

    root = tmp_path_factory.mktemp("names")
    rows = [
        {"userId": "u1", "name": "signup", "eventAt": "2025-01-01T00:00:00Z",
         "data": {"channel": "ads"}},
        {"userId": "u1", "name": "purchase", "eventAt": "2025-01-02T00:00:00Z",
         "data": {"amount": 20}},
        {"userId": "u2", "name": "signup", "eventAt": "2025-01-03T00:00:00Z",
         "data": {"channel": "seo"}},
        {"userId": "u2", "name": "referral", "eventAt": "2025-01-03T00:00:00Z",
         "data": {"referrerId": "u1"}},
        {"userId": "u2", "name": "refund", "eventAt": "2025-01-04T00:00:00Z"},
    ]  # fmt: skip
    path = Path(root / "events.jsonl")
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    lake = jl.open_lake(root / "lake", create=True)
    lake.ingest(path)
    return lake


@pytest.mark.parametrize("key", list(CASES), ids=[f"{q}:{p}" for q, p in CASES])
def test_a_typo_warns_and_strict_raises(named: Lake, key: tuple[str, str]) -> None:
    case = CASES[key]
    warnings = list(case(named, False))
    typos = {w.name for w in warnings} & TYPOS
    assert typos, f"{key}: no warning names the typo; got {[w.message() for w in warnings]}"
    for w in warnings:
        if w.name in typos and w.kind != "declared_never_fired":
            assert w.suggestions or w.kind == "unknown_field", w.message()
    with pytest.raises(UnknownNameError) as info:
        list(case(named, True))
    assert {w.name for w in info.value.warnings} & TYPOS

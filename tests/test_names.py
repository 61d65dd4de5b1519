"""Names are checked against the lake: a typo warns with the nearest known names (issue 12)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from journeylab import Lake
from journeylab.names import NameWarning, UnknownNameError, check_names


@pytest.fixture
def named(lake: Lake, write_jsonl: Callable[..., Path]) -> Lake:
    rows = [
        {"userId": "u1", "name": "signup", "eventAt": "2025-01-01T00:00:00Z",
         "data": {"channel": "ads"}},
        {"userId": "u1", "name": "purchase", "eventAt": "2025-01-02T00:00:00Z",
         "data": {"amount": 20}},
        {"userId": "u2", "name": "signup", "eventAt": "2025-01-03T00:00:00Z"},
    ]  # fmt: skip
    lake.ingest(write_jsonl(rows))
    lake.declare("refund", description="planned")
    return lake


def test_known_names_give_no_warning(named: Lake) -> None:
    refs = [("steps[1]", "signup"), ("steps[2]", "purchase")]
    fields = [("by", "channel", ("signup",)), ("steps[2].where.amount", "amount", ("purchase",))]
    assert check_names(named, refs, fields) == ()


def test_unknown_event_names_the_nearest(named: Lake) -> None:
    (w,) = check_names(named, [("steps[2]", "purchse")])
    assert (w.param, w.name, w.kind, w.suggestions) == (
        "steps[2]",
        "purchse",
        "unknown_event",
        ("purchase",),
    )
    assert "nearest: 'purchase'" in w.message()


def test_declared_but_never_fired(named: Lake) -> None:
    (w,) = check_names(named, [("exclude", "refund")])
    assert w.kind == "declared_never_fired"


def test_field_no_event_carries(named: Lake) -> None:
    (w,) = check_names(named, [], [("by", "chanel", ("signup", "purchase"))])
    assert w.kind == "unknown_field" and w.suggestions == ("channel",)
    assert w.events == ("signup", "purchase")
    # a field carried by another event than the one asked about is still unknown there
    (w,) = check_names(named, [], [("steps[1].where.amount", "amount", ("signup",))])
    assert w.kind == "unknown_field" and w.events == ("signup",)


def test_probes_are_answered_once_per_snapshot(
    named: Lake, write_jsonl: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same names on the same files query the lake once; a new file is a new snapshot,
    so what it adds is seen at once (a name fired, a field carried)."""
    queries: list[object] = []
    execute = type(named).execute
    monkeypatch.setattr(
        type(named), "execute", lambda self, e: queries.append(e) or execute(self, e)
    )
    known = [("steps[1]", "signup")], [("by", "channel", ("signup",))]
    assert check_names(named, *known) == ()
    probes = len(queries)
    assert probes and check_names(named, *known) == ()
    assert len(queries) == probes  # answered from the memo: no query
    refs, fields = [("steps[1]", "refund")], [("by", "coupon", ("signup",))]
    first = check_names(named, refs, fields)
    assert [w.kind for w in first] == ["declared_never_fired", "unknown_field"]
    rows = [
        {"userId": "u3", "name": "refund", "eventAt": "2025-01-04T00:00:00Z"},
        {"userId": "u3", "name": "signup", "eventAt": "2025-01-04T00:00:00Z",
         "data": {"coupon": "X"}},
    ]  # fmt: skip
    named.ingest(write_jsonl(rows))
    assert check_names(named, refs, fields) == ()


def test_strict_raises_with_every_warning(named: Lake) -> None:
    with pytest.raises(UnknownNameError, match="purchse") as info:
        check_names(named, [("a", "purchse"), ("b", "sigup")], strict=True)
    assert len(info.value.warnings) == 2


def test_to_dict_is_the_json_contract() -> None:
    w = NameWarning("by", "chanel", "unknown_field", ("signup",), ("channel",))
    assert set(w.to_dict()) == {"param", "name", "kind", "events", "suggestions", "message"}


def test_funnel_carries_warnings(named: Lake) -> None:
    f = named.funnel(["signup", "purchse"], within="7d", by="chanel")
    kinds = sorted(w.kind for w in f.warnings)
    assert kinds == ["unknown_event", "unknown_field"]
    with pytest.raises(UnknownNameError):
        named.funnel(["signup", "purchse"], strict=True)


def test_cli_funnel_warns_on_stderr_and_in_json(named: Lake) -> None:
    cli = [str(Path(sys.executable).parent / "journeylab"), "funnel", "--lake", str(named.path)]
    proc = subprocess.run(
        [*cli, "--steps", "signup,purchse", "--json"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert "warning: steps[2]: event 'purchse'" in proc.stderr
    doc = json.loads(proc.stdout)
    assert [w["kind"] for w in doc["warnings"]] == ["unknown_event"]
    strict = subprocess.run(
        [*cli, "--steps", "signup,purchse", "--strict"], capture_output=True, text=True
    )
    assert strict.returncode == 2 and "Traceback" not in strict.stderr
    assert "purchse" in strict.stderr

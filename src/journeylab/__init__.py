"""journeylab: local-first product events — funnels, activation with CAC, condition backtests.

>>> import journeylab as jl
>>> lake = jl.open_lake("lake/", create=True)           # doctest: +SKIP
>>> lake.ingest(["events.jsonl"])                        # doctest: +SKIP
>>> lake.funnel(["signup", "purchase"], within="7d")     # doctest: +SKIP

Every analysis is a plain function (``jl.funnel(lake, ...)``) that ``Lake`` delegates to
(``lake.funnel(...)``), returning a frozen result of polars frames with ``.warnings`` for
names the lake does not know. The public names are listed, grouped, in ``__all__``.

Names are loaded when first used (PEP 562): ``import journeylab`` itself imports none of
Ibis, polars, pyarrow, DuckDB, Altair or Spark, so scripts and the CLI start fast
(docs/performance.md, "Start-up"). ``from journeylab import funnel`` and ``jl.funnel``
work as usual; type checkers see the imports below.
"""

import importlib as _importlib
import sys as _sys
import types as _types
import typing as _typing

if _typing.TYPE_CHECKING:
    from journeylab.activation import (
        ActivationComparison,
        ActivationSource,
        ActivationSpec,
        Definition,
        compare_activations,
        condition_activation,
    )
    from journeylab.conditions import (
        BacktestResult,
        Condition,
        Offer,
        Referral,
        all_,
        any_,
        event,
        event_sum,
        load_program,
        not_,
        offer,
        referral,
        sequence,
    )
    from journeylab.conditions.backtest import backtest
    from journeylab.conditions.compare import Comparison, compare
    from journeylab.conditions.explain import Explanation, explain
    from journeylab.durations import parse_duration
    from journeylab.engine import Engine
    from journeylab.errors import (
        InputError,
        JourneylabDeprecationWarning,
        JourneylabError,
        LakeError,
        SpecError,
    )
    from journeylab.funnels import (
        Exclusion,
        FunnelResult,
        FunnelSpec,
        FunnelTrend,
        TimeToConvert,
        funnel,
    )
    from journeylab.ingest.options import IngestOptions
    from journeylab.journeys import (
        LifecycleResult,
        PathsResult,
        ReactivationResult,
        RetentionResult,
        RetentionSpec,
        TimelineResult,
        TransitionsResult,
        reactivations,
        returned,
    )
    from journeylab.journeys.lifecycle import lifecycle
    from journeylab.journeys.paths import paths
    from journeylab.journeys.retention import retention
    from journeylab.journeys.retention_spec import retention_spec
    from journeylab.journeys.timeline import timeline
    from journeylab.journeys.transitions import transitions
    from journeylab.lake import REASONS, Catalog, IngestReport, Lake, NearMiss, open_lake
    from journeylab.names import NameWarning, UnknownNameError, check_names
    from journeylab.report import report
    from journeylab.steps import Step, StepLike, step
    from journeylab.times import time_range

__version__ = "0.1.0"

# Grouped; each group sorted (case-insensitive); tests/test_exported_members.py holds it
# equal to the public names of this module, so the surface changes only on purpose.
__all__ = [
    # the lake: open (or create), land events, look at them
    "Catalog",
    "IngestOptions",
    "IngestReport",
    "Lake",
    "NearMiss",
    "open_lake",
    "REASONS",
    # engines
    "Engine",
    # steps, durations, time ranges
    "parse_duration",
    "Step",
    "step",
    "StepLike",
    "time_range",
    # funnels
    "Exclusion",
    "funnel",
    "FunnelResult",
    "FunnelSpec",
    "FunnelTrend",
    "TimeToConvert",
    # journeys: paths, transitions, retention, lifecycle, reactivation, one user's timeline
    "lifecycle",
    "LifecycleResult",
    "paths",
    "PathsResult",
    "ReactivationResult",
    "reactivations",
    "retention",
    "retention_spec",
    "RetentionResult",
    "RetentionSpec",
    "returned",
    "timeline",
    "TimelineResult",
    "transitions",
    "TransitionsResult",
    # activation definitions and CAC
    "ActivationComparison",
    "ActivationSource",
    "ActivationSpec",
    "compare_activations",
    "condition_activation",
    "Definition",
    # conditions, offers, referrals: build, backtest, explain, compare
    "all_",
    "any_",
    "backtest",
    "BacktestResult",
    "compare",
    "Comparison",
    "Condition",
    "event",
    "event_sum",
    "explain",
    "Explanation",
    "load_program",
    "not_",
    "offer",
    "Offer",
    "referral",
    "Referral",
    "sequence",
    # the report: every analysis in one offline HTML file
    "report",
    # names checked against the lake
    "check_names",
    "NameWarning",
    "UnknownNameError",
    # errors and warnings
    "InputError",
    "JourneylabDeprecationWarning",
    "JourneylabError",
    "LakeError",
    "SpecError",
]

#: public name -> the module that defines it (imported on first use)
_LAZY: dict[str, str] = {
    "ActivationComparison": "journeylab.activation",
    "ActivationSource": "journeylab.activation",
    "ActivationSpec": "journeylab.activation",
    "compare_activations": "journeylab.activation",
    "condition_activation": "journeylab.activation",
    "Definition": "journeylab.activation",
    "all_": "journeylab.conditions",
    "any_": "journeylab.conditions",
    "BacktestResult": "journeylab.conditions",
    "Condition": "journeylab.conditions",
    "event": "journeylab.conditions",
    "event_sum": "journeylab.conditions",
    "load_program": "journeylab.conditions",
    "not_": "journeylab.conditions",
    "Offer": "journeylab.conditions",
    "offer": "journeylab.conditions",
    "Referral": "journeylab.conditions",
    "referral": "journeylab.conditions",
    "sequence": "journeylab.conditions",
    "backtest": "journeylab.conditions.backtest",
    "compare": "journeylab.conditions.compare",
    "Comparison": "journeylab.conditions.compare",
    "explain": "journeylab.conditions.explain",
    "Explanation": "journeylab.conditions.explain",
    "parse_duration": "journeylab.durations",
    "Engine": "journeylab.engine",
    "InputError": "journeylab.errors",
    "JourneylabDeprecationWarning": "journeylab.errors",
    "JourneylabError": "journeylab.errors",
    "LakeError": "journeylab.errors",
    "SpecError": "journeylab.errors",
    "Exclusion": "journeylab.funnels",
    "funnel": "journeylab.funnels",
    "FunnelResult": "journeylab.funnels",
    "FunnelSpec": "journeylab.funnels",
    "FunnelTrend": "journeylab.funnels",
    "TimeToConvert": "journeylab.funnels",
    "IngestOptions": "journeylab.ingest.options",
    "LifecycleResult": "journeylab.journeys",
    "PathsResult": "journeylab.journeys",
    "ReactivationResult": "journeylab.journeys",
    "RetentionResult": "journeylab.journeys",
    "RetentionSpec": "journeylab.journeys",
    "TimelineResult": "journeylab.journeys",
    "TransitionsResult": "journeylab.journeys",
    "lifecycle": "journeylab.journeys",
    "paths": "journeylab.journeys",
    "reactivations": "journeylab.journeys",
    "retention": "journeylab.journeys",
    "retention_spec": "journeylab.journeys",
    "returned": "journeylab.journeys",
    "timeline": "journeylab.journeys",
    "transitions": "journeylab.journeys",
    "Catalog": "journeylab.lake",
    "IngestReport": "journeylab.lake",
    "Lake": "journeylab.lake",
    "NearMiss": "journeylab.lake",
    "open_lake": "journeylab.lake",
    "REASONS": "journeylab.lake",
    "report": "journeylab.report",
    "check_names": "journeylab.names",
    "NameWarning": "journeylab.names",
    "UnknownNameError": "journeylab.names",
    "Step": "journeylab.steps",
    "step": "journeylab.steps",
    "StepLike": "journeylab.steps",
    "time_range": "journeylab.times",
}


def __getattr__(name: str) -> _typing.Any:
    """Import a public name's module on first use and keep the name in this module."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'journeylab' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The loaded names and every public one (loaded or not)."""
    return sorted(set(globals()) | set(__all__))


class _Package(_types.ModuleType):
    """This package's module type: a submodule named like a public function
    (``journeylab.report``) does not replace the function when it is imported (Python sets
    a package attribute for each submodule it loads; eager imports used to bind the name
    after, lazy ones may come later)."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _LAZY and isinstance(value, _types.ModuleType):
            return
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package


def _notebook_charts() -> None:
    """In IPython/Jupyter, draw Altair charts offline from the start (docs/adr/0004):
    the ``journeylab`` renderer and theme, unless the user chose others. Elsewhere
    (the CLI, scripts) Altair is not imported until a chart is made."""
    ipython = _sys.modules.get("IPython")
    if ipython is not None and ipython.get_ipython() is not None:
        from journeylab.charts import offline  # noqa: F401  (enables on import)


_notebook_charts()

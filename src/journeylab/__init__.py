"""journeylab: local-first product events — funnels, activation with CAC, condition backtests."""

from journeylab.conditions import (
    BacktestResult,
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
from journeylab.conditions.compare import compare
from journeylab.durations import parse_duration
from journeylab.engine import Engine
from journeylab.errors import InputError, JourneylabError, LakeError, SpecError
from journeylab.funnels import FunnelResult
from journeylab.lake import REASONS, Catalog, IngestReport, Lake, NearMiss, open_lake
from journeylab.steps import Step, step

__version__ = "0.1.0"

__all__ = [
    "BacktestResult",
    "all_",
    "any_",
    "compare",
    "event",
    "event_sum",
    "load_program",
    "not_",
    "offer",
    "referral",
    "sequence",
    "REASONS",
    "Catalog",
    "Engine",
    "FunnelResult",
    "IngestReport",
    "InputError",
    "JourneylabError",
    "Lake",
    "LakeError",
    "NearMiss",
    "SpecError",
    "Step",
    "open_lake",
    "parse_duration",
    "step",
]

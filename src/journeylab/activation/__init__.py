"""Activation definitions compared: rates with intervals, time to activate, censoring,
overlap and CAC per channel (see docs and ``Lake.compare_activations``)."""

from journeylab.activation.compare import compare_activations, run_comparison
from journeylab.activation.condition import ConditionActivation, condition_activation
from journeylab.activation.result import ActivationComparison
from journeylab.activation.spec import (
    ActivationSource,
    ActivationSpec,
    Definition,
    activation_spec,
)

__all__ = [
    "ActivationComparison",
    "ActivationSource",
    "ActivationSpec",
    "ConditionActivation",
    "Definition",
    "activation_spec",
    "compare_activations",
    "condition_activation",
    "run_comparison",
]

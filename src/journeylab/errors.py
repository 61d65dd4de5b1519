"""One error hierarchy. Messages name the parameter, the bad value, the choices and the fix."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["JourneylabError", "InputError", "LakeError", "SpecError", "invalid"]


class JourneylabError(Exception):
    """Base class of every error journeylab raises on purpose."""


class InputError(JourneylabError):
    """Unusable input: a missing file, an unknown format, a bad argument."""


class LakeError(JourneylabError):
    """The lake folder is missing, locked, or not a journeylab lake."""


class SpecError(JourneylabError):
    """A funnel, activation or condition spec is invalid."""


def invalid(
    param: str,
    value: object,
    choices: Iterable[object] | str | None = None,
    fix: str | None = None,
    cls: type[JourneylabError] = InputError,
) -> JourneylabError:
    """Build an error in the house style: parameter, bad value, valid choices, fix."""
    msg = f"Invalid value for {param!s}: {value!r}."
    if choices is not None:
        if isinstance(choices, str):
            msg += f" Expected {choices}."
        else:
            msg += " Valid choices: " + ", ".join(repr(c) for c in choices) + "."
    if fix:
        msg += f" {fix}"
    return cls(msg)

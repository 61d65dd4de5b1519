"""One error hierarchy. Messages name the parameter, the bad value, the choices and the fix."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "REMOVAL_VERSION",
    "InputError",
    "JourneylabDeprecationWarning",
    "JourneylabError",
    "LakeError",
    "SpecError",
    "deprecated_alias",
    "invalid",
]

#: the release that removes the old spellings kept as aliases (see CHANGELOG.md)
REMOVAL_VERSION = "0.3.0"


class JourneylabError(Exception):
    """Base class of every error journeylab raises on purpose."""


class InputError(JourneylabError, ValueError):
    """Unusable input: a missing file, an unknown format, a bad argument (a ValueError)."""


class LakeError(JourneylabError):
    """The lake folder is missing, locked, or not a journeylab lake."""


class SpecError(JourneylabError, ValueError):
    """A funnel, activation or condition spec is invalid (a ValueError)."""


class JourneylabDeprecationWarning(FutureWarning):
    """An old spelling that still works, until the release named in the message.

    A FutureWarning, so Python shows it by default: the people who wrote the old spelling
    are the ones who read it (CHANGELOG.md lists every alias and its removal)."""


def deprecated_alias(old: str, new: str, stacklevel: int = 3) -> None:
    """Warn that ``old`` is an alias of ``new``, removed in :data:`REMOVAL_VERSION`."""
    import warnings

    warnings.warn(
        f"{old} is deprecated; use {new} (the old spelling is removed in journeylab "
        f"{REMOVAL_VERSION}).",
        JourneylabDeprecationWarning,
        stacklevel=stacklevel,
    )


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

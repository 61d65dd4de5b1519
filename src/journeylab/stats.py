"""Small statistics shared by funnels and activation comparisons.

``wilson`` is the Wilson score interval for a binomial proportion: it stays inside [0, 1],
behaves at 0 and n successes and at small n (unlike the normal approximation).
"""

from __future__ import annotations

import math

__all__ = ["wilson", "rate"]


def wilson(successes: int, trials: int, z: float = 1.96) -> tuple[float | None, float | None]:
    """Wilson score interval ``(low, high)`` for ``successes`` out of ``trials``.

    ``z=1.96`` gives a 95% interval. With no trials the rate is undefined: ``(None, None)``.
    """
    if trials < 0 or successes < 0 or successes > trials:
        raise ValueError(f"wilson needs 0 <= successes <= trials, got {successes}/{trials}")
    if trials == 0:
        return (None, None)
    n = float(trials)
    p = successes / n
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denom
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return (low, high)


def rate(successes: int, trials: int) -> float | None:
    """``successes / trials`` or None when there are no trials."""
    return None if trials == 0 else successes / trials

"""Wilson interval: hand-computed values and invariants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journeylab.stats import rate, wilson


def test_wilson_known_values() -> None:
    # 8/10 at 95%: classic textbook value (0.4902, 0.9433)
    low, high = wilson(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4)
    assert high == pytest.approx(0.9433, abs=1e-4)
    # 50/100: (0.4038, 0.5962)
    low, high = wilson(50, 100)
    assert low == pytest.approx(0.40383, abs=1e-4)
    assert high == pytest.approx(0.59617, abs=1e-4)


def test_wilson_edges() -> None:
    assert wilson(0, 0) == (None, None)
    low, high = wilson(0, 10)
    assert low == 0.0 and high == pytest.approx(0.2775, abs=1e-4)
    low, high = wilson(10, 10)
    assert high == 1.0 and low == pytest.approx(0.7225, abs=1e-4)
    with pytest.raises(ValueError):
        wilson(3, 2)
    assert rate(0, 0) is None and rate(1, 4) == 0.25


@given(st.integers(1, 10_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_contains_rate(sn: tuple[int, int]) -> None:
    s, n = sn
    low, high = wilson(s, n)
    assert low is not None and high is not None
    assert 0.0 <= low <= s / n <= high <= 1.0

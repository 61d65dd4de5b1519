"""The rates the sample generator plants, exactly as it samples them.

Every number an analysis should recover lives here. The generator reads nothing else, so a
test can compare an estimate from the lake with the value in :class:`PlantedRates`:

- ``activation[channel][definition]`` is the probability that a user who signed up through
  ``channel`` fires ``definition`` **within 14 days** (inclusive) of their ``signup``. The
  generator draws exactly one Bernoulli per user and definition with this probability (the
  three draws are correlated through a shared uniform, which leaves each marginal exact).
- Given activation within 14 days, the delay from signup is an exponential with mean
  ``delay_mean_hours[channel][definition]`` truncated to 14 days (its median is
  :meth:`PlantedRates.median_delay_hours`). Users who do not activate within 14 days
  activate later (after 14 days + 1 minute) with probability ``late_activation``.
- ``purchase``: every ``first_widget_purchase`` comes with a ``purchase`` at the same
  instant; after it, each further purchase happens with probability ``repeat_purchase``
  after an exponential gap of mean ``repeat_gap_days`` (so the chance of a second purchase
  within 30 days of the first is :meth:`PlantedRates.second_purchase_within`).
- ``cost_per_signup[channel]``: the spend table is ``cost_per_signup × signups`` per day and
  channel times a mean-one noise, so CAC of a definition is about
  ``cost_per_signup / activation`` (:meth:`PlantedRates.expected_cac`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "ACTIVATIONS",
    "CHANNELS",
    "JOURNEY_EVENTS",
    "NOISE_EVENTS",
    "PLATFORMS",
    "ACTIVATION_WINDOW_DAYS",
    "PlantedRates",
]

CHANNELS: tuple[str, ...] = ("ads", "organic", "referral", "partner")
PLATFORMS: tuple[str, ...] = ("ios", "android", "web")
ACTIVATIONS: tuple[str, ...] = (
    "profile_completed",
    "payment_method_updated",
    "first_widget_purchase",
)
ACTIVATION_WINDOW_DAYS = 14

#: Journey (funnel-step) events: about 10% of rows. Everything else is noise.
JOURNEY_EVENTS: tuple[str, ...] = (
    "signup",
    "referral",
    "onboarding_started",
    "tutorial_completed",
    "profile_completed",
    "payment_method_updated",
    "first_widget_purchase",
    "purchase",
    "reactivated",
)
NOISE_EVENTS: tuple[str, ...] = (
    "session_start",
    "page_view",
    "button_clicked",
    "search",
    "Sign Up",  # a legacy Android SDK fires it next to `signup`: a near-miss name
    "page_veiw",  # a typo in one web build: a near-miss name
)


def _per_channel(**values: float) -> dict[str, float]:
    return {c: float(values[c]) for c in CHANNELS}


@dataclass(frozen=True)
class PlantedRates:
    """Parameters of the sample app. Defaults are the committed sample's."""

    channel_share: dict[str, float] = field(
        default_factory=lambda: _per_channel(ads=0.40, organic=0.30, referral=0.15, partner=0.15)
    )
    platform_share: dict[str, float] = field(
        default_factory=lambda: {"ios": 0.40, "android": 0.35, "web": 0.25}
    )
    cost_per_signup: dict[str, float] = field(
        default_factory=lambda: _per_channel(ads=12.0, organic=2.0, referral=5.0, partner=20.0)
    )
    spend_noise_sigma: float = 0.10
    referral_launch_day: int = 3
    onboarding_started: dict[str, float] = field(
        default_factory=lambda: _per_channel(ads=0.80, organic=0.88, referral=0.92, partner=0.85)
    )
    tutorial_completed: float = 0.70
    activation: dict[str, dict[str, float]] = field(
        default_factory=lambda: {
            "ads": {
                "profile_completed": 0.42,
                "payment_method_updated": 0.22,
                "first_widget_purchase": 0.12,
            },
            "organic": {
                "profile_completed": 0.58,
                "payment_method_updated": 0.30,
                "first_widget_purchase": 0.20,
            },
            "referral": {
                "profile_completed": 0.66,
                "payment_method_updated": 0.34,
                "first_widget_purchase": 0.26,
            },
            "partner": {
                "profile_completed": 0.50,
                "payment_method_updated": 0.40,
                "first_widget_purchase": 0.18,
            },
        }
    )
    delay_mean_hours: dict[str, dict[str, float]] = field(
        default_factory=lambda: {
            "ads": {
                "profile_completed": 20.0,
                "payment_method_updated": 60.0,
                "first_widget_purchase": 96.0,
            },
            "organic": {
                "profile_completed": 10.0,
                "payment_method_updated": 48.0,
                "first_widget_purchase": 72.0,
            },
            "referral": {
                "profile_completed": 6.0,
                "payment_method_updated": 36.0,
                "first_widget_purchase": 48.0,
            },
            "partner": {
                "profile_completed": 30.0,
                "payment_method_updated": 24.0,
                "first_widget_purchase": 120.0,
            },
        }
    )
    activation_correlation: float = 0.5
    late_activation: float = 0.15
    late_delay_mean_days: float = 10.0
    repeat_purchase: float = 0.55
    repeat_gap_days: float = 9.0
    max_repeat_purchases: int = 15
    amount_median: float = 19.0
    amount_sigma: float = 0.6
    self_referral: float = 0.02
    existing_user_referral: float = 0.01
    legacy_signup_event: float = 0.03
    lifetime_mean_days: float = 21.0
    reactivation: float = 0.35
    dormancy_min_days: float = 30.0
    dormancy_extra_mean_days: float = 20.0
    second_lifetime_mean_days: float = 14.0
    sessions_per_day: float = 0.34
    page_views_per_session: float = 3.0
    clicks_per_session: float = 0.6
    search_per_session: float = 0.15
    typo_page_view: float = 0.002
    naive_timestamp: float = 0.01
    offset_timestamp_users: float = 0.05
    duplicate_lines: float = 0.004
    malformed_lines: float = 0.002

    # -- derived ---------------------------------------------------------------------------
    def p(self, channel: str, definition: str) -> float:
        """P(``definition`` within 14 days of signup | signup through ``channel``)."""
        return self.activation[channel][definition]

    def median_delay_hours(self, channel: str, definition: str) -> float:
        """Median delay from signup among users who activate within 14 days."""
        mean = self.delay_mean_hours[channel][definition]
        cap = 1.0 - math.exp(-ACTIVATION_WINDOW_DAYS * 24.0 / mean)
        return -mean * math.log(1.0 - 0.5 * cap)

    def overall(self, definition: str) -> float:
        """P(activation within 14 days) over all channels, weighted by channel share."""
        return sum(self.channel_share[c] * self.p(c, definition) for c in CHANNELS)

    def second_purchase_within(self, days: float = 30.0) -> float:
        """P(a buyer's second purchase comes within ``days`` of their first)."""
        return self.repeat_purchase * (1.0 - math.exp(-days / self.repeat_gap_days))

    def amount_mean(self) -> float:
        """Mean purchase amount (log-normal)."""
        return self.amount_median * math.exp(self.amount_sigma**2 / 2.0)

    def expected_cac(self, channel: str, definition: str) -> float:
        """Spend per user activated within 14 days, in expectation."""
        return self.cost_per_signup[channel] / self.p(channel, definition)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["derived"] = {
            "median_delay_hours": {
                c: {d: round(self.median_delay_hours(c, d), 3) for d in ACTIVATIONS}
                for c in CHANNELS
            },
            "expected_cac": {
                c: {d: round(self.expected_cac(c, d), 3) for d in ACTIVATIONS} for c in CHANNELS
            },
            "overall_activation": {d: round(self.overall(d), 6) for d in ACTIVATIONS},
            "second_purchase_within_30d": round(self.second_purchase_within(30.0), 6),
            "amount_mean": round(self.amount_mean(), 4),
        }
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlantedRates:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

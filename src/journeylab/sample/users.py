"""One chunk of users → their journey events (vectorised with numpy) and active periods.

Times are integer milliseconds since the epoch. Every function draws from the chunk's own
generator in a fixed order, so a chunk's output depends only on (seed, chunk number).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from journeylab.sample.planted import (
    ACTIVATION_WINDOW_DAYS,
    ACTIVATIONS,
    CHANNELS,
    JOURNEY_EVENTS,
    NOISE_EVENTS,
    PLATFORMS,
    PlantedRates,
)

__all__ = ["NAMES", "CODE", "DATA", "DAY_MS", "Plan", "Chunk", "journeys", "nulls", "uid_text"]

NAMES: tuple[str, ...] = JOURNEY_EVENTS + NOISE_EVENTS
CODE: dict[str, int] = {n: i for i, n in enumerate(NAMES)}
DAY_MS = 86_400_000
#: The ``data`` column holds the wire text that follows ``eventAt``: ``,"data":{...}``;
#: ``eid`` holds ``"eventId":"...",``. Nulls mean "absent".
DATA = ',"data":'
HOUR_MS = 3_600_000
WINDOW_MS = ACTIVATION_WINDOW_DAYS * DAY_MS
COUNTRIES = ("US", "GB", "DE", "FR", "BR", "IN")
COUNTRY_SHARE = (0.35, 0.12, 0.12, 0.10, 0.16, 0.15)
METHODS = ("card", "paypal", "apple_pay", "google_pay")
WIDGETS = ("gizmo", "sprocket", "doohickey", "whatsit")
FRAME_SCHEMA = {
    "uid": pl.Int64,
    "code": pl.UInt8,
    "t": pl.Int64,
    "data": pl.String,
    "eid": pl.String,
}


@dataclass(frozen=True)
class Plan:
    """Everything fixed before the first chunk: the horizon and the signup layout."""

    rates: PlantedRates
    users: int
    start_ms: int
    end_ms: int
    #: signups[d, c]: users signing up on day d through channel c (users are laid out in
    #: day order, channels in CHANNELS order within a day).
    signups: np.ndarray
    #: first user index of each (day, channel) block, flattened; plus the total at the end.
    offsets: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        flat = self.signups.reshape(-1)
        object.__setattr__(self, "offsets", np.concatenate([[0], np.cumsum(flat)]))

    def day_first_user(self, day: np.ndarray) -> np.ndarray:
        return self.offsets[day * len(CHANNELS)]


@dataclass
class Chunk:
    """A chunk's users: attributes, journey frames and active periods."""

    uid: np.ndarray
    channel: np.ndarray
    platform: np.ndarray
    signup: np.ndarray
    active: list[tuple[np.ndarray, np.ndarray, np.ndarray]]  # (user row, from_ms, to_ms)
    frames: list[pl.DataFrame]
    referral_links: int = 0
    self_referrals: int = 0
    existing_user_referrals: int = 0
    #: the plan behind churn and return (journeylab.sample.truth): when each user goes
    #: quiet, whether they come back, and when they would (drawn for every user)
    churn: np.ndarray | None = None
    back: np.ndarray | None = None
    react: np.ndarray | None = None


def nulls(n: int) -> pl.Series:
    """``n`` null strings."""
    return pl.select(pl.repeat(None, n, dtype=pl.String)).to_series()


def uid_text(uid: pl.Expr) -> pl.Expr:
    """User index → ``u`` + 8 digits (indexes are below 10**8)."""
    return pl.concat_str([pl.lit("u"), (uid + 100_000_000).cast(pl.String).str.slice(1)])


def _frame(
    uid: np.ndarray, name: str, t: np.ndarray, data: pl.Series | None, eid: pl.Series | None
) -> pl.DataFrame:
    n = len(uid)
    return pl.DataFrame(
        {
            "uid": uid.astype(np.int64),
            "code": np.full(n, CODE[name], np.uint8),
            "t": t.astype(np.int64),
            "data": data if data is not None else nulls(n),
            "eid": eid if eid is not None else nulls(n),
        },
        schema=FRAME_SCHEMA,
    )


def _eid(prefix: str, uid: np.ndarray, seq: np.ndarray | None = None) -> pl.Series:
    frame = pl.DataFrame({"u": uid.astype(np.int64)})
    expr = pl.lit('"eventId":"' + prefix) + uid_text(pl.col("u"))
    if seq is not None:
        frame = frame.with_columns(s=pl.Series(seq.astype(np.int64)))
        expr = expr + pl.lit("-") + pl.col("s").cast(pl.String)
    return frame.select((expr + pl.lit('",')).alias("e")).to_series()


def _pick(values: list[str], idx: np.ndarray) -> pl.Series:
    return pl.Series(values, dtype=pl.String).gather(pl.Series(idx.astype(np.int64)))


def _amount_json(cents: np.ndarray) -> pl.Expr:
    c = pl.lit(pl.Series(cents.astype(np.int64)))
    return (c // 100).cast(pl.String) + pl.lit(".") + (c % 100).cast(pl.String).str.zfill(2)


def _trunc_exp(rng: np.random.Generator, mean_ms: np.ndarray) -> np.ndarray:
    """Exponential delays truncated to the 14-day window: 1 ms ≤ delay < 14 days."""
    u = rng.random(len(mean_ms))
    cap = 1.0 - np.exp(-WINDOW_MS / mean_ms)
    delay = np.floor(-mean_ms * np.log1p(-u * cap))
    return np.clip(delay, 1, WINDOW_MS - 1).astype(np.int64)


def _late(rng: np.random.Generator, n: int, rates: PlantedRates) -> np.ndarray:
    extra = rng.exponential(rates.late_delay_mean_days * DAY_MS, n)
    return (WINDOW_MS + 60_000 + np.floor(extra)).astype(np.int64)


def journeys(plan: Plan, rng: np.random.Generator, lo: int, hi: int) -> Chunk:
    """Users ``lo..hi-1``: signup, referral, onboarding, activations, purchases, churn."""
    r = plan.rates
    uid = np.arange(lo, hi, dtype=np.int64)
    n = len(uid)
    block = np.searchsorted(plan.offsets, uid, side="right") - 1
    day, channel = np.divmod(block, len(CHANNELS))
    pshare = np.array([r.platform_share[p] for p in PLATFORMS])
    platform = rng.choice(len(PLATFORMS), n, p=pshare / pshare.sum())
    country = rng.choice(len(COUNTRIES), n, p=np.array(COUNTRY_SHARE))
    signup = plan.start_ms + day * DAY_MS + rng.integers(0, DAY_MS, n)
    frames: list[pl.DataFrame] = []

    combos = [
        DATA + f'{{"channel":"{c}","country":"{k}","platform":"{p}"}}'
        for c in CHANNELS
        for p in PLATFORMS
        for k in COUNTRIES
    ]
    combo = (channel * len(PLATFORMS) + platform) * len(COUNTRIES) + country
    frames.append(_frame(uid, "signup", signup, _pick(combos, combo), None))
    legacy = (platform == PLATFORMS.index("android")) & (rng.random(n) < r.legacy_signup_event)
    legacy_data = [DATA + f'{{"channel":"{c}"}}' for c in CHANNELS]
    frames.append(
        _frame(uid[legacy], "Sign Up", signup[legacy], _pick(legacy_data, channel[legacy]), None)
    )

    # Referrals: referral-channel users are linked just before signing up; a few name
    # themselves; a few existing users follow an invite link long after their signup.
    is_ref = channel == CHANNELS.index("referral")
    bound = np.maximum(plan.day_first_user(day), 1)
    referrer = np.floor(rng.random(n) * bound).astype(np.int64)
    self_ref = is_ref & (rng.random(n) < r.self_referral)
    referrer = np.where(self_ref, uid, referrer)
    ref_t = signup - rng.integers(180_000, 1_800_000, n)
    existing = ~is_ref & (rng.random(n) < r.existing_user_referral)
    late_ref_t = signup + rng.integers(DAY_MS, 30 * DAY_MS, n)
    other = rng.integers(0, plan.users, n)
    other = np.where(other == uid, (other + 1) % plan.users, other)
    link = is_ref | existing
    ref_time = np.where(is_ref, ref_t, late_ref_t)
    ref_by = np.where(is_ref, referrer, other)
    ref_data = pl.DataFrame({"r": ref_by[link]}).select(
        pl.lit(DATA + '{"referrerId":"') + uid_text(pl.col("r")) + pl.lit('"}')
    )
    frames.append(_frame(uid[link], "referral", ref_time[link], ref_data.to_series(), None))
    in_horizon = ref_time < plan.end_ms
    referral_links = int((is_ref & in_horizon).sum())
    self_referrals = int((self_ref & in_horizon).sum())
    existing_refs = int((existing & in_horizon).sum())

    # Activations: one Bernoulli per user and definition with the planted probability;
    # a shared uniform correlates the definitions without changing any marginal.
    p = np.array([[r.p(c, d) for d in ACTIVATIONS] for c in CHANNELS])[channel]
    mean = np.array([[r.delay_mean_hours[c][d] for d in ACTIVATIONS] for c in CHANNELS])
    mean_ms = mean[channel] * HOUR_MS
    shared_u = rng.random(n)
    within = np.empty((n, len(ACTIVATIONS)), bool)
    delay = np.empty((n, len(ACTIVATIONS)), np.int64)
    for k in range(len(ACTIVATIONS)):
        shared = rng.random(n) < r.activation_correlation
        v = np.where(shared, shared_u, rng.random(n))
        within[:, k] = v < p[:, k]
        delay[:, k] = _trunc_exp(rng, mean_ms[:, k])
    late_draw = rng.random((n, len(ACTIVATIONS))) < r.late_activation
    late_delay = np.stack([_late(rng, n, r) for _ in ACTIVATIONS], axis=1)

    # Onboarding: profile_completed needs onboarding_started first.
    p_os = np.array([r.onboarding_started[c] for c in CHANNELS])[channel]
    p_pc = p[:, 0]
    q = np.where(p_pc < 1, (p_os - p_pc) / np.maximum(1 - p_pc, 1e-12), 0.0)
    started = within[:, 0] | (rng.random(n) < q)
    os_t = signup + rng.integers(20_000, 600_000, n)
    frames.append(_frame(uid[started], "onboarding_started", os_t[started], None, None))
    tut = started & (rng.random(n) < r.tutorial_completed)
    tut_t = os_t + rng.integers(30_000, 360_000, n)
    frames.append(_frame(uid[tut], "tutorial_completed", tut_t[tut], None, None))

    fired = within | (late_draw & ~within)
    fired[:, 0] &= started
    at = signup[:, None] + np.where(within, delay, late_delay)
    at[:, 0] = np.maximum(at[:, 0], os_t + 1000)
    last = np.maximum(signup, np.where(tut, tut_t, os_t))
    last = np.maximum(last, np.where(existing, late_ref_t, signup))
    for k in range(len(ACTIVATIONS)):
        last = np.maximum(last, np.where(fired[:, k], at[:, k], 0))

    pc = fired[:, 0]
    fields = pl.Series(rng.integers(3, 9, int(pc.sum()))).cast(pl.String)
    frames.append(
        _frame(
            uid[pc],
            "profile_completed",
            at[pc, 0],
            pl.select(pl.lit(DATA + '{"fields":') + pl.lit(fields) + pl.lit("}")).to_series(),
            None,
        )
    )
    pm = fired[:, 1]
    method = [DATA + f'{{"method":"{m}"}}' for m in METHODS]
    pm_data = _pick(method, rng.choice(len(METHODS), int(pm.sum()), p=[0.6, 0.2, 0.12, 0.08]))
    frames.append(
        _frame(uid[pm], "payment_method_updated", at[pm, 1], pm_data, _eid("pm-", uid[pm]))
    )

    # Purchases: the first with the first widget purchase, then a geometric chain.
    buy = fired[:, 2]
    buyers, first_t = uid[buy], at[buy, 2]
    nb = len(buyers)
    widget = rng.choice(len(WIDGETS), nb)
    cents = _cents(rng, r, nb)
    frames.append(
        _frame(
            buyers,
            "first_widget_purchase",
            first_t,
            pl.select(
                pl.lit(DATA + '{"amount":')
                + _amount_json(cents)
                + pl.lit(',"widget":"')
                + pl.lit(_pick(list(WIDGETS), widget))
                + pl.lit('"}')
            ).to_series(),
            _eid("fwp-", buyers),
        )
    )
    repeats = np.minimum(rng.geometric(1.0 - r.repeat_purchase, nb) - 1, r.max_repeat_purchases)
    owner = np.repeat(np.arange(nb), repeats)
    gaps = np.maximum(np.floor(rng.exponential(r.repeat_gap_days * DAY_MS, len(owner))), 1)
    csum = np.cumsum(gaps)
    starts = np.concatenate([[0], np.cumsum(repeats)])[:-1]
    base = np.concatenate([[0.0], csum])[starts][owner]
    seq = np.arange(len(owner)) - starts[owner] + 1
    rep_t = first_t[owner] + (csum - base).astype(np.int64)
    p_uid = np.concatenate([buyers, buyers[owner]])
    p_t = np.concatenate([first_t, rep_t])
    p_seq = np.concatenate([np.zeros(nb, np.int64), seq])
    p_widget = np.concatenate([widget, rng.choice(len(WIDGETS), len(owner))])
    p_cents = np.concatenate([cents, _cents(rng, r, len(owner))])
    p_data = pl.select(
        pl.lit(DATA + '{"amount":')
        + _amount_json(p_cents)
        + pl.lit(',"currency":"USD","item":"')
        + pl.lit(_pick(list(WIDGETS), p_widget))
        + pl.lit('"}')
    ).to_series()
    frames.append(_frame(p_uid, "purchase", p_t, p_data, _eid("pur-", p_uid, p_seq)))
    last_buy = np.zeros(n, np.int64)
    np.maximum.at(last_buy, p_uid - lo, p_t)
    last = np.maximum(last, last_buy)

    # Churn after the last journey event; some come back after a long dormancy.
    churn = last + np.floor(rng.exponential(r.lifetime_mean_days * DAY_MS, n)).astype(np.int64)
    back = rng.random(n) < r.reactivation
    dormancy = r.dormancy_min_days * DAY_MS + rng.exponential(
        r.dormancy_extra_mean_days * DAY_MS, n
    )
    react = churn + np.floor(dormancy).astype(np.int64)
    until = react + np.floor(rng.exponential(r.second_lifetime_mean_days * DAY_MS, n)).astype(
        np.int64
    )
    away = pl.Series(((react - churn) // DAY_MS)[back]).cast(pl.String)
    frames.append(
        _frame(
            uid[back],
            "reactivated",
            react[back],
            pl.select(pl.lit(DATA + '{"daysAway":') + pl.lit(away) + pl.lit("}")).to_series(),
            None,
        )
    )
    rows = np.arange(n)
    active = [(rows, signup, churn), (rows[back], react[back], until[back])]
    return Chunk(
        uid=uid,
        channel=channel,
        platform=platform,
        signup=signup,
        active=active,
        frames=frames,
        referral_links=referral_links,
        self_referrals=self_referrals,
        existing_user_referrals=existing_refs,
        churn=churn,
        back=back,
        react=react,
    )


def _cents(rng: np.random.Generator, r: PlantedRates, n: int) -> np.ndarray:
    x = rng.lognormal(np.log(r.amount_median), r.amount_sigma, n)
    return np.maximum(np.round(x * 100), 99).astype(np.int64)

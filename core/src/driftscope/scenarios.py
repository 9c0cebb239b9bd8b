"""Drift scenarios for the generator: how production data moves away from the training data.

Each scenario takes an `intensity` (0 = no change, 1 = the documented default strength) and
the features it touches; time-dependent ones also take `elapsed_s` since they started.

| scenario    | what changes (intensity k)                                                    |
|-------------|-------------------------------------------------------------------------------|
| none        | nothing                                                                       |
| sudden      | each named numeric feature + k × its reference std (step)                    |
| gradual     | like sudden, ramped linearly from 0 to k over `ramp_s` seconds                |
| seasonal    | hour_of_day rotated by k × 6 h × sin(2π t / period_s)                        |
| categorical | each named categorical: a share 0.5k of rows moved to its drift category; an |
|             | open categorical also gets a new, unseen category in a share 0.15k           |
| concept     | inputs unchanged; the fraud relation turns towards card-present daytime       |
|             | spending the model never learned (mix weight k) → performance drops          |

Derived feature: amount_to_avg_ratio is recomputed from amount and avg_amount_30d, so it
moves with them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from driftscope.contract import FRAUD_CONTRACT
from driftscope.generator import (
    DEFAULT_FRAUD_RATE,
    SIGNAL_SCALE,
    Columns,
    Scenario,
    generate_columns,
    intercept_for_rate,
)

SCENARIOS = ("none", "sudden", "gradual", "seasonal", "categorical", "concept")
DEFAULT_FEATURES: dict[str, tuple[str, ...]] = {
    "none": (),
    "sudden": ("amount", "distance_from_home_km"),
    "gradual": ("avg_amount_30d", "card_age_days"),
    "seasonal": ("hour_of_day",),
    "categorical": ("channel", "merchant_category"),
    "concept": (),
}
# Category that a categorical drift moves rows into, and the new category it introduces.
DRIFT_CATEGORY = {"channel": "online", "merchant_category": "gaming", "country_risk": "high"}
UNSEEN_CATEGORY = {"merchant_category": "crypto_exchange"}


@lru_cache(maxsize=1)
def reference_std() -> dict[str, float]:
    """Standard deviation of each numeric feature on clean generated data (fixed seed)."""
    columns = generate_columns(100_000, seed=99)
    return {
        f.name: float(np.nanstd(columns[f.name].astype(np.float64)))
        for f in FRAUD_CONTRACT.features
        if f.kind in ("numeric", "integer")
    }


def _clip_to_contract(columns: Columns, name: str, rng: np.random.Generator) -> None:
    feature = FRAUD_CONTRACT.feature(name)
    values = np.clip(columns[name], feature.minimum, feature.maximum)
    if feature.kind == "integer":
        # Stochastic rounding keeps the mean shift at k × std; plain rounding would move a
        # small-count feature (txn_count_24h, std ≈ 2.5) by a whole unit, 20 % off.
        values = np.floor(values + rng.random(len(values))).astype(np.int64)
    columns[name] = values


@dataclass
class Shift(Scenario):
    """Sudden (ramp_s = 0) or gradual step of numeric features, in reference standard deviations."""

    intensity: float = 1.0
    features: Sequence[str] = field(default_factory=lambda: DEFAULT_FEATURES["sudden"])
    elapsed_s: float = 0.0
    ramp_s: float = 0.0
    name: str = "sudden"

    @property
    def strength(self) -> float:
        ramp = 1.0 if self.ramp_s <= 0 else min(1.0, max(0.0, self.elapsed_s / self.ramp_s))
        return self.intensity * ramp

    def shift_inputs(self, columns: Columns, rng: np.random.Generator) -> None:
        stds = reference_std()
        for name in self.features:
            columns[name] = columns[name] + self.strength * stds[name]
            _clip_to_contract(columns, name, rng)


@dataclass
class Seasonal(Scenario):
    intensity: float = 1.0
    features: Sequence[str] = ("hour_of_day",)
    elapsed_s: float = 0.0
    period_s: float = 240.0
    name: str = "seasonal"

    def shift_inputs(self, columns: Columns, rng: np.random.Generator) -> None:
        offset = round(self.intensity * 6 * math.sin(2 * math.pi * self.elapsed_s / self.period_s))
        columns["hour_of_day"] = (columns["hour_of_day"] + offset) % 24


@dataclass
class CategoryMix(Scenario):
    intensity: float = 1.0
    features: Sequence[str] = field(default_factory=lambda: DEFAULT_FEATURES["categorical"])
    name: str = "categorical"

    def shift_inputs(self, columns: Columns, rng: np.random.Generator) -> None:
        for name in self.features:
            values = columns[name].copy()
            n = len(values)
            moved = rng.random(n) < min(1.0, 0.5 * self.intensity)
            values[moved] = DRIFT_CATEGORY[name]
            if name in UNSEEN_CATEGORY:
                values[rng.random(n) < min(1.0, 0.15 * self.intensity)] = UNSEEN_CATEGORY[name]
            columns[name] = values


@dataclass
class Concept(Scenario):
    """Same inputs; fraud now follows a pattern the model never saw, mixed in with weight k."""

    intensity: float = 1.0
    features: Sequence[str] = ()
    name: str = "concept"

    def shift_logit(self, logit: np.ndarray, columns: Columns) -> np.ndarray:
        weight = min(1.0, max(0.0, self.intensity))
        return (1 - weight) * logit + weight * (_concept_signal(columns) + _concept_offset())


def _concept_signal(columns: Columns) -> np.ndarray:
    daytime = (columns["hour_of_day"] >= 9) & (columns["hour_of_day"] <= 18)
    card_present = np.isin(columns["channel"], ("pos", "atm"))
    ratio = np.log(np.maximum(columns["amount_to_avg_ratio"], 1e-3))
    return SIGNAL_SCALE * (1.2 * daytime + 1.0 * card_present - 0.6 * np.clip(ratio, -2.0, 4.0))


@lru_cache(maxsize=1)
def _concept_offset() -> float:
    """Intercept giving the new fraud relation the default fraud rate (fixed calibration sample)."""
    columns = generate_columns(100_000, seed=98)
    return intercept_for_rate(_concept_signal(columns), DEFAULT_FRAUD_RATE)


def make_scenario(
    name: str, intensity: float = 1.0, features: Sequence[str] | None = None, elapsed_s: float = 0.0
) -> Scenario:
    """A scenario by name; `features` defaults to the scenario's documented set."""
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario '{name}' (choose from {', '.join(SCENARIOS)})")
    chosen = tuple(features) if features else DEFAULT_FEATURES[name]
    _check_features(name, chosen)
    if name == "sudden":
        return Shift(intensity, chosen, elapsed_s, 0.0, "sudden")
    if name == "gradual":
        return Shift(intensity, chosen, elapsed_s, 180.0, "gradual")
    if name == "seasonal":
        return Seasonal(intensity, chosen, elapsed_s)
    if name == "categorical":
        return CategoryMix(intensity, chosen)
    if name == "concept":
        return Concept(intensity)
    return Scenario()


def _check_features(name: str, features: Sequence[str]) -> None:
    allowed = {
        "sudden": set(reference_std()) if features else set(),
        "gradual": set(reference_std()) if features else set(),
        "categorical": set(DRIFT_CATEGORY),
        "seasonal": {"hour_of_day"},
    }.get(name, set())
    bad = [f for f in features if f not in allowed]
    if bad:
        raise ValueError(
            f"scenario '{name}' cannot drive feature(s) {', '.join(bad)}; allowed: {', '.join(sorted(allowed))}"
        )


# The `auto` demo program: (scenario, seconds). Clean → drift → recovery, repeating, so a demo
# shows something within two minutes.
AUTO_PROGRAM: tuple[tuple[str, float], ...] = (
    ("none", 60.0),
    ("sudden", 120.0),
    ("none", 90.0),
    ("categorical", 120.0),
    ("none", 90.0),
    ("gradual", 240.0),
    ("none", 90.0),
    ("concept", 180.0),
)


def auto_phase(elapsed_s: float) -> tuple[str, float]:
    """(scenario, seconds into it) of the auto program at `elapsed_s` since it started."""
    cycle = sum(seconds for _, seconds in AUTO_PROGRAM)
    t = elapsed_s % cycle
    for name, seconds in AUTO_PROGRAM:
        if t < seconds:
            return name, t
        t -= seconds
    return AUTO_PROGRAM[-1][0], 0.0

"""Seedable, vectorised synthetic card transactions with a latent fraud process."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from driftscope.contract import FRAUD_CONTRACT, MERCHANT_CATEGORIES

if TYPE_CHECKING:
    import pandas as pd

Columns = dict[str, np.ndarray]

CHANNELS = ("pos", "online", "mobile", "atm")
CHANNEL_P = (0.45, 0.30, 0.20, 0.05)
MERCHANT_P = (0.22, 0.18, 0.12, 0.20, 0.06, 0.08, 0.07, 0.07)
MERCHANT_AMOUNT_X = (0.7, 0.9, 1.0, 1.2, 3.0, 2.5, 0.8, 0.6)
RISK_TIERS = ("low", "medium", "high")
RISK_P = (0.85, 0.11, 0.04)
FOREIGN_P_BY_RISK = (0.04, 0.35, 0.70)
HOUR_WEIGHTS = np.array(
    [
        1,
        0.6,
        0.4,
        0.3,
        0.3,
        0.5,
        1.2,
        2.5,
        4,
        5,
        5.5,
        6,
        6.5,
        6,
        5.5,
        5.5,
        6,
        6.5,
        6.5,
        6,
        5,
        4,
        3,
        1.8,
    ]
)
RISKY_MERCHANTS = np.array(
    [c in ("electronics", "gaming", "digital_goods") for c in MERCHANT_CATEGORIES]
)
DEFAULT_FRAUD_RATE = 0.04
# Unobserved part of the fraud process: it caps how well any model can separate the classes
# (tuned so a well-trained XGBoost reaches a test ROC AUC of about 0.92, like real data).
LATENT_NOISE_SD = 1.6
SIGNAL_SCALE = 2.3


class Scenario:
    """Drift hook: transforms generated inputs and/or the fraud relation. The base is no drift."""

    name = "none"

    def shift_inputs(self, columns: Columns, rng: np.random.Generator) -> None:
        """Change input columns in place (covariate drift)."""

    def shift_logit(self, logit: np.ndarray, columns: Columns) -> np.ndarray:
        """Change the fraud log-odds given the inputs (concept drift)."""
        return logit


def _inputs(n: int, rng: np.random.Generator) -> Columns:
    card_age = np.minimum(rng.lognormal(6.5, 1.1, n), 20_000).astype(np.int64)
    channel_idx = rng.choice(len(CHANNELS), n, p=CHANNEL_P)
    merchant_idx = rng.choice(len(MERCHANT_CATEGORIES), n, p=MERCHANT_P)
    risk_idx = rng.choice(len(RISK_TIERS), n, p=RISK_P)
    foreign = rng.random(n) < np.take(FOREIGN_P_BY_RISK, risk_idx)
    hour = rng.choice(24, n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    avg_amount = np.clip(rng.lognormal(3.9, 0.7, n), 1.0, 50_000.0)
    amount = avg_amount * np.take(MERCHANT_AMOUNT_X, merchant_idx) * rng.lognormal(0.0, 0.55, n)
    txn_count = rng.poisson(3.0, n) + rng.poisson(np.where(rng.random(n) < 0.05, 8.0, 0.0))
    since_last = rng.exponential(86_400.0 / (txn_count + 1.0))
    since_last[(rng.random(n) < 0.02) | (card_age < 2)] = np.nan
    distance = rng.lognormal(1.5, 1.3, n) + foreign * rng.uniform(300.0, 6_000.0, n)
    card_not_present = np.isin(channel_idx, (1, 2))
    distance[card_not_present & (rng.random(n) < 0.6)] = np.nan
    return {
        "amount": np.round(np.clip(amount, 0.5, 100_000.0), 2),
        "hour_of_day": hour.astype(np.int64),
        "merchant_category": np.take(np.array(MERCHANT_CATEGORIES, dtype=object), merchant_idx),
        "channel": np.take(np.array(CHANNELS, dtype=object), channel_idx),
        "country_risk": np.take(np.array(RISK_TIERS, dtype=object), risk_idx),
        "distance_from_home_km": np.round(np.clip(distance, 0.0, 20_040.0), 2),
        "seconds_since_last_txn": np.round(np.clip(since_last, 0.0, 31_536_000.0), 1),
        "txn_count_24h": np.minimum(txn_count, 1000).astype(np.int64),
        "avg_amount_30d": np.round(avg_amount, 2),
        "amount_to_avg_ratio": np.zeros(n),  # derived below, after any drift of amounts
        "card_age_days": card_age,
        "is_foreign": foreign,
    }


def _derive(columns: Columns) -> None:
    ratio = columns["amount"] / np.maximum(columns["avg_amount_30d"], 0.01)
    columns["amount_to_avg_ratio"] = np.round(np.clip(ratio, 0.0, 10_000.0), 4)


def fraud_logit(columns: Columns) -> np.ndarray:
    """Observable part of the fraud log-odds (before the base rate and latent noise)."""
    ratio = np.log(np.maximum(columns["amount_to_avg_ratio"], 1e-3))
    hour = columns["hour_of_day"]
    risky_merchant = np.isin(
        columns["merchant_category"], np.array(MERCHANT_CATEGORIES)[RISKY_MERCHANTS]
    )
    distance = np.nan_to_num(columns["distance_from_home_km"], nan=50.0)
    since_last = np.nan_to_num(columns["seconds_since_last_txn"], nan=86_400.0)
    risk = columns["country_risk"]
    return SIGNAL_SCALE * (
        0.9 * np.clip(ratio, -2.0, 4.0)
        + 1.0 * ((hour >= 0) & (hour <= 5))
        + 1.1 * (risk == "high")
        + 0.45 * (risk == "medium")
        + 0.5 * columns["is_foreign"]
        + 0.8 * risky_merchant
        + 0.6 * (columns["channel"] == "online")
        + 0.35 * np.log1p(columns["txn_count_24h"])
        - 0.25 * np.log1p(columns["card_age_days"])
        + 0.25 * np.log1p(distance)
        + 0.7 * (since_last < 120.0)
    )


@lru_cache(maxsize=32)
def _base_offset(fraud_rate: float) -> float:
    """Intercept that yields `fraud_rate` on clean data (fixed calibration sample, bisection)."""
    rng = np.random.default_rng(20_240_601)
    columns = _inputs(200_000, rng)
    _derive(columns)
    logit = fraud_logit(columns) + rng.normal(0.0, LATENT_NOISE_SD, len(columns["amount"]))
    return intercept_for_rate(logit, fraud_rate)


def intercept_for_rate(logit: np.ndarray, rate: float) -> float:
    """The offset b with mean(sigmoid(logit + b)) = rate (bisection; the mean grows with b)."""
    lo, hi = -40.0, 10.0
    for _ in range(60):
        mid = (lo + hi) / 2
        achieved = float(np.mean(1.0 / (1.0 + np.exp(-(logit + mid)))))
        lo, hi = (mid, hi) if achieved < rate else (lo, mid)
    return (lo + hi) / 2


def generate_columns(
    n: int,
    *,
    seed: int | None = None,
    fraud_rate: float = DEFAULT_FRAUD_RATE,
    scenario: Scenario | None = None,
    rng: np.random.Generator | None = None,
) -> Columns:
    """`n` transactions in the fraud contract's columns plus the `is_fraud` label (0/1)."""
    if not 0.0 < fraud_rate < 1.0:
        raise ValueError("fraud_rate must be in (0, 1)")
    rng = rng if rng is not None else np.random.default_rng(seed)
    scenario = scenario or Scenario()
    columns = _inputs(n, rng)
    scenario.shift_inputs(columns, rng)
    _derive(columns)
    logit = fraud_logit(columns) + _base_offset(fraud_rate) + rng.normal(0.0, LATENT_NOISE_SD, n)
    logit = scenario.shift_logit(logit, columns)
    columns[FRAUD_CONTRACT.label] = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)
    return columns


def generate_frame(n: int, **kwargs: object) -> pd.DataFrame:
    """Same as generate_columns, as a DataFrame in contract column order."""
    import pandas as pd  # only here: the API process generates no frames

    columns = generate_columns(n, **kwargs)  # type: ignore[arg-type]
    return pd.DataFrame(
        {name: columns[name] for name in [*FRAUD_CONTRACT.names, FRAUD_CONTRACT.label]}
    )

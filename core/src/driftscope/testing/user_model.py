"""A second tabular model for tests of every process: a flight-delay model made from a CSV.

`flights()` is a learnable frame with numeric, integer, boolean and categorical columns and
missing values; `train_flights()` writes it as a user's CSV, infers its spec exactly as
`driftscope train --data F.csv --target status --name N` does, and registers the trained
version (the first becomes production) beside whatever model the settings already hold.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from driftscope.settings import Settings
from driftscope.training.trainer import TrainConfig, TrainResult, train_and_register
from driftscope.training.user_data import inferred_spec

FLIGHTS_TARGET = "status"


def flights(rows: int = 2_000, seed: int = 3) -> pd.DataFrame:
    """A learnable delay model: longer, multi-stop, weekend flights of carrier C run late."""
    rng = np.random.default_rng(seed)
    distance = rng.uniform(100, 3_000, rows)
    stops = rng.integers(0, 4, rows)
    weekend = rng.random(rows) < 0.3
    carrier = rng.choice(["A", "B", "C"], rows)
    logit = -4.5 + distance / 1_000 + 0.8 * stops + 1.0 * weekend + 1.5 * (carrier == "C")
    delayed = rng.random(rows) < 1 / (1 + np.exp(-logit))
    frame = pd.DataFrame(
        {
            "distance_km": distance.round(1),
            "stops": stops.astype(float),  # written 3.0: still an integer feature
            "weekend": np.where(weekend, "true", "false"),
            "carrier": carrier,
            FLIGHTS_TARGET: np.where(delayed, "delayed", "on_time"),
        }
    )
    frame.loc[rng.random(rows) < 0.05, "distance_km"] = np.nan  # missing values
    return frame


def write_csv(frame: pd.DataFrame, directory: Path, stem: str) -> Path:
    """`frame` written as a user's CSV `<stem>.csv` in `directory` (made if missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{stem}.csv"
    frame.to_csv(path, index=False)
    return path


def flights_csv(directory: Path, rows: int = 2_000, seed: int = 3) -> Path:
    """`flights()` written as a user's CSV in `directory`."""
    return write_csv(flights(rows, seed), directory, f"flights-{rows}-{seed}")


async def train_flights(
    settings: Settings,
    name: str = "flights",
    *,
    rows: int = 2_000,
    seed: int = 3,
    kind: str = "logistic",
) -> TrainResult:
    """Train model `name` on `flights()` and register it as `driftscope train --data` does
    (positive class `delayed`); the first version of `name` becomes production."""
    path = flights_csv(settings.data_dir / "csv", rows, seed)
    spec = inferred_spec(path, FLIGHTS_TARGET, name, "delayed").spec
    config = TrainConfig(data=path, model_name=name, kind=kind, spec=spec, seed=seed)
    return await train_and_register(config, settings)

"""An external (monitor-only) model for tests: the flights data with a served model's scores.

`scored_flights()` adds a `score` column to `driftscope.testing.user_model.flights()`: a noisy,
informative probability of the positive class `delayed`, as a model served elsewhere would
give. `register_external_flights()` registers it as `driftscope models register-external`
does (spec inferred without the score column, profile, threshold, production alias).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db.models import ModelVersion
from driftscope.external import reference_from_csv, register_external
from driftscope.testing.user_model import FLIGHTS_TARGET, flights, write_csv

SCORE_COLUMN = "score"


def scored_flights(rows: int = 2_000, seed: int = 3) -> pd.DataFrame:
    """`flights()` plus `score`: sigmoid(±1.5 + noise) by the label, so ROC AUC ≈ 0.95."""
    frame = flights(rows, seed)
    rng = np.random.default_rng(seed + 1)
    sign = np.where(frame[FLIGHTS_TARGET] == "delayed", 1.0, -1.0)
    frame[SCORE_COLUMN] = (1 / (1 + np.exp(-(1.5 * sign + rng.normal(0, 1.2, rows))))).round(4)
    return frame


def scored_flights_csv(directory: Path, rows: int = 2_000, seed: int = 3) -> Path:
    return write_csv(scored_flights(rows, seed), directory, f"scored-flights-{rows}-{seed}")


async def register_external_flights(
    session: AsyncSession, directory: Path, name: str = "ext-flights", *, rows: int = 2_000
) -> ModelVersion:
    """Register `name` as an external model on a scored flights CSV (caller commits)."""
    path = scored_flights_csv(directory, rows)
    reference = reference_from_csv(
        path, name=name, target=FLIGHTS_TARGET, score_column=SCORE_COLUMN, positive="delayed"
    )
    version, _, _ = await register_external(session, reference)
    return version

"""Drift test fixtures: a large reference drawn from the synthetic generator (contract columns)."""

from __future__ import annotations

import pandas as pd
import pytest

from driftscope.contract import FRAUD_CONTRACT
from driftscope.generator import generate_frame


@pytest.fixture(scope="session")
def reference_frame() -> pd.DataFrame:
    """50,000 clean transactions in the fraud contract's columns (no label)."""
    return generate_frame(50_000, seed=1)[FRAUD_CONTRACT.names]

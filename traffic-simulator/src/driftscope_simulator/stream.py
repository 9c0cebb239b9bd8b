"""Transactions to send: generated in small batches under the scenario in force."""

from __future__ import annotations

import math
from collections import deque
from typing import Any

import numpy as np

from driftscope.contract import FRAUD_CONTRACT
from driftscope.generator import generate_columns
from driftscope.scenarios import auto_phase, make_scenario

Transaction = tuple[dict[str, Any], int]  # (request body, true label)


def _records(columns: dict[str, np.ndarray]) -> list[Transaction]:
    names = FRAUD_CONTRACT.names
    rows = []
    labels = columns[FRAUD_CONTRACT.label].tolist()
    values = [columns[name].tolist() for name in names]
    for i, label in enumerate(labels):
        record = {}
        for name, column in zip(names, values, strict=True):
            v = column[i]
            record[name] = None if isinstance(v, float) and math.isnan(v) else v
        rows.append((record, int(label)))
    return rows


class TransactionStream:
    """Next transaction on demand; the scenario is re-evaluated for every batch."""

    path = "/api/v1/predict"  # the default (fraud) model

    def __init__(self, seed: int | None, batch: int = 50, run_id: str = "") -> None:
        self.rng = np.random.default_rng(seed)
        self.run_id, self.made = run_id, 0
        self.batch = batch
        self.buffer: deque[Transaction] = deque()
        self.scenario, self.intensity, self.fraud_rate = "none", 1.0, 0.04
        self.features: list[str] | None = None
        self.scenario_started = 0.0
        self.phase = "none"

    def configure(
        self,
        scenario: str,
        intensity: float,
        fraud_rate: float,
        features: list[str] | None,
        now: float,
    ) -> None:
        """Apply a new desired state; buffered rows made under the old one are dropped."""
        if (scenario, intensity, fraud_rate, features) != (
            self.scenario,
            self.intensity,
            self.fraud_rate,
            self.features,
        ):
            if scenario != self.scenario:
                self.scenario_started = now
            self.scenario, self.intensity, self.fraud_rate, self.features = (
                scenario,
                intensity,
                fraud_rate,
                features,
            )
            self.buffer.clear()

    async def prepare(self) -> bool:
        return True  # generated on demand: nothing to load

    def next(self, now: float) -> Transaction:
        """The next request body (with a transaction id unique to this run) and its label."""
        if not self.buffer:
            self._refill(now)
        record, label = self.buffer.popleft()
        self.made += 1
        return {**record, "transaction_id": f"sim-{self.run_id}-{self.made}"}, label

    def _refill(self, now: float) -> None:
        elapsed = now - self.scenario_started
        name, features = self.scenario, self.features
        if name == "auto":
            name, elapsed = auto_phase(elapsed)
            features = None
        self.phase = name
        scenario = make_scenario(name, self.intensity, features, elapsed_s=elapsed)
        columns = generate_columns(
            self.batch, fraud_rate=self.fraud_rate, scenario=scenario, rng=self.rng
        )
        self.buffer.extend(_records(columns))

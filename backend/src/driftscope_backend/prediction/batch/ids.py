"""Prediction ids for a block of batch rows, built as bytes in bulk rather than one UUID a row."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass

import numpy as np

from driftscope_backend.prediction.service import TRANSACTION_NAMESPACE


@dataclass(frozen=True)
class PredictionIds:
    """RFC 9562 ids of a block's rows, one 16-byte row each: version 5 from the row's id as
    /predict derives it (so a re-upload logs nothing twice), else time-ordered version 7
    (milliseconds, then random bits: the primary-key index grows at its end, see ids.uuid7)."""

    raw: np.ndarray  # (n, 16) uint8

    def text(self) -> list[str]:
        """The canonical 8-4-4-4-12 form of every row's id."""
        h = self.raw.tobytes().hex()
        return [
            f"{h[i : i + 8]}-{h[i + 8 : i + 12]}-{h[i + 12 : i + 16]}-{h[i + 16 : i + 20]}-"
            f"{h[i + 20 : i + 32]}"
            for i in range(0, len(h), 32)
        ]

    def hex(self, rows: np.ndarray) -> list[str]:
        """The ids of `rows` (a mask or indices) as 32 hex digits: how SQLite stores a Uuid
        column, and a form asyncpg takes."""
        h = self.raw[rows].tobytes().hex()
        return [h[i : i + 32] for i in range(0, len(h), 32)]


def prediction_ids(model_name: str, row_ids: list[str | None]) -> PredictionIds:
    prefix = TRANSACTION_NAMESPACE.bytes + f"{model_name}:".encode()
    millis = (time.time_ns() // 1_000_000).to_bytes(6, "big")
    random = os.urandom(16 * len(row_ids))
    blob = b"".join(
        hashlib.sha1(prefix + row_id.encode(), usedforsecurity=False).digest()[:16]
        if row_id
        else millis + random[16 * i + 6 : 16 * i + 16]
        for i, row_id in enumerate(row_ids)
    )
    raw = np.frombuffer(blob, dtype=np.uint8).reshape(len(row_ids), 16).copy()
    derived = np.fromiter((bool(r) for r in row_ids), dtype=bool, count=len(row_ids))
    raw[:, 6] = (raw[:, 6] & 0x0F) | np.where(derived, 0x50, 0x70).astype(np.uint8)
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # the RFC 4122 variant
    return PredictionIds(raw)

"""The writer marks each logged row kept or not (DRIFTSCOPE_LOG_SAMPLE_RATE): by its id's hash
or its positive decision, and always when no window count covers it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from driftscope.contract import FRAUD_CONTRACT
from driftscope.generator import generate_frame
from driftscope.sampling import keeps_row
from driftscope.settings import Settings
from driftscope_backend.prediction.writer import keep_uncounted

if TYPE_CHECKING:
    from backend.tests.conftest import Api
    from backend.tests.prediction.test_writer import Serve

RATE = 0.2


def transactions(n: int) -> list[dict[str, Any]]:
    frame = generate_frame(n, seed=5)[FRAUD_CONTRACT.names].astype(object)
    return frame.where(frame.notna(), None).to_dict("records")  # type: ignore[no-any-return]


async def logged(api: Api, n: int) -> list[Any]:
    response = await api.predict(transactions(n))
    assert response.status_code == 200, response.text
    await api.flush()
    return await api.predictions()


@pytest.fixture
def sampling(registered_settings: Settings) -> Settings:
    return registered_settings.model_copy(update={"log_sample_rate": RATE})


async def test_rows_are_kept_by_their_hash_or_their_flag(serve: Serve, sampling: Settings) -> None:
    async with serve(sampling) as api:
        rows = await logged(api, 400)

    assert [r.kept for r in rows] == [keeps_row(r.id, r.variant, r.decision, RATE) for r in rows]
    assert any(r.decision for r in rows) and all(r.kept for r in rows if r.decision)
    share = np.mean([r.kept for r in rows if not r.decision])
    assert 0.05 < share < 0.4  # ≈ RATE (binomial, n ≈ 390: sd ≈ 0.02)


async def test_rows_no_count_covers_are_all_kept(serve: Serve, sampling: Settings) -> None:
    async with serve(sampling.model_copy(update={"window_counts": False})) as api:
        rows = await logged(api, 100)

    assert len(rows) == 100 and all(r.kept for r in rows)


async def test_a_rate_of_one_keeps_every_row(serve: Serve, registered_settings: Settings) -> None:
    async with serve(registered_settings) as api:
        rows = await logged(api, 100)

    assert len(rows) == 100 and all(r.kept for r in rows)


def test_only_rows_of_uncounted_versions_are_marked_kept() -> None:
    rows = [
        {"model_name": "fraud", "model_version": 1, "kept": False},  # counted: stays unkept
        {"model_name": "fraud", "model_version": 2, "kept": False},  # no counts row: kept
        {"model_name": "flights", "model_version": 1, "kept": False},  # another model: kept
        {"model_name": "fraud", "model_version": 2, "kept": True},
    ]
    counts = [{"model_name": "fraud", "model_version": 1}]

    assert keep_uncounted(rows, counts) == [1, 2]
    assert [row["kept"] for row in rows] == [False, True, True, True]

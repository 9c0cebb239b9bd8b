"""Batch prediction ids: version 5 from a row's id (as /predict derives it), else version 7."""

from __future__ import annotations

import time
import uuid

from driftscope_backend.prediction.batch.ids import prediction_ids
from driftscope_backend.prediction.service import TRANSACTION_NAMESPACE


def test_rows_without_an_id_get_time_ordered_version_7_ids() -> None:
    before_ms = time.time_ns() // 1_000_000
    made = [uuid.UUID(text) for text in prediction_ids("fraud", [None] * 500).text()]
    after_ms = time.time_ns() // 1_000_000
    assert all(m.version == 7 and m.variant == uuid.RFC_4122 for m in made)
    assert all(before_ms <= m.int >> 80 <= after_ms for m in made)  # the block's millisecond
    assert len(set(made)) == 500
    later = uuid.UUID(prediction_ids("fraud", [None]).text()[0])
    assert later.int >> 80 >= max(m.int >> 80 for m in made)


def test_rows_with_an_id_get_the_version_5_id_predict_derives() -> None:
    [made] = prediction_ids("fraud", ["txn-1"]).text()
    assert uuid.UUID(made) == uuid.uuid5(TRANSACTION_NAMESPACE, "fraud:txn-1")

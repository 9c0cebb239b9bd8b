"""prediction.counting: rows → columns and groups, as the writer counts a flush."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import numpy as np

from driftscope_backend.prediction.counting import counts_rows, feature_columns, prepared

PROFILE = {
    "features": {
        "x": {"type": "numeric", "fine_edges": [0.0, 1.0]},
        "c": {"type": "categorical", "categories": ["a", "b"]},
    },
    "score": {"type": "numeric", "fine_edges": [0.5]},
}


def test_feature_columns_transpose_rows_and_fill_what_a_row_lacks() -> None:
    full = [{"x": 1, "c": "a"}, {"x": 2, "c": "b"}]
    assert feature_columns(full, ["x", "c"]) == {"x": (1, 2), "c": ("a", "b")}
    assert feature_columns(full, ["x"]) == {"x": [1, 2]}
    partial = [{"x": 1}, {"c": "b", "x": None}]
    assert feature_columns(partial, ["x", "c"]) == {"x": [1, None], "c": [None, "b"]}
    assert feature_columns([], ["x", "c"]) == {"x": [], "c": []}
    assert feature_columns(full, []) == {}


def test_prepared_profiles_count_the_same_as_json_ones() -> None:
    ready = prepared(PROFILE)
    assert isinstance(ready["features"]["x"]["fine_edges"], np.ndarray)
    assert ready["features"]["c"] is PROFILE["features"]["c"]
    at = datetime(2026, 12, 6, 3, 0, 4, tzinfo=UTC)
    rows = [
        {
            "model_name": "m",
            "model_version": 1,
            "variant": "production",
            "ts": at.replace(second=s),
            "features": f,
            "score": p,
            "threshold": 0.5,
        }
        for s, f, p in [
            (4, {"x": -1.0, "c": "a"}, 0.2),
            (9, {"x": 0.5, "c": "z"}, 0.7),
            (12, {"x": None, "c": None}, 0.9),  # the next 10 s bucket
        ]
    ]
    batch = uuid.uuid4()
    from_json = counts_rows(rows, {("m", 1): PROFILE}, batch)
    from_ready = counts_rows(rows, {("m", 1): ready}, batch)
    assert from_json == from_ready
    first, second = from_json
    assert (first["bucket"], first["n"], first["source"]) == (at.replace(second=0), 2, "online")
    assert first["counts"]["features"] == {"x": [1, 1, 0, 0], "c": [1, 0, 1, 0]}
    assert (second["bucket"], second["n"]) == (at.replace(second=10), 1)
    assert second["counts"]["features"] == {"x": [0, 0, 0, 1], "c": [0, 0, 0, 1]}
    assert first["id"] != second["id"]

"""Reference profiles: decile edges, counting into fixed bins, and the profile's structure."""

from __future__ import annotations

import numpy as np
import pytest

from driftscope.contract import FRAUD_CONTRACT
from driftscope.generator import generate_columns
from driftscope.profile import build_profile, count_categorical, count_numeric, numeric_edges


def test_numeric_edges_are_the_deciles() -> None:
    values = np.arange(1.0, 102.0)  # 1..101: the q-quantile is 1 + 100 q
    assert numeric_edges(values) == pytest.approx([11, 21, 31, 41, 51, 61, 71, 81, 91])


def test_numeric_edges_drop_duplicates_and_ignore_missing() -> None:
    values = np.array([0.0] * 60 + [5.0] * 30 + list(range(9, 19)) + [np.nan] * 50)
    # Deciles at positions 9.9, 19.8, ..., 89.1 of the 100 finite values: five at 0, then
    # 0.4 of the way from 0 to 5, two at 5, and 0.1 of the way from 5 to 9.
    assert numeric_edges(values) == pytest.approx([0.0, 2.0, 5.0, 5.4])
    # Three distinct values only: a bin per value (edges at all but the smallest).
    assert numeric_edges(np.array([0.0] * 60 + [5.0] * 30 + [9.0] * 10)) == [5.0, 9.0]


def test_numeric_edges_of_all_missing_values_are_empty() -> None:
    assert numeric_edges(np.array([np.nan, np.nan])) == []


def test_count_numeric_open_tails_and_values_on_edges() -> None:
    edges = [1.0, 2.0, 3.0]
    values = np.array([-50.0, 0.99, 1.0, 1.5, 2.0, 2.999, 3.0, 1e9, np.nan, np.nan])
    counts, missing = count_numeric(values, edges)
    # Bins: (-inf, 1), [1, 2), [2, 3), [3, inf): a value on an edge opens the next bin.
    assert counts == [2, 2, 2, 2]
    assert missing == 2


def test_count_numeric_without_edges_is_one_bin() -> None:
    assert count_numeric(np.array([1.0, np.nan, 7.0]), []) == ([2], 1)


def test_count_categorical_counts_known_unseen_and_missing() -> None:
    values = ["pos", "atm", "pos", "carrier_pigeon", None, float("nan"), "online", "fax"]
    counts, unseen, missing = count_categorical(values, ["pos", "online", "mobile", "atm"])
    assert counts == [2, 1, 0, 1]
    assert unseen == 2
    assert missing == 2


def test_build_profile_structure() -> None:
    columns = generate_columns(3_000, seed=5)
    scores = np.linspace(0.0, 1.0, 4_000)
    profile = build_profile(FRAUD_CONTRACT, columns, scores, seed=1)

    assert profile["model_name"] == "fraud"
    assert profile["n"] == 3_000
    assert list(profile["features"]) == FRAUD_CONTRACT.names

    amount = profile["features"]["amount"]
    assert amount["type"] == "numeric"
    assert amount["edges"] == numeric_edges(columns["amount"])
    assert len(amount["counts"]) == len(amount["edges"]) + 1
    assert sum(amount["counts"]) + amount["missing"] == 3_000
    assert amount["mean"] == pytest.approx(columns["amount"].mean())
    assert amount["std"] == pytest.approx(columns["amount"].std())
    assert sum(amount["fine_counts"]) + amount["missing"] == 3_000
    assert len(amount["sample"]) == 2_000
    assert amount["sample"] == sorted(amount["sample"])
    assert set(amount["sample"]) <= set(columns["amount"].tolist())

    distance = profile["features"]["distance_from_home_km"]
    assert distance["missing"] == int(np.isnan(columns["distance_from_home_km"]).sum()) > 0

    channel = profile["features"]["channel"]
    assert channel == {
        "type": "categorical",
        "categories": ["pos", "online", "mobile", "atm"],
        "counts": [
            int((columns["channel"] == c).sum()) for c in ("pos", "online", "mobile", "atm")
        ],
        "unseen": 0,
        "missing": 0,
    }

    foreign = profile["features"]["is_foreign"]
    assert foreign["categories"] == ["false", "true"]
    assert foreign["counts"] == [
        int((~columns["is_foreign"]).sum()),
        int(columns["is_foreign"].sum()),
    ]

    score = profile["score"]
    assert score["type"] == "numeric"
    assert sum(score["counts"]) == 4_000
    assert score["edges"] == pytest.approx(np.quantile(scores, np.linspace(0.1, 0.9, 9)))


def test_build_profile_is_deterministic_per_seed() -> None:
    columns = generate_columns(3_000, seed=5)
    scores = np.linspace(0.0, 1.0, 3_000)
    first = build_profile(FRAUD_CONTRACT, columns, scores, seed=1)
    assert build_profile(FRAUD_CONTRACT, columns, scores, seed=1) == first
    other = build_profile(FRAUD_CONTRACT, columns, scores, seed=2)
    assert other["features"]["amount"]["sample"] != first["features"]["amount"]["sample"]
    assert other["features"]["amount"]["counts"] == first["features"]["amount"]["counts"]

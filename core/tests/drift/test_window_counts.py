"""Window counts: equal to a direct count of the same rows, additive across buckets and replicas,
and the drift decisions they give equal those of the raw rows."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from driftscope.contract import FRAUD_CONTRACT
from driftscope.drift import DriftConfig, compare_counts_to_profile, compare_to_profile
from driftscope.generator import generate_columns
from driftscope.profile import build_profile
from driftscope.scenarios import make_scenario
from driftscope.text.vocabulary import (
    vocabulary_features,
    vocabulary_from_counts,
    vocabulary_profile,
)
from driftscope.window_counts import bucket_of, count_window, merge

NUMERIC = {"type": "numeric", "fine_edges": [0.0, 1.0, 2.5]}
CATEGORICAL = {"type": "categorical", "categories": ["a", "b"]}


def test_numeric_and_categorical_counts_equal_a_direct_count() -> None:
    profile = {"features": {"x": NUMERIC, "c": CATEGORICAL}, "score": NUMERIC}
    columns = {
        "x": [-1.0, 0.0, 0.5, 1.0, 2.5, 9.0, None, float("nan"), "7"],
        "c": ["a", "b", "b", "zzz", None, "a", "a", "q", "b"],
    }
    scores = [0.1, 0.2, None, 3.0, 0.7, 1.0, 0.9, 0.0, 0.6]
    doc = count_window(profile, columns, scores, [0.5] * 9)
    # bins: x < 0 | 0 ≤ x < 1 | 1 ≤ x < 2.5 | ≥ 2.5 | missing ("7" is a number, as JSON may send)
    assert doc["features"]["x"] == [1, 2, 1, 3, 2]
    # a, b, unseen (zzz, q), missing
    assert doc["features"]["c"] == [3, 3, 2, 1]
    assert doc["score"] == [0, 6, 1, 1, 1]
    assert doc["n"] == 9
    flagged = [s for s in scores if s is not None and s >= 0.5]
    unflagged = [s for s in scores if s is not None and s < 0.5]
    assert doc["moments"] == {
        "scored": 8,
        "flagged": len(flagged),
        "p_flagged": pytest.approx(sum(flagged)),
        "p_unflagged": pytest.approx(sum(unflagged)),
    }


def test_a_feature_the_rows_lack_counts_as_missing() -> None:
    doc = count_window({"features": {"x": NUMERIC}, "score": None}, {}, [0.5, 0.5], [0.5, 0.5])
    assert doc["features"]["x"] == [0, 0, 0, 0, 2]
    assert doc["score"] is None


def test_text_words_counted_once_per_message_with_other_cell() -> None:
    entry = {"type": "vocabulary", "tokens": ["free", "money"], "counts": [1, 1, 1]}
    profile = {"features": {}, "score": None, "vocabulary": {"text": entry}}
    texts = ["FREE free money now", "meeting at noon", None, "free lunch lunch"]
    doc = count_window(profile, {"text": texts}, [None] * 4, [0.5] * 4)
    words = doc["words"]["text"]
    # free in 2 messages, money in 1; other: meeting, noon, lunch (stop words "now", "at" out)
    assert words["cells"] == [2, 1, 3]
    assert words["messages"] == 3
    assert words["other"] == {"meeting": 1, "noon": 1, "lunch": 1}


def test_counts_add_up_across_buckets_and_replicas(reference_frame: pd.DataFrame) -> None:
    profile = build_profile(FRAUD_CONTRACT, reference_frame, np.linspace(0, 1, 1000))
    window = generate_columns(3_000, seed=5)
    scores = np.random.default_rng(0).random(3_000)
    columns = {n: list(window[n]) for n in FRAUD_CONTRACT.names}
    whole = count_window(profile, columns, scores.tolist(), [0.5] * 3_000)
    # three replicas, a few buckets each: uneven slices of the same rows
    cuts = [0, 10, 700, 701, 2_000, 3_000]
    parts = [
        count_window(
            profile,
            {n: v[a:b] for n, v in columns.items()},
            scores[a:b].tolist(),
            [0.5] * (b - a),
        )
        for a, b in itertools.pairwise(cuts)
    ]
    summed = merge(parts)
    assert summed is not None
    assert summed["features"] == whole["features"]
    assert summed["score"] == whole["score"]
    assert summed["n"] == whole["n"] == 3_000
    assert summed["moments"]["flagged"] == whole["moments"]["flagged"]
    assert summed["moments"]["p_flagged"] == pytest.approx(whole["moments"]["p_flagged"])
    assert merge([]) is None


def test_merging_counts_of_different_bins_is_refused() -> None:
    a = count_window({"features": {"x": NUMERIC}, "score": None}, {"x": [1.0]}, [None], [0.5])
    b = {**a, "features": {"x": [1, 2]}}
    with pytest.raises(ValueError, match="different bins"):
        merge([a, b])


def test_bucket_floors_to_whole_ten_seconds() -> None:
    ts = datetime(2026, 12, 5, 10, 0, 19, 999_000, tzinfo=UTC)
    assert bucket_of(ts) == datetime(2026, 12, 5, 10, 0, 10, tzinfo=UTC)
    assert bucket_of(datetime(2026, 12, 5, 10, 0, 20, tzinfo=UTC)).second == 20


def _ks_grid_bound(profile_entry: dict[str, object], counts: list[int]) -> float:
    """How far the KS statistic on the fine grid may be from the exact one: the largest share
    of either side in one fine bin (the supremum may sit inside a bin)."""
    ref = np.asarray(profile_entry["fine_counts"], dtype=float)
    cur = np.asarray(counts[:-1], dtype=float)
    return float((ref / ref.sum()).max() + (cur / cur.sum()).max())


@pytest.mark.parametrize(
    ("scenario", "intensity"), [("none", 1.0), ("sudden", 1.0), ("categorical", 1.0)]
)
def test_counts_decisions_equal_raw_rows(scenario: str, intensity: float) -> None:
    reference = generate_columns(20_000, seed=11)
    rng = np.random.default_rng(3)
    ref_scores = rng.beta(1, 12, 20_000)
    profile = build_profile(FRAUD_CONTRACT, reference, ref_scores)
    window = generate_columns(
        6_000, seed=12, scenario=make_scenario(scenario, intensity) if scenario != "none" else None
    )
    shift = 0.05 if scenario != "none" else 0.0
    scores = np.clip(rng.beta(1, 12, 6_000) + shift, 0, 1)
    frame = pd.DataFrame({n: window[n] for n in FRAUD_CONTRACT.names})
    config = DriftConfig()
    raw = compare_to_profile(profile, frame, scores, config=config)
    doc = count_window(profile, frame.to_dict("list"), scores.tolist(), [0.5] * 6_000)
    counted = compare_counts_to_profile(profile, doc, config=config)

    assert counted.drifted_features == raw.drifted_features
    assert counted.n_current == raw.n_current == 6_000
    assert counted.sufficient == raw.sufficient
    for name, feature in raw.features.items():
        twin = counted.features[name]
        assert twin.current_counts == feature.current_counts  # same coarse bins, same counts
        assert twin.psi == pytest.approx(feature.psi, abs=1e-9)
        assert twin.severity == feature.severity
        entry = profile["features"][name]
        if entry["type"] == "numeric":
            ref_values = np.asarray(reference[name], dtype=float)
            cur_values = frame[name].to_numpy(float)
            exact = stats.ks_2samp(
                ref_values[np.isfinite(ref_values)], cur_values[np.isfinite(cur_values)]
            ).statistic
            binned = twin.to_dict()["ks_statistic"]
            assert abs(binned - exact) <= _ks_grid_bound(entry, doc["features"][name]) + 1e-12
    assert counted.prediction is not None and raw.prediction is not None
    assert counted.prediction.psi == pytest.approx(raw.prediction.psi, abs=1e-9)
    assert counted.prediction.drifted == raw.prediction.drifted
    if scenario == "none":
        assert counted.drifted_features == []
    else:
        assert counted.drifted_features


def test_vocabulary_from_counts_equals_raw_texts() -> None:
    rng = np.random.default_rng(1)
    vocab = ["invoice", "meeting", "lunch", "report", "budget", "friday", "team", "deadline"]
    spam = ["free", "winner", "click", "prize", "cash"]

    def messages(n: int, spam_share: float) -> list[str]:
        out = []
        for _ in range(n):
            pool = spam if rng.random() < spam_share else vocab
            out.append(" ".join(rng.choice(pool, size=5)))
        return out

    reference = messages(2_000, 0.05)
    profile = {"features": {}, "score": None, "vocabulary": {"text": vocabulary_profile(reference)}}
    window = messages(1_500, 0.4)
    config = DriftConfig()
    raw = vocabulary_features(profile, {"text": window}, config)[0]
    halves = [
        count_window(profile, {"text": part}, [None] * len(part), [0.5] * len(part))
        for part in (window[:600], window[600:])
    ]
    doc = merge(halves)
    assert doc is not None
    counted = vocabulary_from_counts(profile, doc, config)[0]
    assert counted.current_counts == raw.current_counts
    assert counted.p_value == pytest.approx(raw.p_value, rel=1e-12)
    assert math.isclose(counted.psi, raw.psi, abs_tol=1e-12)
    assert counted.p_value < 1e-6

"""Which segment moved: hand-computed contributions, BH control on clean data."""

from __future__ import annotations

import math

import numpy as np
import pytest

from driftscope.drift.psi import psi, psi_terms
from driftscope.drift.segments import bin_labels, moved_segments, segment_features


def categorical(ref: list[int], cur: list[int], bins: list[str]) -> dict[str, object]:
    return {"kind": "categorical", "bins": bins, "reference_counts": ref, "current_counts": cur}


MERCHANT = categorical([90, 10, 0], [60, 10, 30], ["grocery", "gaming", "crypto_exchange"])


def test_psi_terms_sum_to_the_psi() -> None:
    ref, cur = [90, 10, 0], [60, 10, 30]
    assert psi_terms(ref, cur).sum() == pytest.approx(psi(ref, cur))
    assert (psi_terms(ref, cur) >= 0).all()


def test_a_new_category_is_ranked_first_with_its_hand_computed_contribution() -> None:
    # Smoothed shares (count + 0.5) / 101.5: crypto 0.5 → 30.5, grocery 90.5 → 60.5.
    crypto = (30.5 - 0.5) / 101.5 * math.log(30.5 / 0.5)  # 1.2150
    grocery = (60.5 - 90.5) / 101.5 * math.log(60.5 / 90.5)  # 0.1190
    first, second = moved_segments({"merchant_category": MERCHANT})
    assert (first.segment, first.contribution) == ("crypto_exchange", pytest.approx(crypto))
    assert (second.segment, second.contribution) == ("grocery", pytest.approx(grocery))
    assert first.describe() == "merchant_category = crypto_exchange: 0% → 30% of traffic"
    # All 30 crypto rows fell on the current side, where half the rows are: p = 2 · 0.5^30.
    assert first.p_value == pytest.approx(2 * 0.5**30)


def test_an_unchanged_bin_is_not_a_segment() -> None:
    assert "gaming" not in {s.segment for s in moved_segments({"m": MERCHANT}, top=None)}


def test_numeric_bins_are_labelled_by_their_edges() -> None:
    amount = {
        "kind": "numeric",
        "bins": [10.0, 100.0],
        "reference_counts": [500, 400, 100, 0],
        "current_counts": [450, 250, 300, 0],
    }
    assert bin_labels(amount) == ["< 10", "10 – 100", "≥ 100", "(missing)"]
    top = moved_segments({"amount": amount}, top=1)[0]
    assert top.describe() == "amount ≥ 100: 10% → 30% of traffic"


def clean_window(rng: np.random.Generator, shares: np.ndarray) -> dict[str, dict[str, object]]:
    """One feature per row of `shares`: 20,000 reference and 1,000 current rows drawn from it."""
    return {
        f"f{i}": categorical(
            rng.multinomial(20_000, share).tolist(),
            rng.multinomial(1_000, share).tolist(),
            [f"c{j}" for j in range(len(share))],
        )
        for i, share in enumerate(shares)
    }


def test_clean_windows_name_no_culprit() -> None:
    # 40 windows of 12 features × 8 bins drawn from the reference distribution itself.
    rng = np.random.default_rng(0)
    shares = rng.dirichlet(np.ones(8), size=12)
    with_segments = sum(bool(moved_segments(clean_window(rng, shares))) for _ in range(40))
    assert with_segments <= 2  # BH at 0.05 across 96 segments: ≈ 5 % of windows at most


def test_an_injected_shift_in_one_category_among_many_features_is_found_first() -> None:
    rng = np.random.default_rng(1)
    features = clean_window(rng, rng.dirichlet(np.ones(8), size=12))
    cur = np.array(features["f7"]["current_counts"])  # type: ignore[arg-type]
    cur[3] += 150  # 150 extra rows in one category
    features["f7"]["current_counts"] = cur.tolist()
    top = moved_segments(features)[0]
    assert (top.feature, top.segment) == ("f7", "c3")


def test_missing_counts_or_empty_sides_are_skipped() -> None:
    empty = categorical([0, 0], [3, 4], ["a", "b"])
    assert moved_segments({"e": empty, "x": {"kind": "categorical", "bins": []}}) == []


def test_a_score_band_shift_is_a_segment() -> None:
    prediction = {
        "kind": "numeric",
        "bins": [0.1, 0.5],
        "reference_counts": [900, 80, 20, 0],
        "current_counts": [700, 100, 200, 0],
    }
    features = {"merchant_category": categorical([50, 50], [52, 48], ["a", "b"])}
    top = moved_segments(features, prediction=prediction)[0]
    assert top.describe() == "score ≥ 0.5: 2% → 20% of traffic"


def test_rules_hit_is_named_yes_or_no() -> None:
    rules_hit = {
        "kind": "numeric",
        "bins": [1.0],
        "reference_counts": [950, 50, 0],
        "current_counts": [600, 400, 0],
    }
    segments = moved_segments({"text.rules_hit": rules_hit}, top=None)
    assert [s.describe() for s in segments] == [
        "text.rules_hit = yes: 5% → 40% of traffic",
        "text.rules_hit = no: 95% → 60% of traffic",
    ]


def test_rules_hit_binned_in_one_bin_stays_as_it_was() -> None:
    # A profile whose edges are [0]: zeros and ones share the bin "≥ 0" — no yes / no to name.
    rules_hit = {
        "kind": "numeric",
        "bins": [0.0],
        "reference_counts": [0, 1000, 0],
        "current_counts": [0, 1000, 0],
    }
    assert segment_features({"text.rules_hit": rules_hit})["text.rules_hit"] == rules_hit

"""Vocabulary drift: presence counts, the χ² across top-k + "other" (by hand and against scipy),
the overdispersion correction, and the words that moved."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from scipy import stats

from driftscope.drift.vocabulary import (
    VocabularyReference,
    cells,
    dispersion,
    new_words,
    presence_counts,
    vocabulary_test,
)


def test_a_message_counts_each_word_once() -> None:
    counts, n = presence_counts([["free", "free", "cash"], ["cash"], []])
    assert n == 3
    assert counts == Counter({"free": 1, "cash": 2})


def test_other_holds_every_presence_outside_the_top_words() -> None:
    counts = Counter({"free": 4, "cash": 3, "meeting": 2, "patch": 1})
    assert cells(counts, ["free", "cash"]) == [4, 3, 3]
    assert cells(counts, ["absent"]) == [0, 10]


def test_by_hand() -> None:
    # Table (10, 20, 70 | 20, 10, 70): row totals 100, expected 15, 15, 70 in both rows, so
    # χ² = 4 · 5²/15 = 6.667 on 2 dof, whose survival function is exp(−x/2).
    result = vocabulary_test(
        [10, 20, 70], [20, 10, 70], tokens=["free", "patch"], messages=(50, 40)
    )
    assert result.raw_statistic == pytest.approx(20 / 3)
    assert result.statistic == pytest.approx(20 / 3)
    assert result.dof == 2
    assert result.p_value == pytest.approx(math.exp(-10 / 3))
    assert result.drifted  # 0.036 < 0.05
    free, patch = result.moved  # "free" moved most: 0.2 → 0.5 of messages
    assert (free.token, free.reference_share, free.current_share) == ("free", 0.2, 0.5)
    assert free.difference == pytest.approx(0.3)
    assert free.log_ratio == pytest.approx(math.log((20.5 / 41) / (10.5 / 51)))
    assert (patch.token, patch.reference_share, patch.current_share) == ("patch", 0.4, 0.25)
    assert patch.difference == pytest.approx(-0.15)


def test_dispersion_divides_the_statistic() -> None:
    result = vocabulary_test(
        [10, 20, 70], [20, 10, 70], tokens=["free", "patch"], messages=(50, 40), dispersion=2.0
    )
    assert result.statistic == pytest.approx(10 / 3)
    assert result.raw_statistic == pytest.approx(20 / 3)
    assert result.p_value == pytest.approx(math.exp(-5 / 3))
    assert not result.drifted


@pytest.mark.parametrize(
    ("ref", "cur"),
    [([120, 80, 40, 760], [30, 25, 5, 140]), ([5, 0, 9, 50], [1, 7, 2, 30])],
)
def test_equals_scipy(ref: list[int], cur: list[int]) -> None:
    expected = stats.chi2_contingency(np.array([ref, cur]), correction=False)
    tokens = [f"w{i}" for i in range(len(ref) - 1)]
    result = vocabulary_test(ref, cur, tokens=tokens, messages=(400, 90))
    assert result.raw_statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-9)
    assert result.dof == expected.dof


def test_an_empty_window_is_no_evidence() -> None:
    result = vocabulary_test([10, 20, 70], [0, 0, 0], tokens=["a", "b"], messages=(50, 0))
    assert (result.statistic, result.p_value, result.dof, result.drifted) == (0.0, 1.0, 0, False)
    assert [m.current_share for m in result.moved] == [0.0, 0.0]


def test_top_words_are_the_most_common_with_ties_alphabetical() -> None:
    messages = [["zeta", "alpha"], ["zeta", "beta"], ["alpha", "beta", "gamma"], ["zeta"]]
    reference = VocabularyReference.from_messages(messages, k=2)
    assert reference.tokens == ["zeta", "alpha"]  # zeta in 3; alpha and beta in 2, alpha first
    assert reference.counts == [3, 2, 3]  # beta 2 + gamma 1 are "other"
    assert reference.messages == 4
    assert VocabularyReference.from_profile(reference.to_profile()) == reference


def test_independent_words_have_no_overdispersion() -> None:
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(20)]
    messages = [[words[i]] for i in rng.integers(0, 20, size=4_000)]
    assert dispersion(messages, words[:10]) == pytest.approx(1.0, abs=0.3)


def test_words_that_travel_together_are_overdispersed() -> None:
    # Every message carries a whole topic: its four words move as one, so the presence counts of
    # a topic's words vary together, well beyond what independent draws allow (χ²/dof ≈ 1).
    rng = np.random.default_rng(4)
    topics = [[f"t{t}w{i}" for i in range(4)] for t in range(6)]
    messages = [topics[t] for t in rng.integers(0, 6, size=2_000)]
    tokens = [w for topic in topics[:3] for w in topic]
    assert dispersion(messages, tokens) > 1.5


def test_new_words_are_the_windows_common_words_outside_the_top_k() -> None:
    window = Counter({"free": 9, "viagra": 6, "crypto": 6, "once": 1, "patch": 3})
    found = new_words(window, 10, ["free", "patch"], limit=5, min_count=2)
    assert [(m.token, m.current_share, m.reference_share) for m in found] == [
        ("crypto", 0.6, None),
        ("viagra", 0.6, None),
    ]

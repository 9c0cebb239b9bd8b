"""Vocabulary drift of a text feature: its words (any script), its profile, its drift per window
decided with the other features, and the content model's profile on the real corpus."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from driftscope.drift import DriftConfig, NumericReference, compare, compare_to_profile
from driftscope.drift.segments import moved_segments
from driftscope.drift.vocabulary import vocabulary_test
from driftscope.testing.content_model import ContentArtifact
from driftscope.text.features import normalise, words_of
from driftscope.text.serving import LOGGED_TEXT_CHARS
from driftscope.text.vocabulary import (
    MAX_MESSAGES,
    message_words,
    vocabulary_drift,
    vocabulary_profile,
)

HAM = ["patch for the build", "build fails on arm", "review the patch please", "meeting notes"]
SPAM = ["free cash now", "cash prize free", "free free viagra", "crypto cash"]


def test_words_are_unicode_runs_without_stop_words_digits_or_single_letters() -> None:
    text = "Привет мир! 東京 café — the 2003 a x Ünïcode 🎉 FREE"
    assert message_words(text) == ["привет", "мир", "東京", "café", "ünïcode", "free"]
    assert message_words("") == []
    assert message_words("🎉 !!! 42") == []


@pytest.mark.parametrize(
    "text",
    [
        "Straße  GROSS\tÉcole",
        "日本語のテキスト、東京",
        "a_b  x-y 3d 42 İstanbul",
        "\x00\u200bzero\u200bwidth",
    ],
)
def test_the_words_are_the_tokenisers(text: str) -> None:
    tokeniser = [w for w in words_of(normalise(text)) if len(w) > 1 and not w.isdigit()]
    assert message_words(text) == [w for w in tokeniser if w not in ENGLISH_STOP_WORDS]


def test_texts_are_cut_to_what_a_prediction_logs() -> None:
    long = "alpha " * (LOGGED_TEXT_CHARS // 6) + "omega"
    assert "omega" not in message_words(long)


def test_the_profile_counts_messages_per_word() -> None:
    entry = vocabulary_profile(HAM, k=2)
    assert entry["type"] == "vocabulary"
    assert entry["tokens"] == ["build", "patch"]
    # "other": arm, fails, review, meeting, notes — one presence each ("please" is a stop word)
    assert (entry["counts"], entry["messages"]) == ([2, 2, 5], 4)
    assert entry["dispersion"] >= 1.0


def test_a_window_of_new_words_moves_the_vocabulary() -> None:
    entry = vocabulary_profile(HAM, k=2)
    window = pd.Series([*SPAM, None])  # a row without text is not a message
    drift = vocabulary_drift("text", entry, window, DriftConfig())
    assert drift.name == "text.vocabulary" and drift.kind == "categorical"
    assert drift.bins == ["build", "patch", "(other)"]
    # free, cash | cash, prize, free | free, viagra | crypto, cash: 9 presences, none top-k
    assert drift.current_counts == [0, 0, 9]
    assert drift.n_current == 4
    expected = vocabulary_test(
        [2, 2, 5],
        [0, 0, 9],
        tokens=["build", "patch"],
        messages=(4, 4),
        dispersion=entry["dispersion"],
    )
    assert drift.p_value == pytest.approx(expected.p_value)
    details = drift.vocabulary
    assert details is not None
    assert [(m["token"], m["reference_share"], m["current_share"]) for m in details["moved"]] == [
        ("build", 0.5, 0.0),
        ("patch", 0.5, 0.0),
    ]
    assert [(m["token"], m["current_share"]) for m in details["new_words"]] == [
        ("cash", 0.75),
        ("free", 0.75),
    ]


def _profile(texts: list[str]) -> dict[str, Any]:
    """A content-like profile of `texts`: one descriptor (characters) and the vocabulary."""
    chars = NumericReference.from_values([len(t) for t in texts])
    return {
        "n": len(texts),
        "features": {"text.chars": chars.to_profile(np.random.default_rng(0))},
        "score": None,
        "vocabulary": {"text": vocabulary_profile(texts, k=4)},
    }


@pytest.mark.parametrize(("window", "drifted"), [(HAM * 50, False), (SPAM * 50, True)])
def test_vocabulary_drift_is_decided_like_any_feature(window: list[str], drifted: bool) -> None:
    profile = _profile(HAM * 50)
    current = pd.DataFrame({"text": window, "text.chars": [len(t) for t in window]})
    extra = vocabulary_drift("text", profile["vocabulary"]["text"], current["text"], DriftConfig())
    report = compare_to_profile(profile, current, extra=[extra])
    feature = report.features["text.vocabulary"]
    assert feature.drifted is drifted
    assert feature.q_value >= feature.p_value  # adjusted with the descriptor's p-value
    assert ("text.vocabulary" in report.drifted_features) is drifted
    assert feature.to_dict()["vocabulary"]["moved"]


def test_words_are_not_segments_of_the_window() -> None:
    # a word's cell counts presences, not rows: "what moved" would misstate its share
    profile = _profile(HAM * 50)
    window = SPAM * 50
    current = pd.DataFrame({"text": window, "text.chars": [len(t) for t in window]})
    extra = vocabulary_drift("text", profile["vocabulary"]["text"], current["text"], DriftConfig())
    stored = compare_to_profile(profile, current, extra=[extra]).to_dict()["features"]
    assert stored["text.vocabulary"]["drifted"]
    assert {s.feature for s in moved_segments(stored, top=None)} == {"text.chars"}


def test_other_features_store_no_vocabulary_key() -> None:
    frame = pd.DataFrame({"amount": [float(i) for i in range(200)]})
    stored = compare(frame, frame).features["amount"].to_dict()
    assert "vocabulary" not in stored and stored["psi"] == pytest.approx(0.0)


def test_the_content_model_profiles_the_top_50_real_words(trained_content: ContentArtifact) -> None:
    entry = trained_content.trained.profile["vocabulary"]["text"]
    assert len(entry["tokens"]) == 50 and len(entry["counts"]) == 51
    assert all(message_words(t) == [t] for t in entry["tokens"])  # real words, kept by the filter
    assert entry["counts"][:50] == sorted(entry["counts"][:50], reverse=True)
    assert entry["counts"][0] <= entry["messages"]


def test_a_large_window_is_sampled_evenly() -> None:
    entry = vocabulary_profile(HAM, k=2)
    # twice the cap, the first half about builds, the second about patches: every second text,
    # so both halves of the window are still seen, half each
    window = pd.Series(["build"] * MAX_MESSAGES + ["patch"] * MAX_MESSAGES)
    drift = vocabulary_drift("text", entry, window, DriftConfig())
    assert drift.n_current == MAX_MESSAGES
    assert drift.current_counts == [MAX_MESSAGES // 2, MAX_MESSAGES // 2, 0]

"""Vocabulary drift of a text feature: its reference profile at training, its drift per window.

Words are the tokeniser's (`features.words_of`: runs of Unicode word characters, any script,
lower-cased), without English stop words, one-character words and pure numbers: those fill
any top-k list while telling nothing ("the", "a", "2002"). Texts are cut to what a prediction
logs (`LOGGED_TEXT_CHARS`) on both sides, so long mail does not weigh more in the reference
than in the window. The result is one more feature of the report, `<feature>.vocabulary`
(categorical cells: the top-k words + "other"), decided like the others: its p-value joins the
window's Benjamini–Hochberg family and its PSI (see `_effect`) must pass the floor plus the
no-drift bias, scaled by the reference's overdispersion.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from driftscope.drift.engine import DriftConfig
from driftscope.drift.psi import PSIResult, psi_test
from driftscope.drift.report import FeatureDrift
from driftscope.drift.vocabulary import (
    OTHER,
    TOP_K,
    VocabularyReference,
    cells,
    new_words,
    presence_counts,
    vocabulary_test,
)
from driftscope.text.serving import LOGGED_TEXT_CHARS

SUFFIX = "vocabulary"
_WORDS = re.compile(r"\w{2,}")  # maximal runs of word characters, as `features.words_of`
MAX_MESSAGES = 5_000  # per window: beyond, an even sample (cost ≤ ≈ 0.4 s a window)


def message_words(text: str) -> list[str]:
    """The words of one text that vocabulary drift counts: the tokeniser's words
    (`words_of(normalise(text))`) of two characters or more, found in one pass."""
    words = _WORDS.findall(text[:LOGGED_TEXT_CHARS].lower())
    return [w for w in words if not w.isdigit() and w not in ENGLISH_STOP_WORDS]


def vocabulary_profile(texts: Iterable[str], k: int = TOP_K) -> dict[str, Any]:
    """The profile entry of a text feature: its top-k words, their counts, the dispersion."""
    return VocabularyReference.from_messages([message_words(t) for t in texts], k).to_profile()


def _texts(values: Any, limit: int = MAX_MESSAGES) -> list[str]:
    """The window's texts (rows without one left out); above `limit`, every k-th of them."""
    texts = [v for v in pd.Series(values, dtype=object).tolist() if isinstance(v, str)]
    step = -(-len(texts) // limit)  # ceiling division
    return texts[::step] if step > 1 else texts


def _effect(reference_cells: list[int], current_cells: list[int]) -> PSIResult:
    """The larger PSI (past its own no-drift bias) of the mix among the top-k words and of all
    k+1 cells: "other" holds most presences, so the full PSI hides a shift among the top words,
    while the mix alone cannot see the top words vanishing altogether (another channel)."""
    mix = psi_test(reference_cells[:-1], current_cells[:-1])
    full = psi_test(reference_cells, current_cells)
    return max(mix, full, key=lambda r: r.statistic - r.bias)


def vocabulary_drift(
    feature: str, entry: Mapping[str, Any], values: Any, config: DriftConfig
) -> FeatureDrift:
    """The undecided `<feature>.vocabulary` drift of a window's texts (`drift.engine.decide`
    adds q-value, thresholds and the verdict, as for any feature)."""
    reference = VocabularyReference.from_profile(dict(entry))
    current, n_current = presence_counts(message_words(t) for t in _texts(values))
    return vocabulary_decision(
        feature, reference, cells(current, reference.tokens), n_current, current, config
    )


def vocabulary_decision(
    feature: str,
    reference: VocabularyReference,
    current_cells: list[int],
    n_current: int,
    current: Mapping[str, int],
    config: DriftConfig,
) -> FeatureDrift:
    """The undecided drift of a window's vocabulary cells (`current`: its word presence
    counts, at least those outside the reference top-k, for the new-word list)."""
    result = vocabulary_test(
        reference.counts,
        current_cells,
        tokens=reference.tokens,
        messages=(reference.messages, n_current),
        dispersion=reference.dispersion,
        alpha=config.alpha,
    )
    result = replace(result, new_words=new_words(Counter(current), n_current, reference.tokens))
    effect = _effect(reference.counts, current_cells)
    return FeatureDrift.undecided(
        f"{feature}.{SUFFIX}",
        "categorical",
        "vocabulary_chi2",
        psi=float(effect.statistic),
        psi_bias=float(effect.bias * reference.dispersion),
        p_value=result.p_value,
        n_reference=reference.messages,
        n_current=n_current,
        chi2_statistic=result.statistic,
        bins=[*reference.tokens, OTHER],
        reference_counts=list(reference.counts),
        current_counts=current_cells,
        vocabulary=result.to_dict(),
    )


def vocabulary_features(
    profile: Mapping[str, Any], current: Mapping[str, Any] | pd.DataFrame, config: DriftConfig
) -> list[FeatureDrift]:
    """Vocabulary drift of every text feature the profile has a vocabulary for."""
    entries: Mapping[str, Any] = profile.get("vocabulary") or {}
    return [vocabulary_drift(name, entry, current[name], config) for name, entry in entries.items()]


def vocabulary_from_counts(
    profile: Mapping[str, Any], counts: Mapping[str, Any], config: DriftConfig
) -> list[FeatureDrift]:
    """`vocabulary_features` of a window given as its counts (`driftscope.window_counts`)."""
    entries: Mapping[str, Any] = profile.get("vocabulary") or {}
    words: Mapping[str, Any] = counts.get("words") or {}
    return [
        vocabulary_decision(
            name,
            VocabularyReference.from_profile(dict(entry)),
            list(words[name]["cells"]),
            int(words[name]["messages"]),
            words[name]["other"],
            config,
        )
        for name, entry in entries.items()
        if name in words
    ]

"""Vocabulary drift: a χ² test across the reference's top-k words + "other", and the words that moved.

Unit: a message counts each distinct word once ("presence"), so a spam repeating a word forty
times weighs like one that says it once. Cells: the reference's top-k words (by the share of
messages containing them) and "other" (the presence counts of every other word), k+1 in all.

Shares shown per word are *document shares*: the share of messages that contain it — what an
analyst reads ("'click' is in 31% of this window's messages, 4% of the reference's").

Words of one message are not independent draws (a message about a meeting brings several
meeting words), so a plain χ² over presence counts rejects too often. The reference measures
its own overdispersion φ: the χ² per degree of freedom between random halves of itself (≥ 1).
The test divides the statistic by φ (the quasi-likelihood correction), and PSI's no-drift bias
is scaled by φ likewise, so the effect floor holds at any window size.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from driftscope.drift.chi2 import chi2_test

TOP_K = 50
OTHER = "(other)"
SMOOTHING = 0.5  # added to word counts in the log-ratio, so a word absent on one side is finite


def presence_counts(messages: Iterable[Iterable[str]]) -> tuple[Counter[str], int]:
    """(messages containing each word, number of messages) of messages given as their words."""
    counts: Counter[str] = Counter()
    n = 0
    for words in messages:
        counts.update(set(words))
        n += 1
    return counts, n


def cells(counts: Counter[str], tokens: Sequence[str]) -> list[int]:
    """Presence counts of `tokens`, then "other": every other word's presence count."""
    top = [counts.get(t, 0) for t in tokens]
    return [*top, sum(counts.values()) - sum(top)]


def dispersion(per_message: Sequence[Sequence[str]], tokens: Sequence[str], seed: int = 0) -> float:
    """Overdispersion of presence counts: mean χ²/dof between random halves of the reference
    (five splits), at least 1."""
    rng = np.random.default_rng(seed)
    ratios = []
    for _ in range(5):
        order = rng.permutation(len(per_message))
        half = len(order) // 2
        a, _ = presence_counts(per_message[i] for i in order[:half])
        b, _ = presence_counts(per_message[i] for i in order[half:])
        result = chi2_test(cells(a, tokens), cells(b, tokens))
        if result.dof:
            ratios.append(result.statistic / result.dof)
    return max(1.0, float(np.mean(ratios))) if ratios else 1.0


@dataclass(frozen=True)
class VocabularyReference:
    tokens: list[str]  # the top-k words, most common first
    counts: list[int]  # messages containing each, then "other"'s presence count
    messages: int
    dispersion: float = 1.0

    @classmethod
    def from_messages(
        cls, per_message: Sequence[Sequence[str]], k: int = TOP_K, seed: int = 0
    ) -> VocabularyReference:
        """Top-k words of messages given as their words (ties: alphabetical, so it is stable)."""
        counts, n = presence_counts(per_message)
        tokens = [w for w, _ in sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))[:k]]
        return cls(tokens, cells(counts, tokens), n, dispersion(per_message, tokens, seed))

    @classmethod
    def from_profile(cls, entry: dict[str, Any]) -> VocabularyReference:
        return cls(entry["tokens"], entry["counts"], entry["messages"], entry["dispersion"])

    def to_profile(self) -> dict[str, Any]:
        return {"type": "vocabulary", **asdict(self)}


@dataclass(frozen=True)
class WordMove:
    token: str
    reference_share: float | None  # share of reference messages containing it (None: not top-k)
    current_share: float
    difference: float  # current − reference share
    log_ratio: float | None  # ln(current / reference share), smoothed


@dataclass(frozen=True)
class VocabularyResult:
    statistic: float  # χ² divided by the dispersion
    raw_statistic: float
    dof: int
    p_value: float
    dispersion: float
    drifted: bool  # p_value < alpha
    moved: list[WordMove]  # reference top-k words, most moved first
    new_words: list[WordMove] = field(default_factory=list)  # window's top words not in top-k

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _share(count: float, n: int) -> float:
    return count / n if n else 0.0


def _log_ratio(current: float, n_current: int, reference: float, n_reference: int) -> float:
    cur = (current + SMOOTHING) / (n_current + 2 * SMOOTHING)
    ref = (reference + SMOOTHING) / (n_reference + 2 * SMOOTHING)
    return math.log(cur / ref)


def word_moves(
    tokens: Sequence[str],
    reference_counts: Sequence[int],
    current_counts: Sequence[int],
    messages: tuple[int, int],
) -> list[WordMove]:
    """Per top-k word: reference vs current document share, by |difference|, largest first."""
    n_ref, n_cur = messages
    moves = [
        WordMove(
            t,
            _share(r, n_ref),
            _share(c, n_cur),
            _share(c, n_cur) - _share(r, n_ref),
            _log_ratio(c, n_cur, r, n_ref),
        )
        for t, r, c in zip(tokens, reference_counts, current_counts, strict=False)
    ]
    return sorted(moves, key=lambda m: (-abs(m.difference), m.token))


def new_words(
    current: Counter[str], n_current: int, known: Iterable[str], limit: int = 10, min_count: int = 2
) -> list[WordMove]:
    """The window's most common words outside the reference top-k (in ≥ `min_count` messages)."""
    seen = set(known)
    ranked = sorted(
        ((w, c) for w, c in current.items() if w not in seen and c >= min_count),
        key=lambda wc: (-wc[1], wc[0]),
    )[:limit]
    return [WordMove(w, None, _share(c, n_current), _share(c, n_current), None) for w, c in ranked]


def vocabulary_test(
    reference_counts: Sequence[int],
    current_counts: Sequence[int],
    *,
    tokens: Sequence[str],
    messages: tuple[int, int],
    dispersion: float = 1.0,
    alpha: float = 0.05,
) -> VocabularyResult:
    """χ² across the k+1 cells (top-k presence counts + "other"), divided by `dispersion`;
    `messages`: (reference, current) message counts, for the document shares."""
    raw = chi2_test(reference_counts, current_counts)
    statistic = raw.statistic / dispersion
    p_value = float(stats.chi2.sf(statistic, raw.dof)) if raw.dof else 1.0
    moved = word_moves(tokens, reference_counts[:-1], current_counts[:-1], messages)
    return VocabularyResult(
        statistic, raw.statistic, raw.dof, p_value, dispersion, p_value < alpha, moved
    )

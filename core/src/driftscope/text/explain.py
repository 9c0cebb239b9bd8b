"""Token explanations of a text model's margin: which words of a text pushed it toward each class.

The margin is intercept + Σ_b w_b·coef_b over the text's hashed buckets (features.py). Each
bucket's part w_b·coef_b is split evenly over the tf_b occurrences that hashed to it, and each
occurrence is credited to the tokens of the text it covers:

- a word unigram → its word; a word bigram → half to each of its two words;
- a character n-gram → the tokens its characters belong to, in proportion to how many of its
  characters each holds (the space between two words belongs to neither).

Tokens are the normalised text's words (runs of `\\w`, the model's own words) and runs of
symbols (`[^\\w\\s]+`: "!!!", "$$$", "://"), which keep what the character n-grams learned of
them. A token's contribution is summed over its occurrences. Nothing is approximated:
intercept + Σ tokens == margin, the served margin, to float rounding.

Spans are [start, end) offsets in code points of the text as sent (Python `str` indices; in
JavaScript, indices of `Array.from(text)`), mapped back through lower-casing and white-space
folding. Only the first MAX_CHARS characters are scored, so only they have spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

# The feature pipeline's own steps, so every occurrence hashes exactly as it did when scored.
from driftscope.text.features import (
    CHAR_NGRAMS,
    MAX_CHARS,
    Analysed,
    _char_buckets,
    _weights,
    _word_buckets,
)
from driftscope.text.model import TextModel

# What `\s` (features.normalise) matches: str.isspace, 29 code points, none above U+3000.
_WHITE_SPACE = np.array([c for c in range(0x3001) if chr(c).isspace()], dtype=np.uint32)
_TOKEN = re.compile(r"(\w+)|([^\w\s]+)")  # a word, as features.words_of reads them; symbols

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class TokenContribution:
    token: str  # as the model read it: lower-cased
    contribution: float
    spans: list[Span]  # of each occurrence in the text as sent


@dataclass(frozen=True, slots=True)
class TextExplanation:
    bias: float  # the intercept
    margin: float  # the margin the served probability calibrates
    positive: list[TokenContribution]  # pushing hardest toward the positive class, largest first
    negative: list[TokenContribution]  # toward the negative class, most negative first
    other: float  # every other token's part: bias + Σ positive + Σ negative + other == margin


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def original_positions(text: str) -> np.ndarray:
    """For each code point of `normalise(text)`, the index in `text` it came from."""
    capped = text[:MAX_CHARS]
    lowered = capped.lower()
    origin = np.arange(len(capped))
    if len(lowered) != len(capped):  # U+0130 (İ) lower-cases to two code points
        origin = np.repeat(origin, [len(c.lower()) for c in capped])
    space = np.isin(_code_points(lowered), _WHITE_SPACE)
    # a run of white space folds to its first character; at either end it is stripped
    keep = ~space | ~np.concatenate([[True], space])[:-1]
    visible = np.flatnonzero(~space)
    keep[visible[-1] + 1 if len(visible) else 0 :] = False
    return origin[keep]


def _occurrence_shares(
    model: TextModel, analysed: Analysed
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Each occurrence's even share of its bucket's w·coef — word unigrams, word bigrams,
    character n-grams (in CHAR_NGRAMS order) — and the margin, as `TextModel.margin_of`."""
    with np.errstate(over="ignore"):
        words = _word_buckets(analysed.hashes)
        chars = _char_buckets(analysed.norm)
    occurrences = np.concatenate([words, chars])  # as features.counts_of hashes them
    buckets, inverse, counts = np.unique(occurrences, return_inverse=True, return_counts=True)
    weights = _weights(buckets, counts, model.features.idf)
    parts = weights * model.coef[buckets]
    shares = (parts / counts)[inverse]
    n = len(analysed.hashes)
    margin = float(np.dot(weights, model.coef[buckets]) + model.intercept)
    return shares[:n], shares[n : len(words)], shares[len(words) :], margin


def _owners(length: int, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """For each character of the normalised text, its token's index (-1: a space)."""
    edges = np.zeros(length + 1, dtype=np.int64)
    edges[starts] += 1
    edges[ends] -= 1
    inside = np.cumsum(edges[:-1]) > 0
    opened = np.zeros(length, dtype=np.int64)
    opened[starts] = 1
    return np.where(inside, np.cumsum(opened) - 1, -1)


def _char_credit(owners: np.ndarray, shares: np.ndarray, n_tokens: int) -> np.ndarray:
    """Each character n-gram's share, credited to its tokens per character held: a window's
    share over the characters it holds, summed per character (a convolution), then per token."""
    held = (owners >= 0).astype(np.float64)
    per_char = np.zeros(len(owners))
    at = 0
    for n in CHAR_NGRAMS:
        if len(owners) < n:
            continue
        windows = len(owners) - n + 1
        # every window holds a token's character: white space is folded to single spaces
        value = shares[at : at + windows] / np.convolve(held, np.ones(n), "valid")
        per_char += np.convolve(value, np.ones(n))
        at += windows
    inside = owners >= 0
    credit = np.bincount(owners[inside], weights=per_char[inside], minlength=n_tokens)
    return credit.astype(np.float64, copy=False)  # bincount of nothing is integer


def _tokens(norm: str) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The tokens of a normalised text, their [start, end) there, and which are words."""
    found = _TOKEN.findall(norm)
    tokens = [word or symbols for word, symbols in found]
    lengths = np.fromiter(map(len, tokens), np.int64, len(tokens))
    # Folded text: tokens are its non-space characters in order, one space at most between.
    visible = np.flatnonzero(_code_points(norm) != ord(" "))
    last = np.cumsum(lengths) - 1
    starts, ends = visible[last - lengths + 1], visible[last] + 1
    words = np.flatnonzero(np.fromiter((w != "" for w, _ in found), bool, len(found)))
    return tokens, starts, ends, words


def token_credit(
    model: TextModel, analysed: Analysed
) -> tuple[list[str], np.ndarray, np.ndarray, float]:
    """The tokens of the text in order, each occurrence's exact part of the margin, their
    [start, end) in the normalised text (rows of a (tokens, 2) array), and the margin."""
    tokens, starts, ends, words = _tokens(analysed.norm)
    unigrams, bigrams, chars, margin = _occurrence_shares(model, analysed)
    credit = _char_credit(_owners(len(analysed.norm), starts, ends), chars, len(tokens))
    credit[words] += unigrams  # a word once per occurrence: no repeated index
    credit[words[:-1]] += bigrams / 2
    credit[words[1:]] += bigrams / 2
    return tokens, credit, np.stack([starts, ends], axis=1), margin


def explain_text(model: TextModel, analysed: Analysed, top: int = 10) -> TextExplanation:
    """The `top` tokens pushing hardest each way, occurrences of a token summed, with the span
    of every occurrence in the text as sent."""
    tokens, credit, spans, margin = token_credit(model, analysed)
    ids: dict[str, int] = {}
    group = np.fromiter((ids.setdefault(t, len(ids)) for t in tokens), np.int64, len(tokens))
    totals = np.bincount(group, weights=credit, minlength=len(ids))
    order = np.argsort(-totals, kind="stable")
    names = list(ids)
    origin = original_positions(analysed.text)

    def contribution(g: int) -> TokenContribution:
        where = spans[group == g]
        starts, ends = origin[where[:, 0]].tolist(), (origin[where[:, 1] - 1] + 1).tolist()
        return TokenContribution(names[g], float(totals[g]), list(zip(starts, ends, strict=True)))

    positive = [contribution(g) for g in order[:top] if totals[g] > 0]
    negative = [contribution(g) for g in order[::-1][:top] if totals[g] < 0]
    shown = sum(t.contribution for t in positive) + sum(t.contribution for t in negative)
    return TextExplanation(model.intercept, margin, positive, negative, float(totals.sum() - shown))

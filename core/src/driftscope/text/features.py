"""Hashed TF-IDF features of a text: word 1–2-grams and character 3–5-grams.

One function computes them at training time (rows of a CSR matrix for scikit-learn) and on
the request path (one row as index/value arrays for a numpy dot product), so the served
probability is exactly what the fitted scikit-learn model gives on the same row.

- Normalisation: the first MAX_CHARS characters, lower-cased, runs of white space as one
  space (the cap bounds the cost of a huge message; mail longer than that is scored on its
  beginning).
- Words: maximal runs of Unicode word characters (`\\w`, any script), hashed with CRC-32;
  bigrams from consecutive word hashes. Character n-grams: polynomial hashes of every 3-, 4-
  and 5-code-point window, vectorised in numpy (uint64 arithmetic wraps, which is the
  intended modulus); each longer window's hash is rolled on from the shorter one's.
- Buckets: words in [0, 2^WORD_BITS), characters in [2^WORD_BITS, 2^WORD_BITS + 2^CHAR_BITS).
  Collisions are rare and harmless at this size (the model learns the bucket, not the word).
- Weights: sublinear term frequency 1 + ln(tf), times the bucket's smoothed IDF
  ln((1 + n) / (1 + df)) + 1 learned on the training texts (scikit-learn's formula), each
  block L2-normalised on its own, so words and characters weigh alike in every text.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

MAX_CHARS = 10_000
WORD_BITS = 18
CHAR_BITS = 18
N_FEATURES = (1 << WORD_BITS) + (1 << CHAR_BITS)
CHAR_NGRAMS = (3, 4, 5)
VOCABULARY_MAX = 200_000  # words kept for the out-of-vocabulary descriptor

_WORD = re.compile(r"\w+")
# An ASCII text's bytes with every one `\w` does not match turned into a space: its words are
# then the split() of it, already encoded for CRC-32.
_ASCII_WORDS = bytes(c if _WORD.fullmatch(chr(c)) else ord(" ") for c in range(256))
_P = np.uint64(0x100000001B3)  # FNV-64 prime: odd, so the polynomial hash mixes every position
# P^n mod 2^64: what the n-gram hash's seed n·P^n adds over the (n-1)-gram's, rolled on.
_SEED_STEP = {n: np.uint64(pow(int(_P), n, 1 << 64)) for n in CHAR_NGRAMS}
_MIX = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the top bits pick the bucket
_BIGRAM = np.uint64(0x2545F4914F6CDD1D)


def normalise(text: str) -> str:
    # str.split() cuts at runs of what `\s` matches (str.isspace) and drops them at the ends
    return " ".join(text[:MAX_CHARS].lower().split())


def _bucket(h: np.ndarray, bits: int) -> np.ndarray:
    return ((h * _MIX) >> np.uint64(64 - bits)).astype(np.int64)


def words_of(norm: str) -> list[str]:
    """The words of a normalised text: maximal runs of Unicode word characters."""
    return _WORD.findall(norm)


def _word_hashes(words: list[str]) -> np.ndarray:
    return np.fromiter(map(zlib.crc32, map(str.encode, words)), np.uint64, len(words))


@dataclass(frozen=True, slots=True)
class Analysed:
    """One text read once: normalised, its words and their CRC-32s, shared by the features
    and the descriptors (serving computes both for every text)."""

    text: str
    norm: str
    words: list[str]
    hashes: np.ndarray  # uint64, the CRC-32 of each word


def analyse(text: str) -> Analysed:
    norm = normalise(text)
    if norm.isascii():  # nearly always: words_of and _word_hashes through the bytes
        encoded = norm.encode("ascii").translate(_ASCII_WORDS).split()
        hashes = np.fromiter(map(zlib.crc32, encoded), np.uint64, len(encoded))
        return Analysed(text, norm, [w.decode("ascii") for w in encoded], hashes)
    words = words_of(norm)
    return Analysed(text, norm, words, _word_hashes(words))


def _word_buckets(hashes: np.ndarray) -> np.ndarray:
    if not len(hashes):
        return np.empty(0, dtype=np.int64)
    bigrams = hashes[:-1] * _BIGRAM + hashes[1:] + np.uint64(1 << 32)  # never equals a unigram
    return _bucket(np.concatenate([hashes, bigrams]), WORD_BITS)


def _char_buckets(norm: str) -> np.ndarray:
    """Every n-gram's hash h_n(i) = n·P^n + Σ_k points[i+k]·P^(n-1-k) (mod 2^64), so
    h_n+1(i) = h_n(i)·P + points[i+n] + P^(n+1): one pass per length (CHAR_NGRAMS are
    consecutive) instead of n."""
    points = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    first = CHAR_NGRAMS[0]
    if len(points) < first:
        return np.empty(0, dtype=np.int64)
    with np.errstate(over="ignore"):
        h = np.full(len(points) - first + 1, np.uint64(first), dtype=np.uint64)
        for k in range(first):
            h = h * _P + points[k : len(points) - first + 1 + k]
        parts = [h]
        for n in CHAR_NGRAMS[1:]:
            if len(points) < n:
                break
            h = h[:-1] * _P + points[n - 1 :] + _SEED_STEP[n]
            parts.append(h)
    return _bucket(np.concatenate(parts), CHAR_BITS) + (1 << WORD_BITS)


def term_counts(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct buckets, their counts) of one text."""
    return counts_of(analyse(text))


def counts_of(analysed: Analysed) -> tuple[np.ndarray, np.ndarray]:
    """`term_counts` of a text already analysed."""
    with np.errstate(over="ignore"):
        buckets = np.concatenate([_word_buckets(analysed.hashes), _char_buckets(analysed.norm)])
    # np.unique(buckets, return_counts=True), sorting as int32 (every bucket fits): twice as fast
    ordered = np.sort(buckets.astype(np.int32))
    if not len(ordered):
        return buckets, np.empty(0, dtype=np.int64)
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return ordered[starts].astype(np.int64), np.diff(starts, append=len(ordered))


def _weights(buckets: np.ndarray, counts: np.ndarray, idf: np.ndarray) -> np.ndarray:
    """The row's values; `buckets` sorted (as `counts_of` gives them): words first."""
    values = (1.0 + np.log(counts)) * idf[buckets]
    words = int(np.searchsorted(buckets, 1 << WORD_BITS))
    for block in (values[:words], values[words:]):  # views: normalised in place
        norm = float(np.sqrt(np.dot(block, block)))
        if norm > 0:
            block /= norm
    return values


@dataclass(frozen=True)
class TextFeatures:
    """The fitted IDF of every bucket (buckets never seen in training: the maximum IDF), and
    the training vocabulary: the CRC-32 of its VOCABULARY_MAX most frequent words, sorted (the
    buckets are shared by words, bigrams and collisions, so they cannot tell a new word)."""

    idf: np.ndarray  # float64, N_FEATURES
    vocabulary: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint32))

    @classmethod
    def fit(cls, texts: Iterable[str]) -> TextFeatures:
        df = np.zeros(N_FEATURES, dtype=np.int64)
        words: Counter[int] = Counter()
        n = 0
        for text in texts:
            analysed = analyse(text)
            buckets, _ = counts_of(analysed)
            df[buckets] += 1
            words.update(set(analysed.hashes.tolist()))
            n += 1
        frequent = [h for h, _ in words.most_common(VOCABULARY_MAX)]
        vocabulary = np.sort(np.asarray(frequent, dtype=np.uint32))
        return cls(np.log((1.0 + n) / (1.0 + df)) + 1.0, vocabulary)

    def unseen(self, word_hashes: np.ndarray) -> np.ndarray:
        """Per word (its CRC-32, `Analysed.hashes`): not in the training vocabulary."""
        hashes = word_hashes.astype(np.uint32)
        if not len(self.vocabulary):
            return np.ones(len(hashes), dtype=bool)
        at = np.searchsorted(self.vocabulary, hashes)
        # past the end: clipped to the largest word, which `at` would have found if equal
        return self.vocabulary.take(at, mode="clip") != hashes

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """One text's features: (bucket indices, weights)."""
        return self.row_of(analyse(text))

    def row_of(self, analysed: Analysed) -> tuple[np.ndarray, np.ndarray]:
        buckets, counts = counts_of(analysed)
        return buckets, _weights(buckets, counts, self.idf)

    def matrix(self, texts: Sequence[str]) -> sp.csr_matrix:
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        indices, data = [], []
        for i, text in enumerate(texts):
            buckets, values = self.row(text)
            indices.append(buckets)
            data.append(values)
            indptr[i + 1] = indptr[i] + len(buckets)
        return sp.csr_matrix(
            (
                np.concatenate(data) if data else np.empty(0),
                np.concatenate(indices) if indices else np.empty(0, dtype=np.int64),
                indptr,
            ),
            shape=(len(texts), N_FEATURES),
        )

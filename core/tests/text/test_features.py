"""Hashed TF-IDF features on tiny hand-made texts."""

from __future__ import annotations

import numpy as np

from driftscope.text.features import (
    MAX_CHARS,
    N_FEATURES,
    WORD_BITS,
    TextFeatures,
    normalise,
    term_counts,
)

WORD_LIMIT = 1 << WORD_BITS


def split(text: str) -> tuple[dict[int, int], dict[int, int]]:
    """(word buckets → count, char buckets → count) of `text`."""
    buckets, counts = term_counts(text)
    words = {int(b): int(c) for b, c in zip(buckets, counts, strict=True) if b < WORD_LIMIT}
    chars = {int(b): int(c) for b, c in zip(buckets, counts, strict=True) if b >= WORD_LIMIT}
    return words, chars


def test_normalise_lowercases_collapses_space_and_caps_length() -> None:
    assert normalise("  Hello\n\tWORLD  ") == "hello world"
    assert len(normalise("x" * (MAX_CHARS + 50))) == MAX_CHARS


def test_counts_of_a_repeated_word() -> None:
    # "ab ab": words ab ×2 and the bigram (ab, ab) ×1; characters: 3-grams "ab ", "b a",
    # " ab"; 4-grams "ab a", "b ab"; the 5-gram "ab ab" — six distinct, once each.
    words, chars = split("Ab  AB")
    assert sorted(words.values()) == [1, 2]
    assert sorted(chars.values()) == [1] * 6
    assert all(WORD_LIMIT <= b < N_FEATURES for b in chars)


def test_any_script_makes_words_and_emoji_only_characters() -> None:
    words, chars = split("Привет мир")  # two Cyrillic words and their bigram
    assert sorted(words.values()) == [1, 1, 1]
    assert len(chars) == 8 + 7 + 6  # "привет мир" has 10 code points
    words, chars = split("😀😀😀")  # no word characters; one 3-gram of code points
    assert words == {}
    assert list(chars.values()) == [1]


def test_text_empty_after_normalising_has_no_features() -> None:
    for text in ("", "   \n\t ", "!?"):  # "!?": no word, too short for a 3-gram
        buckets, values = TextFeatures.fit(["some words here"]).row(text)
        assert len(buckets) == len(values) == 0
    assert term_counts("")[0].size == 0


def test_weights_are_sublinear_tf_times_idf_normalised_per_block() -> None:
    features = TextFeatures.fit(["ab ab", "cd"])  # n = 2
    buckets, values = features.row("ab ab")
    counts = dict(zip(*term_counts("ab ab"), strict=True))
    words = buckets < WORD_LIMIT
    # the word "ab" (tf 2) and bigram (tf 1) are in 1 of 2 texts: idf = ln(3/2) + 1 each
    raw = np.array([1 + np.log(counts[b]) for b in buckets[words]]) * (np.log(1.5) + 1)
    np.testing.assert_allclose(values[words], raw / np.linalg.norm(raw))
    np.testing.assert_allclose(np.linalg.norm(values[~words]), 1.0)
    assert features.idf[buckets].max() == np.log(1.5) + 1
    unseen = np.setdiff1d(np.arange(N_FEATURES), buckets)[:3]
    np.testing.assert_allclose(features.idf[unseen], np.log(3.0) + 1)  # df 0: the maximum


def test_matrix_rows_equal_single_rows() -> None:
    features = TextFeatures.fit(["free money now", "meeting at noon"])
    texts = ["FREE money", "", "noon meeting, free"]
    matrix = features.matrix(texts)
    assert matrix.shape == (3, N_FEATURES)
    for i, text in enumerate(texts):
        buckets, values = features.row(text)
        row = matrix.getrow(i)
        np.testing.assert_array_equal(row.indices, buckets)
        np.testing.assert_allclose(row.data, values)

"""Token explanations of the content model: exact with respect to the margin, credited as
documented (unigram, bigram halves, character n-grams per character held), spans in the text
as sent whatever its script."""

from __future__ import annotations

import numpy as np
import pytest

from driftscope.testing.content_model import ContentArtifact
from driftscope.text.explain import explain_text, original_positions
from driftscope.text.features import (
    MAX_CHARS,
    N_FEATURES,
    TextFeatures,
    _char_buckets,
    _word_buckets,
    analyse,
    normalise,
)
from driftscope.text.model import TextModel
from driftscope.training.calibration import PlattCalibrator

TEXTS = [
    "FREE!!! Cheap meds and a CASH prize, click http://win.example NOW $$$",
    "Re: build failure on ARM\n\nThe patch below fixes it; can you review before Friday?",
    "  Привет, мир!  Скидка 50% только сегодня  ",
    "お得なキャンペーン 今すぐクリック 😀😀 win",
    "İstanbul ΟΔΟΣ ΑΣ\tçok güzel\u3000ünlü",
    "emoji only 🎉🔥💰 and a flag 🇫🇷 with ZWJ 👩‍💻",
    "ctrl\x00chars\x07 and\r\nlines\x1c\x1fend",
    "x",
    "!!!",
    "free " * 3000,  # longer than MAX_CHARS: the first ones are scored
]


def _model(trained_content: ContentArtifact) -> TextModel:
    return trained_content.trained.model


@pytest.mark.parametrize("text", TEXTS)
def test_contributions_and_the_intercept_add_up_to_the_served_margin(
    trained_content: ContentArtifact, text: str
) -> None:
    model = _model(trained_content)
    analysed = analyse(text)
    served = model.margin_of(analysed)
    top = explain_text(model, analysed)
    every = explain_text(model, analysed, top=10**6)
    assert top.margin == served and top.bias == model.intercept
    for e in (top, every):
        listed = sum(t.contribution for t in e.positive + e.negative)
        assert e.bias + listed + e.other == pytest.approx(served, abs=1e-9)
    assert every.other == pytest.approx(0.0, abs=1e-9)  # what is zero goes nowhere
    assert len(top.positive) <= 10 and len(top.negative) <= 10
    assert all(t.contribution > 0 for t in top.positive)
    assert all(t.contribution < 0 for t in top.negative)
    assert [t.contribution for t in top.positive] == sorted(
        (t.contribution for t in top.positive), reverse=True
    )
    assert [t.contribution for t in top.negative] == sorted(t.contribution for t in top.negative)


@pytest.mark.parametrize("text", TEXTS)
def test_every_span_is_its_token_in_the_text_as_sent(
    trained_content: ContentArtifact, text: str
) -> None:
    every = explain_text(_model(trained_content), analyse(text), top=10**6)
    for token in every.positive + every.negative:
        for start, end in token.spans:
            assert 0 <= start < end <= min(len(text), MAX_CHARS)
            # İ lower-cases to two code points, two tokens here: each spans the İ
            assert token.token in text[start:end].lower()


def test_spans_count_code_points_and_repeat_per_occurrence(
    trained_content: ContentArtifact,
) -> None:
    text = "Win 😀😀 NOW, win now!!!\n\nПривет"
    every = explain_text(_model(trained_content), analyse(text), top=10**6)
    spans = {t.token: t.spans for t in every.positive + every.negative}
    assert spans["win"] == [(0, 3), (12, 15)]  # "Win" and "win": one token, summed
    assert spans["😀😀"] == [(4, 6)]  # one code point each (two UTF-16 units in JavaScript)
    assert spans["now"] == [(7, 10), (16, 19)]
    assert spans["!!!"] == [(19, 22)]
    assert spans["привет"] == [(24, 30)]


def test_a_dotted_capital_i_maps_both_of_its_lower_case_code_points_back() -> None:
    text = "XİY  z"  # İ lower-cases to "i" + U+0307: the normalised text is one longer
    origin = original_positions(text)
    assert normalise(text) == "xi̇y z"
    assert origin.tolist() == [0, 1, 1, 2, 3, 5]  # of the two spaces, the first


def test_original_positions_follow_normalisation_on_random_texts() -> None:
    rng = np.random.default_rng(7)
    alphabet = [*"aZ9_ İΣσ😀!$.\t\n\r\x0b\x1c\u00a0\u2028\u3000й中", "  "]
    for _ in range(300):
        text = "".join(rng.choice(alphabet, rng.integers(0, 40)))
        norm, origin = normalise(text), original_positions(text)
        assert len(origin) == len(norm)
        for j, i in enumerate(origin.tolist()):
            # casefold: a final sigma lower-cases to ς in a word, to σ alone
            came_from = text[i].lower().casefold()
            assert norm[j].casefold() in came_from or (norm[j] == " " and text[i].isspace())


def _hand_model(coefficients: dict[int, float], intercept: float = -0.5) -> TextModel:
    """Every IDF 1, chosen coefficients: contributions computable by hand."""
    coef = np.zeros(N_FEATURES)
    for bucket, value in coefficients.items():
        coef[bucket] = value
    features = TextFeatures(np.ones(N_FEATURES))
    return TextModel(features, coef, intercept, PlattCalibrator(1.0, 0.0), 1.0)


def test_unigrams_bigrams_and_character_ngrams_are_credited_as_documented() -> None:
    """ "a b": words a, b and the bigram "a b" (weights 1/√3 each after L2), one character
    3-gram "a b" (weight 1, alone in its block, holding one character of each word)."""
    analysed = analyse("a b")
    unigram_a, _, bigram = _word_buckets(analysed.hashes).tolist()
    (trigram,) = _char_buckets(analysed.norm).tolist()
    model = _hand_model({unigram_a: 2.0, bigram: 3.0, trigram: 1.0})
    every = explain_text(model, analysed, top=10)
    got = {t.token: t.contribution for t in every.positive + every.negative}
    third = 1 / np.sqrt(3)
    assert got["a"] == pytest.approx(2 * third + 1.5 * third + 0.5)
    assert got["b"] == pytest.approx(1.5 * third + 0.5)
    assert every.margin == pytest.approx(-0.5 + 5 * third + 1)
    assert every.bias == -0.5 and every.other == pytest.approx(0.0)


def test_a_repeated_word_shares_its_bucket_evenly_between_occurrences() -> None:
    analysed = analyse("spam ham spam")
    spam = int(_word_buckets(analysed.hashes)[0])
    model = _hand_model({spam: 1.0})
    (token,) = explain_text(model, analysed).positive
    assert token.token == "spam" and token.spans == [(0, 4), (9, 13)]
    assert token.contribution == pytest.approx(model.margin_of(analysed) - model.intercept)


def test_a_text_without_features_is_the_intercept_alone() -> None:
    model = _hand_model({})
    every = explain_text(model, analyse(""))
    assert (every.positive, every.negative, every.other) == ([], [], 0.0)
    assert every.margin == every.bias == -0.5


def test_exact_on_random_texts_when_every_bucket_weighs() -> None:
    """Coefficients on every bucket (a trained model leaves unseen ones at 0): no occurrence's
    share can hide, whatever the script, spacing or symbols."""
    rng = np.random.default_rng(11)
    model = TextModel(
        TextFeatures(rng.uniform(1, 5, N_FEATURES)),
        rng.normal(size=N_FEATURES),
        0.3,
        PlattCalibrator(1.0, 0.0),
        1.0,
    )
    pieces = [*"aZ9_ İΣ😀!$.\t\n\x00й中", "free", "ПРИВЕТ", "👩‍💻", "  ", "http://x.y"]
    for _ in range(200):
        text = "".join(rng.choice(pieces, rng.integers(0, 30)))
        analysed = analyse(text)
        every = explain_text(model, analysed, top=10**6)
        listed = sum(t.contribution for t in every.positive + every.negative)
        assert every.bias + listed + every.other == pytest.approx(
            model.margin_of(analysed), abs=1e-9
        )
        for token in every.positive + every.negative:  # casefold: ς in a word, σ alone
            found = token.token.casefold()
            assert all(found in text[s:e].lower().casefold() for s, e in token.spans)

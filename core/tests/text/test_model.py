"""The content model's layer 2: served margins equal scikit-learn's on the same rows."""

from __future__ import annotations

import numpy as np

from driftscope.text.model import C_GRID, fit_text_model

SPAMMY = ["free", "winner", "cash", "prize", "click", "offer", "viagra", "credit"]
HAMMY = ["meeting", "patch", "review", "lunch", "kernel", "thanks", "agenda", "build"]
COMMON = ["the", "a", "to", "you", "and", "is", "for", "on", "this", "we"]


def corpus(n: int, seed: int) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.4
    texts = []
    for spam in y:
        signal = SPAMMY if spam else HAMMY
        words = list(rng.choice(COMMON, 8)) + list(rng.choice(signal, 2))
        words += list(rng.choice(SPAMMY + HAMMY, 2))  # noise: the classes overlap
        rng.shuffle(words)
        texts.append(" ".join(words))
    return texts, y.astype(int)


def test_served_probabilities_equal_scikit_learns() -> None:
    train_texts, train_y = corpus(300, 1)
    valid_texts, valid_y = corpus(120, 2)
    test_texts, _ = corpus(80, 3)
    model, estimator = fit_text_model(train_texts, train_y, valid_texts, valid_y)
    expected = estimator.predict_proba(model.features.matrix(test_texts))[:, 1]
    np.testing.assert_allclose(model.uncalibrated(test_texts), expected, rtol=0, atol=1e-12)
    assert model.c in C_GRID


def test_calibrated_scores_rank_spam_first_and_keep_the_order() -> None:
    train_texts, train_y = corpus(300, 1)
    valid_texts, valid_y = corpus(120, 2)
    model, _ = fit_text_model(train_texts, train_y, valid_texts, valid_y)
    texts = ["free cash prize click", "patch review meeting thanks", ""]
    calibrated, raw = model.probability(texts), model.uncalibrated(texts)
    assert calibrated[0] > 0.5 > calibrated[1]
    assert np.array_equal(np.argsort(calibrated), np.argsort(raw))  # Platt is increasing
    assert 0.0 < calibrated[2] < 1.0  # no features: the intercept alone, still a probability

"""Serving a text model: its margin for the loaded artifact, and what a prediction logs.

A text model is served through the same `LoadedModel` as the tabular kinds: its evaluator
takes the text itself (`LoadedModel.encode` hands it over instead of a float row), and
`LoadedModel.describe` turns the validated item into the logged features — a bounded copy of
the text (for the dashboard's "latest messages") and one number per descriptor, named
`<feature>.<descriptor>` like the reference profile's, so the worker watches them for drift
with the statistics of any numeric feature.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from driftscope.text.descriptors import DESCRIPTORS, describe_analysed
from driftscope.text.explain import TextExplanation, explain_text
from driftscope.text.features import Analysed, analyse
from driftscope.text.kernel import TextKernel
from driftscope.text.model import TextModel
from driftscope.text.rules import TextRuleSet

LOGGED_TEXT_CHARS = 2_000  # what a prediction row keeps of its text


class TextMargin:
    """The `MarginModel` of a text model: the raw margin (log-odds) of one text or many."""

    def __init__(self, model: TextModel, kernel: TextKernel | None = None) -> None:
        self.model = model
        self.kernel = kernel  # the compiled text kernel; None: numpy (the same margin)

    def margin_row(self, row: Analysed) -> float:
        if self.kernel is not None:
            return self.kernel.margin_of(row, self.model.intercept)
        return self.model.margin_of(row)

    def margin(self, matrix: Sequence[str]) -> np.ndarray:
        if self.kernel is None:
            return self.model.margins(list(matrix))
        return np.array([self.margin_row(analyse(t)) for t in matrix], dtype=np.float64)

    def explain(self, text: str, top: int) -> TextExplanation:
        """`?explain=true`, off the scoring path: the `top` tokens pushing each way, exact."""
        return explain_text(self.model, analyse(text), top)


def text_encoder(feature: str) -> Callable[[Mapping[str, Any]], Analysed]:
    """What the evaluator is given for a validated item: its text, analysed once (the logged
    descriptors reuse the analysis)."""

    def encode(record: Mapping[str, Any]) -> Analysed:
        return analyse(str(record[feature]))

    return encode


def text_describer(
    feature: str, model: TextModel, rules: TextRuleSet | None = None
) -> Callable[[dict[str, Any], Analysed | None], dict[str, Any]]:
    """The logged features of an item: its text (bounded, NUL-free: PostgreSQL JSON cannot
    hold one) and its descriptors against the model's training vocabulary and the version's
    accepted rules. `encoded`: the item's analysis as the evaluator got it (None: analysed
    here, e.g. batch rows and texts the rules decided)."""

    names = {name: f"{feature}.{name}" for name in DESCRIPTORS}

    def logged(record: dict[str, Any], encoded: Analysed | None) -> dict[str, Any]:
        analysed = encoded if encoded is not None else analyse(str(record[feature]))
        text = analysed.text
        out: dict[str, Any] = {feature: text[:LOGGED_TEXT_CHARS].replace("\x00", "\ufffd")}
        for name, value in describe_analysed(analysed, model.features, rules).items():
            out[names[name]] = value
        return out

    return logged

"""Text descriptors: numbers computed from each text at scoring time, watched for drift.

A text feature cannot be binned directly; what it looks like can. Each descriptor is a
number per text, logged with the prediction and profiled like a numeric feature named
`<feature>.<descriptor>` (e.g. `text.url_count`), so the drift engine watches text with the
same statistics as any numeric column. All of them are Unicode-safe and defined for the
empty text (shares of nothing are 0, never a division by zero).

- `chars`: characters (code points) of the raw text;
- `words`: words (maximal runs of Unicode word characters);
- `url_count`: `http(s)://` or `www.` links;
- `digit_share`, `upper_share`, `non_ascii_share`: of the characters that are not white space;
- `oov_share`: share of the words the training texts never contained (`TextFeatures.unseen`):
  new vocabulary, e.g. a campaign or another language;
- `rules_hit`: 1 when one of the model version's accepted rules matches the text
  (driftscope.text.rules), else 0 — whether or not serving ran the rules.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from driftscope.text.features import Analysed, TextFeatures, analyse

if TYPE_CHECKING:
    from driftscope.text.rules import TextRuleSet

DESCRIPTORS = (
    "chars",
    "words",
    "url_count",
    "digit_share",
    "upper_share",
    "non_ascii_share",
    "oov_share",
    "rules_hit",
)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def describe(
    text: str, features: TextFeatures | None = None, rules: TextRuleSet | None = None
) -> dict[str, float]:
    """The descriptors of one text (`oov_share` 0 without a fitted vocabulary, `rules_hit` 0
    without rules)."""
    return describe_analysed(analyse(text), features, rules)


def describe_analysed(
    analysed: Analysed, features: TextFeatures | None, rules: TextRuleSet | None = None
) -> dict[str, float]:
    """`describe` of a text already analysed (serving shares the analysis with the features,
    and the rules' answer with the fast path: `TextRuleSet.first_index` keeps its last one)."""
    text, words = analysed.text, analysed.words
    visible = _SPACE.sub("", text)
    n_visible = len(visible)
    return {
        "chars": float(len(text)),
        "words": float(len(words)),
        "url_count": float(len(_URL.findall(text))),
        "digit_share": _share(sum(c.isdigit() for c in visible), n_visible),
        "upper_share": _share(sum(c.isupper() for c in visible), n_visible),
        "non_ascii_share": _share(n_visible - len(visible.encode("ascii", "ignore")), n_visible),
        "oov_share": 0.0 if features is None else _oov_share(analysed, features),
        "rules_hit": 0.0 if rules is None else float(rules.first_index(analysed.text) >= 0),
    }


def _oov_share(analysed: Analysed, features: TextFeatures) -> float:
    if not analysed.words:
        return 0.0
    return float(features.unseen(analysed.hashes).mean())


def describe_many(
    texts: list[str], features: TextFeatures | None = None, rules: TextRuleSet | None = None
) -> dict[str, np.ndarray]:
    """Column per descriptor over `texts` (for profiles and window counts)."""
    rows = [describe(t, features, rules) for t in texts]
    return {name: np.array([r[name] for r in rows], dtype=np.float64) for name in DESCRIPTORS}

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

The character shares are counted without a Python loop over the characters: an ASCII text by
deleting byte classes (`bytes.translate`), any other through a table of str's own predicates
over its code points.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

import numpy as np

from driftscope.text.features import Analysed, TextFeatures, analyse
from driftscope.text.prefilter import fold

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
# Character classes by str's own predicates (white space is what `\s` matches: str.isspace);
# the digit, upper-case and non-ASCII counts are of the visible (not white space) characters.
_SPACE, _DIGIT, _UPPER, _NON_ASCII = 1, 2, 4, 8
_ASCII = [chr(c) for c in range(128)]
_ASCII_SPACE = "".join(c for c in _ASCII if c.isspace()).encode()
_ASCII_DIGIT = "".join(c for c in _ASCII if c.isdigit() and not c.isspace()).encode()
_ASCII_UPPER = "".join(c for c in _ASCII if c.isupper() and not c.isspace()).encode()
_BMP = 0x10000


def _classes(c: str) -> int:
    if c.isspace():
        return _SPACE
    return _DIGIT * c.isdigit() | _UPPER * c.isupper() | _NON_ASCII * (ord(c) >= 128)


@functools.cache
def _bmp_classes() -> np.ndarray:
    """`_classes` of every code point below U+10000 (built on the first non-ASCII text, ~20 ms)."""
    return np.fromiter(map(_classes, map(chr, range(_BMP))), np.uint8, _BMP)


def _char_counts(text: str) -> tuple[int, int, int, int]:
    """(visible characters, their digits, upper-case letters, non-ASCII characters)."""
    if text.isascii():
        raw = text.encode("ascii")
        visible = len(raw.translate(None, _ASCII_SPACE))
        digits = len(raw) - len(raw.translate(None, _ASCII_DIGIT))
        return visible, digits, len(raw) - len(raw.translate(None, _ASCII_UPPER)), 0
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    small = points < _BMP
    classes = _bmp_classes()[points[small]]
    if not small.all():  # beyond the BMP (emoji, rare scripts): one by one
        beyond = [_classes(chr(p)) for p in points[~small].tolist()]
        classes = np.concatenate([classes, np.asarray(beyond, dtype=np.uint8)])
    space, digits, upper, non_ascii = (
        int(np.count_nonzero(classes & k)) for k in (_SPACE, _DIGIT, _UPPER, _NON_ASCII)
    )
    return len(points) - space, digits, upper, non_ascii


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
    visible, digits, upper, non_ascii = _char_counts(text)
    return {
        "chars": float(len(text)),
        "words": float(len(words)),
        "url_count": float(_url_count(text)),
        "digit_share": _share(digits, visible),
        "upper_share": _share(upper, visible),
        "non_ascii_share": _share(non_ascii, visible),
        "oov_share": 0.0 if features is None else _oov_share(analysed, features),
        "rules_hit": 0.0 if rules is None else float(rules.first_index(analysed.text) >= 0),
    }


def _url_count(text: str) -> int:
    """`len(_URL.findall(text))`, trying the pattern only where a link can start: any match
    starts with "http" or "www." in some letter case, i.e. as is in `fold(text)` (which keeps
    every code point's position); a substring find costs far less than the scan."""
    folded = fold(text)
    count, at = 0, 0
    while True:
        starts = [i for i in (folded.find("http", at), folded.find("www.", at)) if i >= 0]
        if not starts:
            return count
        found = _URL.match(text, min(starts))
        count, at = (count + 1, found.end()) if found else (count, min(starts) + 1)


def _oov_share(analysed: Analysed, features: TextFeatures) -> float:
    if not analysed.words:
        return 0.0
    # sorted, the binary searches walk the vocabulary in order (the count is the same)
    unseen = features.unseen(np.sort(analysed.hashes))
    return int(np.count_nonzero(unseen)) / len(analysed.words)


def describe_many(
    texts: list[str], features: TextFeatures | None = None, rules: TextRuleSet | None = None
) -> dict[str, np.ndarray]:
    """Column per descriptor over `texts` (for profiles and window counts)."""
    rows = [describe(t, features, rules) for t in texts]
    return {name: np.array([r[name] for r in rows], dtype=np.float64) for name in DESCRIPTORS}

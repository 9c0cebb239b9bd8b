"""A cheap necessary condition for a regex: literals of which any match contains one.

Searching a text with dozens of case-insensitive regexes costs about a millisecond a
message; most of them cannot match, and a substring test says so in well under a
microsecond. `required_literals` reads a compiled pattern's parse tree (the standard
library's own parser) for the most selective such set: a run of literal characters in its
top-level sequence, or one from every branch of an alternation that must be crossed.
Literals are lower-case ASCII and tested against `fold(text)`: lower-cased, after mapping
the non-ASCII letters that `re.IGNORECASE` treats as ASCII ones (dotted/dotless i, long s,
Kelvin sign), so a text the regex matches always passes the test, in any letter case.
"""

from __future__ import annotations

import re._constants as sre
import re._parser as sre_parse
from collections.abc import Iterable
from typing import Any

# Characters `re.IGNORECASE` matches to an ASCII letter although str.lower() does not map
# them to it (re._casefix and simple case folding): İ ı → i, ſ → s, K (Kelvin) → k.
_CASE_FIXES = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
Needs = frozenset[str]


def fold(text: str) -> str:
    if text.isascii():  # nearly always: a plain lower() then (translate is per character)
        return text.lower()
    return text.translate(_CASE_FIXES).lower()


def required_literals(pattern: str) -> Needs | None:
    """Literals (lower-case) one of which every match of `pattern` contains; None when the
    pattern requires no literal it can tell."""
    return _sequence(sre_parse.parse(pattern).data)


def _better(a: Needs | None, b: Needs | None) -> Needs | None:
    """The more selective requirement: the one whose shortest literal is longer."""
    if a is None or b is None:
        return a or b
    return a if min(map(len, a)) >= min(map(len, b)) else b


def _sequence(items: Iterable[tuple[Any, Any]]) -> Needs | None:
    best: Needs | None = None
    run: list[str] = []
    for op, av in items:
        if op is sre.LITERAL and av < 128:
            run.append(chr(av).lower())
            continue
        if run:
            best, run = _better(best, frozenset({"".join(run)})), []
        best = _better(best, _node(op, av))
    if run:
        best = _better(best, frozenset({"".join(run)}))
    return best


def _node(op: Any, av: Any) -> Needs | None:
    """What one node of a sequence requires (None: nothing it can tell)."""
    if op is sre.SUBPATTERN:
        return _sequence(av[3])
    if op is sre.ATOMIC_GROUP:
        return _sequence(av)
    if op in _REPEATS and av[0] >= 1:
        return _sequence(av[2])
    if op is sre.BRANCH:
        branches = [_sequence(branch) for branch in av[1]]
        if any(b is None for b in branches):
            return None
        return frozenset().union(*(b for b in branches if b is not None))
    return None

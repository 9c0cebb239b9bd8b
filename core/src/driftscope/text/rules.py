"""Layer 1 of the content model: SpamAssassin regex rules that decide obvious spam first.

The shipped set (`content_rules.json`, version `content-rules-1`) is a vendored subset of
Apache SpamAssassin's body and uri rules (Apache-2.0; the file carries the attribution and
each rule's original Perl). Training measures every rule alone on the test split and keeps
those above the precision floor (driftscope.rules.measure_each, the fraud rules' policy);
serving runs the kept ones before the model.

Matching searches a text only with the rules that can match it: every rule's regex comes
with the literals one of which any match contains (driftscope.text.prefilter), tested as
substrings of the lower-cased text first (on a median mail message, ~70 µs for the 32
shipped rules, against ~620 µs searching them one by one: docs/OPERATIONS.md). Body rules
search the text, uri rules each of its links; the rule that decides is the one matching
leftmost (body before links, ties to the earlier rule: what one alternation of all of them
would answer); every rule decides spam, so the order only names the rule. Body rules run
with re.MULTILINE, as SpamAssassin tests body text a paragraph a line; text beyond the
model's MAX_CHARS is not read, which bounds the cost of a huge message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import orjson

from driftscope.rules import Measured, RulePolicy, measure_each
from driftscope.text.features import MAX_CHARS
from driftscope.text.prefilter import fold, required_literals

RULES_FILE = "text_rules.json"
SHIPPED_RULES = Path(__file__).with_name("content_rules.json")
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_FLAGS = frozenset("imsx")  # the Perl flags re has under the same letters
Target = Literal["body", "uri"]


@dataclass(frozen=True)
class TextRule(Measured):
    """A regex rule on a text (`body`) or on each of its links (`uri`); `flags` are the Perl
    ones (i, m, s, x)."""

    id: str
    decision: Literal["spam", "ham"]
    target: Target
    pattern: str
    flags: str = ""
    description: str = ""
    source_file: str = ""  # the SpamAssassin file the rule was taken from

    @property
    def positive(self) -> bool:
        return self.decision == "spam"

    def regex(self) -> str:
        """The rule alone as a Python regex: its flags scoped to it (re.error if it does not
        compile)."""
        if unknown := set(self.flags) - _FLAGS:
            raise re.error(f"{self.id}: Perl flags {sorted(unknown)} have no re equivalent")
        flags = self.flags + ("m" if self.target == "body" and "m" not in self.flags else "")
        source = f"(?{flags}:{self.pattern})" if flags else f"(?:{self.pattern})"
        re.compile(source)
        return source

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TextRule:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in names})


class _Target:
    """The rules of one target, compiled, behind their prefilter: (literal, rule) pairs tested
    in one pass (a substring test costs ~0.5 µs on a mail message; a regex search, tens)."""

    def __init__(self, rules: Sequence[TextRule], target: Target) -> None:
        self.regex: dict[int, re.Pattern[str]] = {}
        self.literals: list[tuple[str, int]] = []
        self.always: set[int] = set()  # rules whose regex requires no literal it can tell
        for i, rule in enumerate(rules):
            if rule.target != target:
                continue
            self.regex[i] = re.compile(rule.regex())
            needs = required_literals(rule.regex())
            self.literals += [(literal, i) for literal in needs or ()]
            self.always |= set() if needs else {i}

    def __bool__(self) -> bool:
        return bool(self.regex)

    def leftmost(self, text: str, folded: str) -> int:
        """Index of the rule whose match starts first in `text` (ties: the earlier rule), -1;
        `folded`: `fold(text)`."""
        candidates = {i for literal, i in self.literals if literal in folded} | self.always
        best, best_start = -1, len(text) + 1
        for i in sorted(candidates):
            found = self.regex[i].search(text)
            if found is not None and found.start() < best_start:
                best, best_start = i, found.start()
        return best


@dataclass
class TextRuleSet:
    """Rules in order for one text feature; `report`: every rule's measurement at training."""

    version: str
    feature: str
    rules: tuple[TextRule, ...]
    report: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._body = _Target(self.rules, "body")
        self._uri = _Target(self.rules, "uri")
        self._last: tuple[str | None, int] = (None, -1)

    def first_index(self, text: str) -> int:
        """Index of the rule that decides `text` (leftmost match), -1 where none matches.

        The last answer is kept: the logged `rules_hit` descriptor asks again for the text
        the fast path just matched, at no cost."""
        last = self._last  # one read: a batch thread may store its own meanwhile
        if last[0] is text:
            return last[1]
        head = text[:MAX_CHARS]
        folded = fold(head)
        index = self._body.leftmost(head, folded) if self._body else -1
        if index < 0 and self._uri and ("http" in folded or "www." in folded):
            for link in _LINK.findall(head):
                link = link if link[:4].lower() == "http" else "http://" + link
                if (index := self._uri.leftmost(link, fold(link))) >= 0:
                    break
        self._last = (text, index)
        return index

    def match(self, record: Mapping[str, Any]) -> TextRule | None:
        """The rule deciding one validated item (its text feature), or None."""
        index = self.first_index(str(record[self.feature]))
        return None if index < 0 else self.rules[index]

    def match_matrix(self, matrix: np.ndarray) -> np.ndarray:
        """`first_index` of each text (a batch's text column)."""
        return np.fromiter((self.first_index(str(t)) for t in matrix), np.int64, len(matrix))

    def rule_masks(self, texts: Sequence[str]) -> np.ndarray:
        """Boolean (rules, texts): whether each rule alone matches each text."""
        masks = np.zeros((len(self.rules), len(texts)), dtype=bool)
        for i, rule in enumerate(self.rules):
            alone = TextRuleSet(self.version, self.feature, (rule,))
            masks[i] = alone.match_matrix(np.asarray(texts, dtype=object)) == 0
        return masks

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "feature": self.feature,
            "rules": [r.to_dict() for r in self.rules],
            "report": self.report,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], feature: str | None = None) -> TextRuleSet:
        rules = tuple(TextRule.from_dict(r) for r in data["rules"])
        return cls(data["version"], feature or data["feature"], rules, list(data.get("report", [])))

    def save(self, path: Path) -> None:
        path.write_bytes(orjson.dumps(self.to_dict(), option=orjson.OPT_INDENT_2))

    @classmethod
    def load(cls, path: Path) -> TextRuleSet:
        return cls.from_dict(orjson.loads(path.read_bytes()))


def shipped_rules(feature: str = "text") -> TextRuleSet:
    """The vendored SpamAssassin subset, unmeasured."""
    return TextRuleSet.from_dict(orjson.loads(SHIPPED_RULES.read_bytes()), feature)


def measure_text_rules(
    ruleset: TextRuleSet, texts: Sequence[str], y: np.ndarray, policy: RulePolicy
) -> TextRuleSet:
    """The rule set measured on labelled texts (1 = spam), rules under the floors dropped."""
    kept, report = measure_each(ruleset.rules, ruleset.rule_masks(texts), y, policy)
    return TextRuleSet(ruleset.version, ruleset.feature, tuple(kept), report)


def precision_on(ruleset: TextRuleSet, texts: Sequence[str], y: np.ndarray) -> list[dict[str, Any]]:
    """Each rule's matches and precision on another labelled set (e.g. the SMS corpus)."""
    y = np.asarray(y).astype(bool)
    out = []
    for rule, mask in zip(ruleset.rules, ruleset.rule_masks(texts), strict=True):
        matched = int(mask.sum())
        correct = int(y[mask].sum()) if rule.positive else int((~y[mask]).sum())
        out.append(
            {"id": rule.id, "matched": matched, "precision": correct / matched if matched else None}
        )
    return out

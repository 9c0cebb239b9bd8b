"""Versioned rule set: decisive rules for obvious cases (the fast path) and scorecard points.

A rule is a conjunction of conditions on contract features; the first accepted rule that
matches a transaction decides it before the model runs. Conditions are written on raw values
(categories as strings, booleans as true/false) and compiled once to the encoded space, so
`match(record)` on the request path and `match_matrix(encoded)` on batches agree: a missing
value (None / NaN) satisfies no comparison, and an unseen category is in no category list.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol, TypeVar

import numpy as np
import orjson

from driftscope.contract import FeatureContract

Decision = Literal["fraud", "legit"]
RULES_FILE = "rules.json"
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@dataclass(frozen=True)
class Condition:
    """`feature op value`; op is a comparison (<, <=, >, >=) or `in` with a list of values."""

    feature: str
    op: str
    value: Any

    def to_dict(self) -> dict[str, Any]:
        return {"feature": self.feature, "op": self.op, "value": self.value}

    def describe(self) -> str:
        value = ", ".join(map(str, self.value)) if self.op == "in" else f"{self.value:g}"
        return f"{self.feature} {self.op} {'[' + value + ']' if self.op == 'in' else value}"


@dataclass(frozen=True, kw_only=True)
class Measured:
    """A decisive rule's measurement on training's test split (None until measured): its
    probability (the smoothed positive rate of what it matched), precision, coverage."""

    probability: float | None = None
    precision: float | None = None
    coverage: float | None = None
    matched: int | None = None


@dataclass(frozen=True)
class Rule(Measured):
    """A decisive rule: a conjunction of conditions deciding fraud or legit."""

    id: str
    decision: Decision
    description: str
    conditions: tuple[Condition, ...]

    @property
    def positive(self) -> bool:
        """Whether the rule decides the positive class (fraud)."""
        return self.decision == "fraud"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "conditions": [c.to_dict() for c in self.conditions]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rule:
        return cls(
            id=data["id"],
            decision=data["decision"],
            description=data.get("description", ""),
            conditions=tuple(Condition(**c) for c in data["conditions"]),
            probability=data.get("probability"),
            precision=data.get("precision"),
            coverage=data.get("coverage"),
            matched=data.get("matched"),
        )


@dataclass(frozen=True)
class Points:
    """Scorecard entry of the `rules` model kind: `points` added when the condition holds."""

    condition: Condition
    points: float

    def to_dict(self) -> dict[str, Any]:
        return {**self.condition.to_dict(), "points": self.points}


def _record_test(cond: Condition) -> Callable[[Any], bool]:
    """A one-argument test of a present raw value (bound methods: no Python frame per call)."""
    if cond.op == "in":
        return frozenset(cond.value).__contains__
    bound = float(cond.value)  # a float's comparisons accept ints and floats alike
    flipped = {"<": bound.__gt__, "<=": bound.__ge__, ">": bound.__lt__, ">=": bound.__le__}
    return flipped[cond.op]


def _column_test(contract: FeatureContract, cond: Condition) -> Callable[[np.ndarray], np.ndarray]:
    feature = contract.feature(cond.feature)
    col = contract.names.index(cond.feature)
    if cond.op == "in":
        codes = [contract.encode_value(feature, v) for v in cond.value]
        wanted = np.asarray([c for c in codes if not math.isnan(c)], dtype=np.float32)
        return lambda x: np.isin(x[:, col], wanted)
    compare, bound = _COMPARE[cond.op], np.float32(cond.value)
    return lambda x: np.asarray(compare(x[:, col], bound))  # NaN compares False


def _check(contract: FeatureContract, cond: Condition) -> None:
    feature = contract.feature(cond.feature)  # KeyError names an unknown feature
    if cond.op == "in" and not feature.is_categorical:
        raise ValueError(f"{cond.feature}: `in` needs a categorical or boolean feature")
    if cond.op != "in" and (cond.op not in _COMPARE or feature.is_categorical):
        raise ValueError(f"{cond.feature}: op {cond.op!r} is not valid for a {feature.kind}")


@dataclass
class RuleSet:
    """Rules in evaluation order (first match wins) and the scorecard, for one contract."""

    version: str
    contract: FeatureContract
    rules: tuple[Rule, ...]
    points: tuple[Points, ...] = ()
    report: list[dict[str, Any]] = field(default_factory=list)  # per rule, from training

    def __post_init__(self) -> None:
        for cond in [c for r in self.rules for c in r.conditions] + [
            p.condition for p in self.points
        ]:
            _check(self.contract, cond)
        self._record = [
            (rule, [(c.feature, _record_test(c)) for c in rule.conditions]) for rule in self.rules
        ]

    def match(self, record: Mapping[str, Any]) -> Rule | None:
        """The first rule matching one validated record (raw values), or None.

        On the request path: a plain loop, most rules fail on their first condition."""
        get = record.get
        for rule, tests in self._record:
            for name, test in tests:
                value = get(name)
                if value is None or not test(value):
                    break
            else:
                return rule
        return None

    def rule_masks(self, matrix: np.ndarray) -> np.ndarray:
        """Boolean (rules, rows): whether each rule alone matches each encoded row."""
        x = np.asarray(matrix, dtype=np.float32)
        masks = np.ones((len(self.rules), len(x)), dtype=bool)
        for i, rule in enumerate(self.rules):
            for cond in rule.conditions:
                masks[i] &= _column_test(self.contract, cond)(x)
        return masks

    def match_matrix(self, matrix: np.ndarray) -> np.ndarray:
        """Index of the first matching rule per encoded row, -1 where none matches."""
        masks = self.rule_masks(matrix)
        if not len(self.rules):
            return np.full(len(matrix), -1, dtype=np.int64)
        first = np.argmax(masks, axis=0)
        return np.where(masks.any(axis=0), first, -1)

    def point_columns(self, matrix: np.ndarray) -> np.ndarray:
        """Points earned per (row, scorecard entry)."""
        x = np.asarray(matrix, dtype=np.float32)
        out = np.zeros((len(x), len(self.points)))
        for j, entry in enumerate(self.points):
            out[:, j] = _column_test(self.contract, entry.condition)(x) * entry.points
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "model_name": self.contract.model_name,
            "rules": [r.to_dict() for r in self.rules],
            "points": [p.to_dict() for p in self.points],
            "report": self.report,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], contract: FeatureContract) -> RuleSet:
        points = tuple(
            Points(Condition(p["feature"], p["op"], p["value"]), float(p["points"]))
            for p in data.get("points", [])
        )
        rules = tuple(Rule.from_dict(r) for r in data["rules"])
        return cls(data["version"], contract, rules, points, list(data.get("report", [])))

    def save(self, path: Path) -> None:
        path.write_bytes(orjson.dumps(self.to_dict(), option=orjson.OPT_INDENT_2))

    @classmethod
    def load(cls, path: Path, contract: FeatureContract) -> RuleSet:
        return cls.from_dict(orjson.loads(path.read_bytes()), contract)


@dataclass(frozen=True)
class RulePolicy:
    """Acceptance floors: precision of the positive class (fraud, spam) for rules deciding it,
    of the negative class for the others (legit)."""

    min_precision: float = 0.95
    min_legit_precision: float = 0.995
    min_support: int = 30


class DecisiveRule(Protocol):
    """What serving and measurement read of a rule (fraud's `Rule`, the content model's
    `driftscope.text.rules.TextRule`): a dataclass, measured by `dataclasses.replace`."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def id(self) -> str: ...
    @property
    def positive(self) -> bool: ...
    @property
    def probability(self) -> float | None: ...
    def to_dict(self) -> dict[str, Any]: ...


class DecisiveRules(Protocol):
    """A model's accepted rules in evaluation order: one item (`match`) or many rows at once
    (`match_matrix`: the index of the first matching rule, -1 where none matches)."""

    @property
    def rules(self) -> Sequence[DecisiveRule]: ...
    def match(self, record: Mapping[str, Any]) -> DecisiveRule | None: ...
    def match_matrix(self, matrix: np.ndarray) -> np.ndarray: ...


def decide_rows(
    rules: DecisiveRules | None,
    matrix: Any,
    model_probability: Callable[[np.ndarray], np.ndarray],
    threshold: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(probability, positive, by rules) per row of `matrix`, as /predict decides each: the
    first matching rule (its measured probability and class), else the model, whose
    `model_probability(mask)` scores the rows the rules leave (a boolean mask of `matrix`)."""
    n = len(matrix)
    first = rules.match_matrix(matrix) if rules is not None and rules.rules else np.full(n, -1)
    by_model = first < 0
    probability = np.empty(n)
    positive = np.empty(n, dtype=bool)
    if by_model.any():
        probability[by_model] = model_probability(by_model)
        positive[by_model] = probability[by_model] >= threshold
    for index, rule in enumerate(rules.rules if rules is not None else ()):
        matched = first == index
        probability[matched] = float(rule.probability or 0.0)
        positive[matched] = rule.positive
    return probability, positive, ~by_model


R = TypeVar("R", bound=DecisiveRule)


def measure_each(
    rules: Sequence[R], masks: np.ndarray, y: np.ndarray, policy: RulePolicy
) -> tuple[list[R], list[dict[str, Any]]]:
    """Precision and coverage of each rule alone (`masks`: rules × rows) on labelled rows;
    returns (rules above the floors, the report of every rule).

    Refused rules stay in the report with the reason. A kept rule's probability is the
    smoothed positive rate of the rows it matched, (positives + 1) / (matched + 2).
    """
    y = np.asarray(y).astype(bool)
    kept, report = [], []
    for rule, mask in zip(rules, masks, strict=True):
        matched, positives = int(mask.sum()), int(y[mask].sum())
        correct = positives if rule.positive else matched - positives
        precision = correct / matched if matched else float("nan")
        floor = policy.min_precision if rule.positive else policy.min_legit_precision
        reason = None
        if matched < policy.min_support:
            reason = f"matched {matched} rows, fewer than the {policy.min_support} needed"
        elif precision < floor:
            reason = f"precision {precision:.4f} below the floor {floor:g}"
        measured = replace(
            rule,
            probability=(positives + 1) / (matched + 2),
            precision=None if math.isnan(precision) else precision,
            coverage=matched / max(1, len(y)),
            matched=matched,
        )
        report.append({**measured.to_dict(), "accepted": reason is None, "reason": reason})
        if reason is None:
            kept.append(measured)
    return kept, report


def measure_rules(
    ruleset: RuleSet, matrix: np.ndarray, y: np.ndarray, policy: RulePolicy
) -> RuleSet:
    """The rule set measured on labelled rows (`measure_each`), refused rules dropped."""
    kept, report = measure_each(ruleset.rules, ruleset.rule_masks(matrix), y, policy)
    return RuleSet(ruleset.version, ruleset.contract, tuple(kept), ruleset.points, report)


def fast_path_summary(
    ruleset: DecisiveRules, matrix: np.ndarray, y: np.ndarray
) -> dict[str, float]:
    """Coverage and accuracy of the accepted rules applied in order (first match wins)."""
    first = ruleset.match_matrix(matrix)
    fired = first >= 0
    if not fired.any():
        return {"coverage": 0.0, "accuracy": float("nan"), "matched": 0}
    says_positive = np.array([r.positive for r in ruleset.rules])[first[fired]]
    correct = says_positive == np.asarray(y).astype(bool)[fired]
    return {
        "coverage": float(fired.mean()),
        "accuracy": float(correct.mean()),
        "matched": int(fired.sum()),
    }


def default_ruleset(contract: FeatureContract) -> RuleSet:
    from driftscope.rule_set import DEFAULT_POINTS, DEFAULT_RULES, DEFAULT_VERSION

    return RuleSet(DEFAULT_VERSION, contract, DEFAULT_RULES, DEFAULT_POINTS)


def feature_points(ruleset: RuleSet, names: Sequence[str], matrix: np.ndarray) -> np.ndarray:
    """Scorecard points per (row, feature): each entry's points go to its condition's feature."""
    columns = ruleset.point_columns(matrix)
    out = np.zeros((len(columns), len(names)))
    for j, entry in enumerate(ruleset.points):
        out[:, names.index(entry.condition.feature)] += columns[:, j]
    return out

"""The `rules` kind: the rule set's scorecard is the model (a heuristic baseline, no fitting).

Every row's margin is the sum of the points of the scorecard conditions it meets; Platt
scaling then maps points to probabilities like any other margin. The decisive rules of the
same rule set still run first on the fast path. Its explanation is exact: the points each
feature earned (method `points`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from driftscope.contract import FeatureContract
from driftscope.predictors.base import Explanation, explanations, sigmoid
from driftscope.rules import RULES_FILE, RuleSet, default_ruleset, feature_points


class ScorecardPredictor:
    kind = "rules"

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.names = ruleset.contract.names
        self.params = {"rule_set": ruleset.version, "points": len(ruleset.points)}
        encode = ruleset.contract.encode_value
        # (column, test on the encoded float, points): conditions compiled once for margin_row
        self._row_terms: list[tuple[int, Callable[[Any], bool], float]] = []
        for entry in ruleset.points:
            cond = entry.condition
            feature = ruleset.contract.feature(cond.feature)
            col = self.names.index(cond.feature)
            if cond.op == "in":
                codes = frozenset(encode(feature, v) for v in cond.value)
                self._row_terms.append((col, codes.__contains__, entry.points))
            else:
                bound = float(np.float32(cond.value))  # the same float32 bound as matrices
                test = {
                    "<": bound.__gt__,
                    "<=": bound.__ge__,
                    ">": bound.__lt__,
                    ">=": bound.__le__,
                }[cond.op]
                self._row_terms.append((col, test, entry.points))

    @classmethod
    def load(cls, path: Path, contract: FeatureContract) -> ScorecardPredictor:
        return cls(RuleSet.load(path, contract))

    def margin(self, matrix: np.ndarray) -> np.ndarray:
        return np.asarray(self.ruleset.point_columns(matrix).sum(axis=1))

    def margin_row(self, row: list[float]) -> float:
        # float32 like the matrices; NaN fails every comparison and is in no code set.
        x = np.asarray(row, dtype=np.float32).tolist()
        return float(sum(points for col, test, points in self._row_terms if test(x[col])))

    def predict_proba(self, matrix: np.ndarray) -> np.ndarray:
        return sigmoid(self.margin(matrix))

    def explain(self, matrix: np.ndarray) -> list[Explanation]:
        contributions = feature_points(self.ruleset, self.names, matrix)
        return explanations("points", np.zeros(len(contributions)), contributions)

    def save(self, directory: Path) -> dict[str, Any]:
        return {"model_file": RULES_FILE}  # the trainer writes the measured rule set there

    def summary(self) -> dict[str, Any]:
        return {"rule_set": self.ruleset.version, "points": len(self.ruleset.points)}


def fit_scorecard(contract: FeatureContract) -> ScorecardPredictor:
    return ScorecardPredictor(default_ruleset(contract))

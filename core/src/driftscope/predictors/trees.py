"""The `random_forest` and `decision_tree` kinds (scikit-learn), exported to the flat forest.

Export instead of pickle: the fitted trees become the same flat arrays the compiled C
evaluator walks (`forest.npz`, plain arrays loaded with allow_pickle=False, sha256 in the
manifest), so serving needs neither scikit-learn nor unpickling. Each leaf holds the tree's
log-odds of fraud, smoothed towards the root rate, divided by the number of trees: the margin
is the mean of the trees' log-odds. Internal nodes keep their log-odds too, so Saabas path
attributions (each split credits its feature with the change in log-odds) sum exactly to it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

from driftscope.predictors.base import Explanation, Progress, Splits, explanations, sigmoid
from driftscope.serving.forest import FlatForest

FOREST_FILE = "forest.npz"
SMOOTHING = 1.0  # pseudo-weight pulling each node's fraud share towards the root's
DEFAULTS: dict[str, dict[str, Any]] = {
    "random_forest": {
        "n_estimators": 200,
        "max_depth": 12,
        "min_samples_leaf": 20,
        "max_features": "sqrt",
        "class_weight": "balanced_subsample",
    },
    "decision_tree": {"max_depth": 8, "min_samples_leaf": 50, "class_weight": "balanced"},
}


def _float32_split(threshold: np.ndarray) -> np.ndarray:
    """sklearn sends `x <= t` left (x float32, t float64); forest.c sends `x < v` left.
    With f the largest float32 <= t, `x <= t` iff `x <= f` iff `x < nextafter(f, +inf)`."""
    f = threshold.astype(np.float32)
    f = np.where(f.astype(np.float64) > threshold, np.nextafter(f, np.float32(-np.inf)), f)
    return np.nextafter(f, np.float32(np.inf)).astype(np.float32)


def _node_log_odds(tree: Any) -> np.ndarray:
    weight = tree.weighted_n_node_samples
    share = tree.value[:, 0, 1]  # weighted fraud share per node (sklearn >= 1.4)
    prior = share[0]
    p = (share * weight + SMOOTHING * prior) / (weight + SMOOTHING)
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return np.asarray(np.log(p / (1 - p)), dtype=np.float64)


def export_forest(trees: list[Any], n_features: int) -> FlatForest:
    """sklearn tree_ objects as one FlatForest whose margin is the mean tree log-odds."""
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("l", "r", "f", "v", "d", "n")}
    roots, offset, scale = [], 0, 1.0 / len(trees)
    for tree in trees:
        left, right = tree.children_left.astype(np.int64), tree.children_right.astype(np.int64)
        leaf = left < 0
        log_odds = (_node_log_odds(tree) * scale).astype(np.float32)
        parts["l"].append(np.where(leaf, -1, left + offset).astype(np.int32))
        parts["r"].append(np.where(leaf, -1, right + offset).astype(np.int32))
        parts["f"].append(np.where(leaf, 0, tree.feature).astype(np.int32))
        parts["v"].append(np.where(leaf, log_odds, _float32_split(tree.threshold)))
        parts["d"].append(np.asarray(tree.missing_go_to_left, dtype=np.uint8))
        parts["n"].append(log_odds.astype(np.float64))  # the served float32 values, exactly
        roots.append(offset)
        offset += len(left)
    return FlatForest(
        left=np.concatenate(parts["l"]),
        right=np.concatenate(parts["r"]),
        feature=np.concatenate(parts["f"]),
        value=np.concatenate(parts["v"]).astype(np.float32),
        default_left=np.concatenate(parts["d"]),
        tree_root=np.asarray(roots, dtype=np.int32),
        n_features=n_features,
        base_margin=0.0,
        node_value=np.concatenate(parts["n"]),
    )


def saabas(forest: FlatForest, matrix: np.ndarray) -> list[Explanation]:
    """Path attributions: every split credits its feature with the child's minus the parent's
    log-odds; the bias is the sum of the roots' log-odds."""
    if forest.node_value is None:
        raise ValueError("this forest carries no node values (not a scikit-learn export)")
    values = forest.node_value
    contributions = np.zeros((len(matrix), forest.n_features))
    for moving, (parent, child) in forest.leaves(matrix):
        delta = values[child] - values[parent]
        np.add.at(contributions, (moving, forest.feature[parent]), delta)
    bias = np.full(len(matrix), forest.base_margin + float(values[forest.tree_root].sum()))
    return explanations("saabas", bias, contributions)


class ForestPredictor:
    """A tree model as a FlatForest; in training it also holds the fitted sklearn estimator."""

    def __init__(
        self,
        kind: str,
        forest: FlatForest,
        params: dict[str, Any],
        estimator: Any = None,
    ) -> None:
        self.kind = kind
        self.forest = forest
        self.params = params
        self.estimator = estimator

    @classmethod
    def load(cls, kind: str, path: Path) -> ForestPredictor:
        return cls(kind, FlatForest.load(path), {})

    def margin(self, matrix: np.ndarray) -> np.ndarray:
        """In training: through sklearn's own tree walk (`apply`), so the check of the compiled
        evaluator compares two independent implementations; loaded: the numpy walk."""
        if self.estimator is None:
            return self.forest.margin(matrix)
        leaves = self.estimator.apply(np.asarray(matrix, dtype=np.float32))
        leaves = leaves.reshape(len(matrix), -1) + self.forest.tree_root[None, :]
        return np.asarray(self.forest.value[leaves].astype(np.float64).sum(axis=1))

    def margin_row(self, row: list[float]) -> float:
        return float(self.margin(np.asarray([row], dtype=np.float32))[0])

    def predict_proba(self, matrix: np.ndarray) -> np.ndarray:
        return sigmoid(self.margin(matrix))

    def explain(self, matrix: np.ndarray) -> list[Explanation]:
        return saabas(self.forest, matrix)

    def save(self, directory: Path) -> dict[str, Any]:
        self.forest.save(directory / FOREST_FILE)
        return {"forest_file": FOREST_FILE}

    def flat_forest(self, n_features: int) -> FlatForest:
        return self.forest

    def summary(self) -> dict[str, Any]:
        return {"n_trees": len(self.forest.tree_root), "n_nodes": len(self.forest.left)}


def fit_trees(
    kind: str, splits: Splits, params: dict[str, Any], seed: int, progress: Progress
) -> ForestPredictor:
    full = {**DEFAULTS[kind], **params}
    if kind == "random_forest":
        estimator: Any = RandomForestClassifier(**full, random_state=seed, n_jobs=2)
        estimator.fit(splits.x_train, splits.y_train)
        trees = [e.tree_ for e in estimator.estimators_]
    else:
        estimator = DecisionTreeClassifier(**full, random_state=seed)
        estimator.fit(splits.x_train, splits.y_train)
        trees = [estimator.tree_]
    progress("fitting", 1.0)
    forest = export_forest(trees, splits.x_train.shape[1])
    return ForestPredictor(kind, forest, full, estimator)

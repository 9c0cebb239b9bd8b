"""Tree ensembles as flat arrays, evaluated by a small C library compiled at train time (ctypes)."""

from __future__ import annotations

import ctypes
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from driftscope.serving.compiled import compile_library

C_SOURCE = Path(__file__).with_name("forest.c")
_i32p = ctypes.POINTER(ctypes.c_int32)
_f32p = ctypes.POINTER(ctypes.c_float)
_u8p = ctypes.POINTER(ctypes.c_uint8)


class _CForest(ctypes.Structure):
    _fields_ = [
        ("left", _i32p),
        ("right", _i32p),
        ("feature", _i32p),
        ("value", _f32p),
        ("default_left", _u8p),
        ("tree_root", _i32p),
        ("n_trees", ctypes.c_int32),
        ("n_features", ctypes.c_int32),
        ("base_margin", ctypes.c_float),
    ]


@dataclass(frozen=True)
class FlatForest:
    """A binary-logistic tree ensemble in flat arrays (one entry per node, trees concatenated)."""

    left: np.ndarray
    right: np.ndarray
    feature: np.ndarray
    value: np.ndarray
    default_left: np.ndarray
    tree_root: np.ndarray
    n_features: int
    base_margin: float
    # Margin at every node (not only leaves), for path attributions; sklearn exports only.
    node_value: np.ndarray | None = None

    @classmethod
    def from_xgboost_json(cls, model: dict[str, Any], n_features: int) -> FlatForest:
        learner = model["learner"]
        trees = learner["gradient_booster"]["model"]["trees"]
        parts: dict[str, list[np.ndarray]] = {k: [] for k in ("l", "r", "f", "v", "d")}
        roots, offset = [], 0
        for tree in trees:
            left = np.asarray(tree["left_children"], dtype=np.int32)
            right = np.asarray(tree["right_children"], dtype=np.int32)
            leaf = left < 0
            parts["l"].append(np.where(leaf, -1, left + offset).astype(np.int32))
            parts["r"].append(np.where(leaf, -1, right + offset).astype(np.int32))
            parts["f"].append(np.asarray(tree["split_indices"], dtype=np.int32))
            parts["v"].append(np.asarray(tree["split_conditions"], dtype=np.float32))
            parts["d"].append(np.asarray(tree["default_left"], dtype=np.uint8))
            roots.append(offset)
            offset += len(left)
        base_score = learner["learner_model_param"]["base_score"]
        p = float(json.loads(base_score)[0] if base_score.startswith("[") else base_score)
        base_margin = float(np.float32(-np.log(1.0 / np.float32(p) - 1.0)))
        return cls(
            left=np.concatenate(parts["l"]),
            right=np.concatenate(parts["r"]),
            feature=np.concatenate(parts["f"]),
            value=np.concatenate(parts["v"]),
            default_left=np.concatenate(parts["d"]),
            tree_root=np.asarray(roots, dtype=np.int32),
            n_features=n_features,
            base_margin=base_margin,
        )

    def save(self, path: Path) -> None:
        arrays: dict[str, Any] = {k: getattr(self, k) for k in _ARRAYS}
        if self.node_value is not None:
            arrays["node_value"] = self.node_value
        arrays["meta"] = np.array([self.n_features, self.base_margin], dtype=np.float64)
        np.savez(path, **arrays)

    @classmethod
    def load(cls, path: Path) -> FlatForest:
        # allow_pickle=False: an artifact can hold plain arrays only, never Python objects.
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in _ARRAYS}
            node_value = data["node_value"] if "node_value" in data.files else None
            n_features, base_margin = data["meta"].tolist()
        return cls(
            **arrays,
            n_features=int(n_features),
            base_margin=float(base_margin),
            node_value=node_value,
        )

    def leaves(self, matrix: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Walk every tree for all rows at once (same rules as forest.c); yields, per step,
        the rows that moved and their (parent, child) nodes, so callers can sum or attribute."""
        x = np.asarray(matrix, dtype=np.float32)
        rows = np.arange(len(x))
        for root in self.tree_root:
            node = np.full(len(x), root, dtype=np.int64)
            moving = rows[self.left[node] >= 0]
            while len(moving):
                parent = node[moving]
                v = x[moving, self.feature[parent]]
                go_left = np.where(
                    np.isnan(v), self.default_left[parent] == 1, v < self.value[parent]
                )
                node[moving] = np.where(go_left, self.left[parent], self.right[parent])
                yield moving, np.stack([parent, node[moving]])
                moving = moving[self.left[node[moving]] >= 0]

    def margin(self, matrix: np.ndarray) -> np.ndarray:
        """Margins in numpy (float64 sums): the fallback when no compiled library is present."""
        out = np.full(len(matrix), self.base_margin, dtype=np.float64)
        leaf_roots = self.tree_root[self.left[self.tree_root] < 0]  # single-leaf trees
        out += self.value[leaf_roots].astype(np.float64).sum()
        for moving, (_parent, child) in self.leaves(matrix):
            is_leaf = self.left[child] < 0
            np.add.at(out, moving[is_leaf], self.value[child[is_leaf]].astype(np.float64))
        return out

    def margin_row(self, row: list[float]) -> float:
        return float(self.margin(np.asarray([row], dtype=np.float32))[0])


_ARRAYS = ("left", "right", "feature", "value", "default_left", "tree_root")


def compile_evaluator(out_path: Path) -> Path:
    """Compile the C evaluator to a shared library; raises ArtifactError without a C compiler."""
    return compile_library(C_SOURCE, out_path, "the fast evaluator")


class CompiledForest:
    """Evaluates a FlatForest through the compiled C library; holds the arrays alive."""

    def __init__(self, forest: FlatForest, library_path: Path) -> None:
        self._forest = forest
        self._lib = ctypes.CDLL(str(library_path))
        self._lib.ds_margin_row.restype = ctypes.c_float
        self._lib.ds_margin_row.argtypes = [ctypes.POINTER(_CForest), _f32p]
        self._lib.ds_margin.restype = None
        self._lib.ds_margin.argtypes = [ctypes.POINTER(_CForest), _f32p, ctypes.c_int64, _f32p]
        self._arrays = [np.ascontiguousarray(getattr(forest, k)) for k in _ARRAYS]
        ptrs: list[Any] = [
            a.ctypes.data_as(t)  # type: ignore[type-var]
            for a, t in zip(self._arrays, (_i32p, _i32p, _i32p, _f32p, _u8p, _i32p), strict=True)
        ]
        self._c = _CForest(*ptrs, len(forest.tree_root), forest.n_features, forest.base_margin)
        self._c_ref = ctypes.byref(self._c)
        self._row = (ctypes.c_float * forest.n_features)()
        self._margin_row = self._lib.ds_margin_row

    def margin_row(self, row: list[float]) -> float:
        """Raw margin of one row (floats, NaN for missing); no numpy on this path."""
        buf = self._row
        for i, v in enumerate(row):
            buf[i] = v
        return float(self._margin_row(self._c_ref, buf))

    def margin(self, matrix: np.ndarray) -> np.ndarray:
        x = np.ascontiguousarray(matrix, dtype=np.float32)
        if x.ndim != 2 or x.shape[1] != self._forest.n_features:
            raise ValueError(f"expected shape (n, {self._forest.n_features}), got {x.shape}")
        out = np.empty(x.shape[0], dtype=np.float32)
        self._lib.ds_margin(
            self._c_ref, x.ctypes.data_as(_f32p), x.shape[0], out.ctypes.data_as(_f32p)
        )
        return out

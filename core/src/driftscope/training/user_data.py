"""A user's model from a CSV: its spec (inferred or given) and its target as 1/0 labels."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from driftscope.errors import ContractError, InvalidSpecError
from driftscope.spec.infer import InferredSpec, infer_spec
from driftscope.spec.model import ModelSpec

# The spellings of a boolean target, as `spec infer` reads them (1.0 and TRUE included).
_OPPOSITE = {"1": "0", "0": "1", "true": "false", "false": "true"}


def inferred_spec(path: Path, target: str, name: str, positive: str | None) -> InferredSpec:
    """The spec `driftscope spec infer` would write for this CSV."""
    from driftscope.spec.cli import read_csv

    return infer_spec(read_csv(path), target=target, name=name, positive=positive)


def given_spec(path: Path, name: str, target: str | None) -> ModelSpec:
    """A spec file, checked against the --name and --target of the command."""
    try:
        spec = ModelSpec.from_json(path.read_bytes())
    except OSError as exc:
        raise InvalidSpecError(f"cannot read the spec {path}: {exc}") from None
    if spec.name != name:
        raise InvalidSpecError(f"the spec {path} is of model '{spec.name}', not '{name}'")
    if target is not None and spec.target != target:
        raise InvalidSpecError(
            f"the spec {path} has target '{spec.target}', not '{target}' (--target)"
        )
    return spec


def target_labels(spec: ModelSpec) -> dict[str, int]:
    """Each accepted raw target value → 1 (the positive class) or 0.

    The class names always count; `positive_value` and its boolean opposite (0/1,
    true/false) too; a spec without one reads 1/true as positive, as inference does."""
    raw = spec.positive_value
    if raw is None:
        extra = {"1": 1, "0": 0, "true": 1, "false": 0}
    else:
        opposite = _OPPOSITE.get(raw.lower())
        extra = {raw: 1, **({opposite: 0} if opposite else {})}
    return {**extra, spec.positive: 1, spec.negative: 0}  # the class names win


def label_text(raw: pd.Series) -> pd.Series:
    """Raw CSV target cells as `spec infer` writes values: stripped, 1.0 → "1", TRUE → "true"."""
    text = raw.astype(str).str.strip()
    numbers = pd.to_numeric(text, errors="coerce")
    whole = numbers.notna() & (numbers % 1 == 0) & (numbers.abs() < 2**53)
    text = text.where(~whole, numbers[whole].astype("int64").astype(str))
    boolean = text.str.lower().isin(["true", "false"]).to_numpy()
    return text.mask(boolean, text.str.lower())


def encode_target(raw: pd.Series, column: str, labels: Mapping[str, int]) -> np.ndarray:
    """1/0 per row; a value of neither class is refused naming the column and lines."""
    text = label_text(raw)
    unknown = ~text.isin(list(labels)).to_numpy()
    if unknown.any():
        lines = (np.flatnonzero(unknown)[:3] + 2).tolist()  # after the header, 1-based
        values = ", ".join(sorted({repr(v) for v in text[unknown].head(3)}))
        raise ContractError(
            f"target '{column}': {int(unknown.sum())} value(s) of neither class ({values}, e.g. "
            f"line(s) {', '.join(map(str, lines))}); expected one of {', '.join(labels)}",
            {column: {"unknown_values": sorted(set(text[unknown].head(20)))}},
        )
    return text.map(labels).to_numpy(dtype=np.int64)

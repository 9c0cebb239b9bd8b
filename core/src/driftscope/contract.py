"""The feature contract: one definition of each model's input features, shared by every process."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal

import numpy as np

from driftscope.errors import ContractError
from driftscope.spec import ModelSpec, shipped_spec

FeatureKind = Literal["numeric", "integer", "categorical", "boolean", "text"]
UNSEEN = "__unseen__"
MISSING = "__missing__"


@dataclass(frozen=True)
class Feature:
    """One input feature: its type, unit, valid range and categories."""

    name: str
    kind: FeatureKind
    description: str
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    allow_missing: bool = False
    categories: tuple[str, ...] = ()
    # Open categorical features accept well-formed categories outside `categories`; they are
    # encoded as unseen for the model and counted in the drift engine's "unseen" bucket.
    open_categories: bool = False
    example: Any = None
    # An open range is what training saw, not a validity limit: values outside [minimum,
    # maximum] are scored, with a warning, and the drift engine sees them (user models' inferred
    # specs; the fraud contract's ranges are hard).
    open_range: bool = False

    @property
    def is_categorical(self) -> bool:
        return self.kind in ("categorical", "boolean")

    def to_dict(self) -> dict[str, Any]:
        """Every field, in declaration order; `kind` is published as `type`."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["categories"] = list(self.categories)
        if not self.open_range:  # only when set: the built-in contract reads as before
            del data["open_range"]
        return {"name": data.pop("name"), "type": data.pop("kind"), **data}


@dataclass(frozen=True)
class FeatureContract:
    """The input contract of one model name (e.g. `fraud`)."""

    model_name: str
    label: str
    description: str
    features: tuple[Feature, ...]
    _codes: dict[str, dict[str, int]] = field(init=False, repr=False, compare=False)
    # (name, known categories) of the open categorical features: their unseen values are
    # scored, with a warning. Precomputed: /predict checks it on every request.
    open_categorical: tuple[tuple[str, frozenset[str]], ...] = field(
        init=False, repr=False, compare=False
    )
    # (name, minimum, maximum) of the open-range features: values outside get a warning.
    open_ranged: tuple[tuple[str, float | None, float | None], ...] = field(
        init=False, repr=False, compare=False
    )
    # (name, how to encode) per feature for encode_record, the per-request hot path:
    # None = a number, True = a boolean, a dict = category codes.
    _plan: tuple[tuple[str, dict[str, int] | bool | None], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        codes = {f.name: {c: i for i, c in enumerate(f.categories)} for f in self.features}
        opened = tuple(
            (f.name, frozenset(f.categories)) for f in self.features if f.open_categories
        )
        plan = tuple(
            (
                f.name,
                True if f.kind == "boolean" else codes[f.name] if f.kind == "categorical" else None,
            )
            for f in self.features
        )
        object.__setattr__(self, "_codes", codes)
        object.__setattr__(self, "open_categorical", opened)
        ranged = tuple((f.name, f.minimum, f.maximum) for f in self.features if f.open_range)
        object.__setattr__(self, "open_ranged", ranged)
        object.__setattr__(self, "_plan", plan)

    @classmethod
    def from_spec(cls, spec: ModelSpec) -> FeatureContract:
        features = tuple(
            Feature(
                f.name,
                f.kind,
                f.description,
                f.unit,
                f.minimum,
                f.maximum,
                f.allow_missing,
                f.categories,
                f.open_categories,
                f.example,
                f.open_range,
            )
            for f in spec.features
        )
        return cls(spec.name, spec.target, spec.description, features)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.features]

    def feature(self, name: str) -> Feature:
        for f in self.features:
            if f.name == name:
                return f
        raise KeyError(name)

    def example(self) -> dict[str, Any]:
        return {f.name: f.example for f in self.features}

    def to_dict(self) -> dict[str, Any]:
        return {
            "model_name": self.model_name,
            "label": self.label,
            "description": self.description,
            "features": [f.to_dict() for f in self.features],
        }

    # -- encoding for the model: one float per feature, categories as ordinal codes --------

    def encode_value(self, feature: Feature, value: Any) -> float:
        if value is None:
            return math.nan
        if feature.kind == "boolean":
            return 1.0 if value else 0.0
        if feature.kind == "categorical":
            code = self._codes[feature.name].get(value)
            return math.nan if code is None else float(code)
        return float(value)

    def encode_record(self, record: Mapping[str, Any]) -> list[float]:
        """Encode one validated record; unseen categories and missing values become NaN.

        The same mapping as `encode_value`, inlined: it runs for every online prediction."""
        out = []
        for name, how in self._plan:
            value = record.get(name)
            if value is None:
                out.append(math.nan)
            elif how is None:
                out.append(float(value))
            elif how is True:
                out.append(1.0 if value else 0.0)
            else:
                code = how.get(value)  # type: ignore[union-attr]
                out.append(math.nan if code is None else float(code))
        return out

    def encode_columns(self, columns: Mapping[str, Any]) -> np.ndarray:
        """Encode column arrays (a DataFrame or a dict of arrays) into a float32 matrix."""
        text = [f.name for f in self.features if f.kind == "text"]
        if text:  # a text feature is read whole by a text model (driftscope.text), never encoded
            raise ContractError(
                f"model '{self.model_name}': text features are scored by text models only "
                f"({', '.join(text)})",
                {"text_features": text},
            )
        out = []
        for f in self.features:
            col = np.asarray(columns[f.name])
            if f.kind == "categorical":
                lookup = self._codes[f.name]
                encoded = np.array([lookup.get(v, np.nan) for v in col.tolist()], dtype=np.float64)
            else:
                encoded = np.asarray(col, dtype=np.float64)
            out.append(encoded)
        return np.column_stack(out).astype(np.float32)

    def check_columns(self, columns: Sequence[str], *, require_label: bool) -> None:
        """Raise one ContractError naming every missing column of a user dataset."""
        wanted = [*self.names, *([self.label] if require_label else [])]
        missing = [c for c in wanted if c not in columns]
        if missing:
            raise ContractError(
                f"dataset does not match the '{self.model_name}' contract: "
                f"missing column(s) {', '.join(missing)}",
                {"missing_columns": missing, "expected_columns": wanted},
            )


def _shipped_contract(model_name: str) -> FeatureContract:
    spec = shipped_spec(model_name)
    if spec is None:  # a broken installation: the spec file is package data
        raise ContractError(f"the shipped spec of model '{model_name}' is missing")
    return FeatureContract.from_spec(spec)


FRAUD_CONTRACT = _shipped_contract("fraud")
MERCHANT_CATEGORIES = FRAUD_CONTRACT.feature("merchant_category").categories

CONTRACTS: dict[str, FeatureContract] = {FRAUD_CONTRACT.model_name: FRAUD_CONTRACT}


def get_contract(model_name: str) -> FeatureContract:
    try:
        return CONTRACTS[model_name]
    except KeyError:
        raise ContractError(f"no feature contract for model '{model_name}'") from None

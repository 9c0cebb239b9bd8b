"""The feature contract: one definition of each model's input features, shared by every process."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal

import numpy as np

from driftscope.errors import ContractError

FeatureKind = Literal["numeric", "integer", "categorical", "boolean"]
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

    @property
    def is_categorical(self) -> bool:
        return self.kind in ("categorical", "boolean")

    def to_dict(self) -> dict[str, Any]:
        """Every field, in declaration order; `kind` is published as `type`."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["categories"] = list(self.categories)
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
        object.__setattr__(self, "_plan", plan)

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


MERCHANT_CATEGORIES = (
    "grocery",
    "restaurant",
    "fuel",
    "retail",
    "travel",
    "electronics",
    "gaming",
    "digital_goods",
)

FRAUD_CONTRACT = FeatureContract(
    model_name="fraud",
    label="is_fraud",
    description="Card transaction fraud: probability that a transaction is fraudulent.",
    features=(
        Feature("amount", "numeric", "Transaction amount", "USD", 0.0, 100_000.0, example=129.99),
        Feature(
            "hour_of_day", "integer", "Local hour of the transaction", "hour", 0, 23, example=14
        ),
        Feature(
            "merchant_category",
            "categorical",
            "Merchant category; new categories are accepted and counted as unseen",
            categories=MERCHANT_CATEGORIES,
            open_categories=True,
            example="electronics",
        ),
        Feature(
            "channel",
            "categorical",
            "Where the card was used",
            categories=("pos", "online", "mobile", "atm"),
            example="online",
        ),
        Feature(
            "country_risk",
            "categorical",
            "Risk tier of the merchant's country",
            categories=("low", "medium", "high"),
            example="low",
        ),
        Feature(
            "distance_from_home_km",
            "numeric",
            "Distance between cardholder home and merchant; missing when not located",
            "km",
            0.0,
            20_040.0,
            allow_missing=True,
            example=12.4,
        ),
        Feature(
            "seconds_since_last_txn",
            "numeric",
            "Seconds since the card's previous transaction; missing for a first transaction",
            "s",
            0.0,
            31_536_000.0,
            allow_missing=True,
            example=5400.0,
        ),
        Feature(
            "txn_count_24h",
            "integer",
            "Transactions on the card in the last 24 h",
            "count",
            0,
            1000,
            example=3,
        ),
        Feature(
            "avg_amount_30d",
            "numeric",
            "Average transaction amount on the card over 30 days",
            "USD",
            0.0,
            100_000.0,
            example=64.2,
        ),
        Feature(
            "amount_to_avg_ratio",
            "numeric",
            "amount / avg_amount_30d",
            "ratio",
            0.0,
            10_000.0,
            example=2.02,
        ),
        Feature(
            "card_age_days",
            "integer",
            "Days since the card was issued",
            "day",
            0,
            20_000,
            example=730,
        ),
        Feature(
            "is_foreign", "boolean", "Merchant outside the cardholder's country", example=False
        ),
    ),
)

CONTRACTS: dict[str, FeatureContract] = {FRAUD_CONTRACT.model_name: FRAUD_CONTRACT}


def get_contract(model_name: str) -> FeatureContract:
    try:
        return CONTRACTS[model_name]
    except KeyError:
        raise ContractError(f"no feature contract for model '{model_name}'") from None

"""Infer a model spec from a table with a binary target column (`driftscope spec infer`)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from driftscope.errors import InvalidSpecError
from driftscope.spec.model import (
    CATEGORY_MAX_LENGTH,
    CONTROL_CHARACTERS,
    IDENTIFIER,
    FeatureSpec,
    ModelSpec,
    check_model_name,
)

MAX_CATEGORIES = 50  # more distinct values than this: an open categorical of the most frequent
RANGE_MARGIN = 0.1  # ranges are widened by this share of the observed span on each side
# A column with a different value on every row is an id only with enough rows to tell.
MIN_ROWS_FOR_ID = 20
SAMPLE_ROWS = 1_000
TRUTHY = frozenset({"1", "true", "yes"})
_BOOLEAN_WORDS = frozenset({"true", "false"})
MAX_BOOLEAN_SPELLINGS = 8  # true, True, TRUE, " true" ... and the same for false


@dataclass(frozen=True)
class Dropped:
    """A column left out of the spec, and why."""

    column: str
    reason: str


@dataclass(frozen=True)
class InferredSpec:
    spec: ModelSpec
    dropped: tuple[Dropped, ...]
    rows: int


def infer_spec(
    frame: pd.DataFrame,
    *,
    target: str,
    name: str,
    positive: str | None = None,
    description: str | None = None,
) -> InferredSpec:
    """A spec for the columns of `frame`: every column but the target is a candidate feature."""
    _check_input(frame, target, name)
    values = target_values(frame[target], target, positive)
    classes = class_names(values, target)
    inferred = [infer_feature(column, frame[column]) for column in frame.columns.drop(target)]
    features = [f for f in inferred if isinstance(f, FeatureSpec)]
    if not features:
        raise InvalidSpecError(f"no usable feature column besides the target '{target}'")
    spec = ModelSpec.from_dict(
        {
            "name": name,
            "description": description or f"{classes[0]} vs {classes[1]} ({target})",
            "target": target,
            "classes": classes,
            "positive_value": values[0],
            "features": features,
        }
    )
    return InferredSpec(spec, tuple(d for d in inferred if isinstance(d, Dropped)), len(frame))


def _check_input(frame: pd.DataFrame, target: str, name: str) -> None:
    """Refusals that need no look at the values: before the work on a large file."""
    try:
        check_model_name(name)
    except ValueError as exc:
        raise InvalidSpecError(str(exc)) from None
    if frame.empty:
        raise InvalidSpecError("the data has no rows")
    check_column_names(frame.columns)
    if target not in frame.columns:
        raise InvalidSpecError(
            f"no target column '{target}' in the data (columns: {', '.join(frame.columns)})"
        )


def check_column_names(columns: Iterable[Any]) -> None:
    """Refuse every column name that is not an identifier, suggesting a rename for each."""
    bad = [str(c) for c in columns if not isinstance(c, str) or not IDENTIFIER.fullmatch(c)]
    if bad:
        renames = ", ".join(f"{c!r} → {suggest_identifier(c)!r}" for c in bad)
        raise InvalidSpecError(
            f"column names must be identifiers (letters, digits and _, not starting with a "
            f"digit, at most 64 characters); rename: {renames}",
            {"columns": bad},
        )


def suggest_identifier(column: str) -> str:
    words = re.sub(r"[^0-9a-zA-Z]+", "_", column).strip("_").lower()
    words = words or "column"
    return (f"c_{words}" if words[0].isdigit() else words)[:64]


# ---- the target ------------------------------------------------------------------------


def target_classes(series: pd.Series, target: str, positive: str | None) -> list[str]:
    """The two class names, positive first; refuses a target that is not binary."""
    return class_names(target_values(series, target, positive), target)


def target_values(series: pd.Series, target: str, positive: str | None) -> tuple[str, str]:
    """The target's two raw values (as `as_labels` writes them), the positive first."""
    counts = as_labels(series.dropna()).value_counts()
    if len(counts) != 2:
        shown = ", ".join(map(repr, counts.index[:5])) + (", ..." if len(counts) > 5 else "")
        raise InvalidSpecError(
            f"target '{target}' has {len(counts)} distinct value(s) ({shown}): only binary "
            "classification is supported (two values)",
            {"target": target, "distinct": len(counts)},
        )
    chosen = _positive_value(counts, target, positive)
    return chosen, next(v for v in counts.index if v != chosen)


def class_names(values: tuple[str, str], target: str) -> list[str]:
    """0/1 and true/false targets name their classes after the target column, others by value."""
    if {v.lower() for v in values} in ({"0", "1"}, {"false", "true"}):
        return [target if v.lower() in TRUTHY else f"not_{target}" for v in values]
    return list(values)


def _positive_value(counts: pd.Series, target: str, positive: str | None) -> str:
    values = sorted(counts.index)
    if positive is not None:
        matches = [v for v in values if v == positive] or [
            v for v in values if v.lower() == positive.lower()
        ]
        if not matches:
            raise InvalidSpecError(
                f"--positive {positive!r} is not a value of target '{target}' "
                f"(values: {', '.join(values)})"
            )
        return matches[0]
    truthy = [v for v in values if v.lower() in TRUTHY]
    if truthy:
        return truthy[0]
    return min(values, key=lambda v: (counts[v], v))  # the minority class; a tie: by name


def as_labels(values: pd.Series) -> pd.Series:
    """Target values as strings: 1.0 → "1" (a target with missing values reads as floats)."""
    if pd.api.types.is_bool_dtype(values):
        return values.map({True: "true", False: "false"})
    if pd.api.types.is_numeric_dtype(values) and bool((values % 1 == 0).all()):
        return values.astype("int64").astype(str)
    return values.astype(str).str.strip()


# ---- features --------------------------------------------------------------------------


def infer_feature(column: str, series: pd.Series) -> FeatureSpec | Dropped:
    present = series.dropna()
    allow_missing = len(present) < len(series)
    distinct = present.unique()  # computed once: the costly step on a large column
    if len(distinct) <= 1:
        value = f"the same value on every row ({str(distinct[0])!r})" if len(distinct) else None
        return Dropped(column, f"constant: {value or 'no values'}")
    # A different value on every row (none missing) is an id, given enough rows to tell.
    id_like = len(series) >= MIN_ROWS_FOR_ID and len(distinct) == len(series)
    boolean = _as_boolean(present, distinct)
    if boolean is not None:
        return _boolean(column, boolean, allow_missing)
    numbers = _as_numbers(present)
    if numbers is not None:
        return _number(column, numbers, allow_missing, id_like=id_like)
    return _categorical(column, present.astype(str), allow_missing, id_like=id_like)


def _as_boolean(present: pd.Series, distinct: Any) -> pd.Series | None:
    """true/false (any case) and 0/1 columns as booleans, else None."""
    if pd.api.types.is_bool_dtype(present):
        return present
    if len(distinct) > MAX_BOOLEAN_SPELLINGS:
        return None
    if pd.api.types.is_numeric_dtype(present):
        return present == 1 if set(distinct) <= {0, 1} else None
    words = {value: str(value).strip().lower() for value in distinct}
    if not set(words.values()) <= _BOOLEAN_WORDS:
        return None
    return present.map({value: word == "true" for value, word in words.items()})


def _as_numbers(present: pd.Series) -> pd.Series | None:
    if pd.api.types.is_numeric_dtype(present):
        return present.astype("float64")
    # A column of words fails on its first rows: only numbers pay for the full conversion.
    if pd.to_numeric(present.iloc[:SAMPLE_ROWS], errors="coerce").isna().any():
        return None
    converted = pd.to_numeric(present, errors="coerce")
    return converted.astype("float64") if bool(converted.notna().all()) else None


def _boolean(column: str, values: pd.Series, allow_missing: bool) -> FeatureSpec:
    example = bool(values.mode().iloc[0])
    return FeatureSpec(name=column, kind="boolean", allow_missing=allow_missing, example=example)


def _number(
    column: str, numbers: pd.Series, allow_missing: bool, *, id_like: bool
) -> FeatureSpec | Dropped:
    if not bool(np.isfinite(numbers).all()):
        return Dropped(column, "has infinite values")
    integer = bool((numbers % 1 == 0).all())
    if integer and id_like:
        return Dropped(column, "a different whole number on every row (an identifier?)")
    low, high = widened_range(float(numbers.min()), float(numbers.max()), integer=integer)
    median = float(numbers.quantile(0.5, interpolation="nearest"))
    return FeatureSpec(
        name=column,
        kind="integer" if integer else "numeric",
        minimum=low,
        maximum=high,
        open_range=True,  # what this CSV held: later data may go beyond it (that is drift)
        allow_missing=allow_missing,
        example=int(median) if integer else median,
    )


def widened_range(low: float, high: float, *, integer: bool) -> tuple[int | float, int | float]:
    """[low, high] widened by the margin, rounded outwards; a non-negative one stays so."""
    margin = (high - low) * RANGE_MARGIN
    wide_low = max(low - margin, 0.0) if low >= 0 else low - margin
    wide_high = high + margin
    if integer:
        return math.floor(wide_low), math.ceil(wide_high)
    # Rounded outwards to ~1/100 of the span: 29.1..62.6 → 25.7..66.0, not 25.749999...
    exponent = math.floor(math.log10(high - low)) - 2
    digits, step = max(0, -exponent), 10.0**exponent
    return (
        round(math.floor(wide_low / step) * step, digits),
        round(math.ceil(wide_high / step) * step, digits),
    )


def _categorical(
    column: str, values: pd.Series, allow_missing: bool, *, id_like: bool
) -> FeatureSpec | Dropped:
    if id_like:
        return Dropped(column, "a different value on every row (an identifier?)")
    counts = values.value_counts()  # most frequent first
    distinct = counts.index.to_series()
    invalid = distinct.str.len().gt(CATEGORY_MAX_LENGTH) | distinct.str.contains(CONTROL_CHARACTERS)
    if bool(invalid.any()):
        return Dropped(
            column,
            f"{int(counts[invalid.to_numpy()].sum())} value(s) longer than "
            f"{CATEGORY_MAX_LENGTH} characters or with control characters: not categories "
            "(free text is not supported yet)",
        )
    return FeatureSpec(
        name=column,
        kind="categorical",
        categories=tuple(sorted(counts.index[:MAX_CATEGORIES])),
        open_categories=len(counts) > MAX_CATEGORIES,
        allow_missing=allow_missing,
        example=str(counts.index[0]),
    )

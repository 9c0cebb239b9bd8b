"""Vectorised checks of one CSV column against a contract feature, for batch scoring."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from driftscope.contract import Feature
from driftscope.spec.model import CATEGORY_MAX_LENGTH
from driftscope_backend.prediction.schemas import (
    CATEGORY_PATTERN,
    MAX_TEXT_CHARS,
    USER_CATEGORY_PATTERN,
)

ID_MAX_LENGTH = 128
BOOLEAN_TOKENS = {"true": 1.0, "false": 0.0, "1": 1.0, "0": 0.0}
_CATEGORY = re.compile(CATEGORY_PATTERN)
_USER_CATEGORY = re.compile(USER_CATEGORY_PATTERN)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # as /predict: PostgreSQL text cannot hold NUL
MISSING = "missing value (required)"


@dataclass(frozen=True)
class FeatureCheck:
    """One column checked: model encoding, log values, and which rows are invalid and why."""

    encoded: np.ndarray  # float64 for the model (NaN when missing or unseen); a text: the text
    typed: Any  # JSON-ready values for the prediction log (read for valid rows only)
    bad: np.ndarray  # bool per row
    reasons: dict[int, str]  # row → why, for the bad rows


def check_feature(feature: Feature, raw: pd.Series, *, lenient: bool = False) -> FeatureCheck:
    """`lenient`: a user model's rules for unseen categories (any string without control
    characters), as on its /predict; the fraud model keeps CATEGORY_PATTERN."""
    if feature.kind == "text":
        return _text(raw)
    if feature.kind == "boolean":
        return _boolean(feature, raw)
    if feature.kind == "categorical":
        return _categorical(feature, raw, _USER_CATEGORY if lenient else _CATEGORY)
    return _number(feature, raw)


def _flag(reasons: dict[int, str], mask: np.ndarray, reason: Any) -> None:
    """Record `reason` (a string, or a function of the row) for rows in `mask` not yet bad."""
    for row in np.flatnonzero(mask).tolist():
        if row not in reasons:
            reasons[row] = reason(row) if callable(reason) else reason


def _numeric_values(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """float64 values (NaN when empty) and the mask of cells that are present but no finite number."""
    if raw.dtype.kind in "iuf":  # the parser read every cell as a number: the fast path
        values = raw.to_numpy(dtype=np.float64, na_value=np.nan)
        infinite = np.isinf(values)  # "inf", "1e400": numbers to the parser, not to the contract
        return (
            (np.where(infinite, np.nan, values), infinite) if infinite.any() else (values, infinite)
        )
    present = raw.notna().to_numpy()
    text = raw.astype(object).where(raw.notna(), None).astype(str) if raw.dtype.kind == "b" else raw
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    not_number = present & ~np.isfinite(values)
    return np.where(not_number, np.nan, values), not_number


def _number(feature: Feature, raw: pd.Series) -> FeatureCheck:
    values, not_number = _numeric_values(raw)
    reasons: dict[int, str] = {}
    _flag(reasons, not_number, lambda row: f"{raw.iloc[row]!r} is not a number")
    missing = np.isnan(values) & ~not_number
    if not feature.allow_missing:
        _flag(reasons, missing, MISSING)
    with np.errstate(invalid="ignore"):
        if feature.minimum is not None and not feature.open_range:  # open: scored as is
            low = values < feature.minimum
            _flag(
                reasons,
                low,
                lambda row: f"{values[row]:g} is below the minimum {feature.minimum:g}",
            )
        if feature.maximum is not None and not feature.open_range:
            high = values > feature.maximum
            _flag(
                reasons,
                high,
                lambda row: f"{values[row]:g} is above the maximum {feature.maximum:g}",
            )
        if feature.kind == "integer":
            fraction = np.isfinite(values) & (values != np.floor(values))
            _flag(reasons, fraction, lambda row: f"{values[row]:g} is not an integer")
    # integers as int64 for the log (a missing integer is an invalid row: its 0 is never read)
    integer = feature.kind == "integer"
    typed: Any = np.where(missing, 0, values).astype(np.int64) if integer else values
    if feature.allow_missing and missing.any():
        typed = typed.astype(object)
        typed[missing] = None
    return FeatureCheck(values, typed, _mask(reasons, len(values)), reasons)


def _boolean(feature: Feature, raw: pd.Series) -> FeatureCheck:
    codes, uniques = pd.factorize(raw)
    table = [BOOLEAN_TOKENS.get(str(u).strip().lower(), np.nan) for u in uniques]
    encoded = np.asarray([*table, np.nan], dtype=np.float64)[codes]  # code -1 (empty) → NaN
    reasons: dict[int, str] = {}
    missing = codes == -1
    if not feature.allow_missing:
        _flag(reasons, missing, MISSING)
    unknown = np.isnan(encoded) & ~missing
    _flag(reasons, unknown, lambda row: f"{raw.iloc[row]!r} is not a boolean (true, false, 1, 0)")
    typed = np.where(missing, None, (encoded == 1.0).astype(object))
    return FeatureCheck(encoded, typed, _mask(reasons, len(encoded)), reasons)


def _categorical(feature: Feature, raw: pd.Series, well_formed: re.Pattern[str]) -> FeatureCheck:
    codes, uniques = pd.factorize(raw)
    index = {c: float(i) for i, c in enumerate(feature.categories)}
    values = [str(u) for u in uniques]
    encoded = np.asarray([*(index.get(u, np.nan) for u in values), np.nan], dtype=np.float64)[codes]
    reasons: dict[int, str] = {}
    missing = codes == -1
    if not feature.allow_missing:
        _flag(reasons, missing, MISSING)
    if feature.open_categories:  # unseen but well-formed values are scored as unknown
        refused = [i for i, u in enumerate(values) if u not in index and not well_formed.match(u)]
        why = (
            "is not a valid category (lower-case letters, digits, '_' or '-'; at most 32)"
            if well_formed is _CATEGORY
            else f"is not a valid category (control characters, or over {CATEGORY_MAX_LENGTH})"
        )
    else:
        refused = [i for i, u in enumerate(values) if u not in index]
        why = f"is not an allowed category ({', '.join(feature.categories)})"
    if refused:
        _flag(reasons, np.isin(codes, refused), lambda row: f"{values[codes[row]]!r} {why}")
    typed = np.asarray([*values, None], dtype=object)[codes]
    return FeatureCheck(encoded, typed, _mask(reasons, len(encoded)), reasons)


def _text(raw: pd.Series) -> FeatureCheck:
    """A text column, as /predict takes a text: any non-blank string up to MAX_TEXT_CHARS.
    `encoded` holds the texts themselves (a text model reads them whole)."""
    texts = raw.astype(object).where(raw.notna(), None).to_numpy(dtype=object)
    reasons: dict[int, str] = {}
    for row, text in enumerate(texts.tolist()):
        if text is None or not str(text).strip():
            reasons[row] = "text is missing or blank"
        elif len(str(text)) > MAX_TEXT_CHARS:
            reasons[row] = f"text is over {MAX_TEXT_CHARS} characters"
    return FeatureCheck(texts, texts, _mask(reasons, len(texts)), reasons)


def _mask(reasons: dict[int, str], n: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    if reasons:
        mask[list(reasons)] = True
    return mask


def check_ids(raw: pd.Series) -> tuple[list[str | None], dict[int, str]]:
    """Row ids (None when empty) and the rows whose id cannot be stored, with why."""
    ids: list[str | None] = [
        None if v is None else str(v) for v in raw.astype(object).where(raw.notna(), None).tolist()
    ]
    present = [v for v in ids if v is not None]
    longest = max(map(len, present), default=0)
    if longest <= ID_MAX_LENGTH and not _CONTROL.search("".join(present)):
        return ids, {}  # the usual case, checked on all ids at once
    reasons: dict[int, str] = {}
    for row, value in enumerate(ids):
        if value is not None and len(value) > ID_MAX_LENGTH:
            reasons[row] = f"longer than {ID_MAX_LENGTH} characters"
        elif value is not None and _CONTROL.search(value):
            reasons[row] = "contains a control character"
    return ids, reasons

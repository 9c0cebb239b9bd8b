"""Training data: generated, or a user CSV checked against the feature contract."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from driftscope.contract import Feature, FeatureContract
from driftscope.errors import ContractError
from driftscope.spec.model import CATEGORY_MAX_LENGTH, CONTROL_CHARACTERS
from driftscope.training.user_data import encode_target

_TRUE = {"true", "1", "yes", "t", "y"}
_FALSE = {"false", "0", "no", "f", "n"}


def _bad_rows(mask: np.ndarray) -> str:
    rows = (np.flatnonzero(mask)[:3] + 2).tolist()  # +2: header line, 1-based file lines
    return f"{int(mask.sum())} row(s), e.g. line(s) {', '.join(map(str, rows))}"


def _coerce(feature: Feature, raw: pd.Series) -> tuple[pd.Series, str | None]:
    """Column converted to the feature's type, and a reason if any value is invalid."""
    empty = raw.isna().to_numpy() | (raw.astype(str).str.strip() == "").to_numpy()
    problems: list[str] = []
    if empty.any() and not feature.allow_missing:
        problems.append(f"missing values not allowed ({_bad_rows(empty)})")
    if feature.kind == "boolean":
        values = _booleans(raw, empty, problems)
    elif feature.kind == "categorical":
        values = _categories(feature, raw, empty, problems)
    else:
        values = _numbers(feature, raw, empty, problems)
    return values, "; ".join(problems) or None


def _booleans(raw: pd.Series, empty: np.ndarray, problems: list[str]) -> pd.Series:
    text = raw.astype(str).str.strip().str.lower()
    bad = ~empty & ~text.isin(_TRUE | _FALSE).to_numpy()
    if bad.any():
        problems.append(f"not a boolean ({_bad_rows(bad)})")
    return pd.Series(np.where(empty, None, text.isin(_TRUE)), index=raw.index, dtype=object)


def _categories(
    feature: Feature, raw: pd.Series, empty: np.ndarray, problems: list[str]
) -> pd.Series:
    text = raw.astype(str).str.strip()
    if not feature.open_categories:
        bad = ~empty & ~text.isin(feature.categories).to_numpy()
        if bad.any():
            allowed = ", ".join(feature.categories)
            problems.append(f"unknown category ({_bad_rows(bad)}); allowed: {allowed}")
    else:  # any well-formed value: a user model's liberal rule for open categories
        unfit = text.str.len().gt(CATEGORY_MAX_LENGTH) | text.str.contains(CONTROL_CHARACTERS)
        malformed = ~empty & unfit.to_numpy()
        if malformed.any():
            problems.append(
                f"not a category: longer than {CATEGORY_MAX_LENGTH} characters or with "
                f"control characters ({_bad_rows(malformed)})"
            )
    return pd.Series(np.where(empty, None, text), index=raw.index, dtype=object)


def _numbers(feature: Feature, raw: pd.Series, empty: np.ndarray, problems: list[str]) -> pd.Series:
    values = pd.to_numeric(raw, errors="coerce")
    not_number = ~empty & values.isna().to_numpy()
    if not_number.any():
        problems.append(f"not a number ({_bad_rows(not_number)})")
    if feature.kind == "integer":  # 3.0 is a whole number
        fractional = (values.notna() & (values != values.round())).to_numpy()
        if fractional.any():
            problems.append(f"not a whole number ({_bad_rows(fractional)})")
    lo = -np.inf if feature.minimum is None else feature.minimum
    hi = np.inf if feature.maximum is None else feature.maximum
    out = (values.notna() & ((values < lo) | (values > hi))).to_numpy()
    if out.any():
        problems.append(f"outside [{lo:g}, {hi:g}] ({_bad_rows(out)})")
    return values


def load_training_csv(
    path: Path, contract: FeatureContract, labels: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Read and validate a CSV; one ContractError names every bad column and why.

    The label column holds 0/1, or with `labels` (a user model's target) the raw values
    mapped to 1/0; rows without a target value are then left out (`attrs["unlabelled"]`)."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=True)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ContractError(f"cannot read {path}: {exc}") from exc
    contract.check_columns(list(raw.columns), require_label=True)
    unlabelled = 0
    if labels is not None:
        present = raw[contract.label].notna().to_numpy()
        unlabelled = int((~present).sum())
        raw = raw[present].reset_index(drop=True)
    errors: dict[str, str] = {}
    data: dict[str, pd.Series] = {}
    for feature in contract.features:
        data[feature.name], problem = _coerce(feature, raw[feature.name])
        if problem:
            errors[feature.name] = problem
    label = _labels(raw[contract.label], contract.label, labels, errors)
    if errors:
        listing = "; ".join(f"{col}: {why}" for col, why in errors.items())
        raise ContractError(
            f"{path} does not match the '{contract.model_name}' contract: {listing}", errors
        )
    frame = pd.DataFrame(data)
    frame[contract.label] = label
    if frame[contract.label].nunique() < 2:
        raise ContractError(f"{path}: the label column needs both classes (0 and 1)")
    frame.attrs["unlabelled"] = unlabelled
    return frame


def _labels(
    raw: pd.Series, column: str, labels: Mapping[str, int] | None, errors: dict[str, str]
) -> np.ndarray | None:
    """The label column as 0/1 integers; a problem goes into `errors` (None returned)."""
    if labels is not None:
        try:
            return encode_target(raw, column, labels)
        except ContractError as exc:
            errors[column] = exc.message.removeprefix(f"target '{column}': ")
            return None
    label = pd.to_numeric(raw, errors="coerce")
    if not label.isin([0, 1]).all():
        errors[column] = f"label must be 0 or 1 ({_bad_rows(~label.isin([0, 1]).to_numpy())})"
        return None
    return label.to_numpy(dtype=np.int64)

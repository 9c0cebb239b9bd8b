"""External (monitor-only) models: a registry version made from a reference CSV, no artifact.

The model is served elsewhere; its predictions arrive through `POST /models/{name}/log`. The
reference CSV stands in for training data: it gives the spec (inferred as `spec infer` does,
the score column left out), the drift reference profile (the same profile code training
uses), and, with a score column, the threshold (the default policy) and reference metrics
that live performance is compared to.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope import registry
from driftscope.db.models import ModelVersion
from driftscope.errors import ContractError
from driftscope.events import add_event
from driftscope.profile import build_profile
from driftscope.spec import ModelSpec, shipped_spec
from driftscope.spec.cli import read_csv
from driftscope.spec.infer import Dropped, infer_spec
from driftscope.training.dataset import _bad_rows, load_training_csv
from driftscope.training.metrics import classification_report
from driftscope.training.threshold import ThresholdPolicy, select_threshold, threshold_table
from driftscope.training.user_data import given_spec, target_labels

__all__ = ["ExternalReference", "reference_from_csv", "register_external"]
DEFAULT_POLICY = ThresholdPolicy("f1")  # `driftscope train`'s default threshold policy
UNSCORED_THRESHOLD = 0.5  # no scores to choose on and no --threshold given


@dataclass(frozen=True)
class ExternalReference:
    """What register-external stores: spec, threshold, reference metrics and profile."""

    spec: ModelSpec
    threshold: float
    metrics: dict[str, Any]
    profile: dict[str, Any]
    rows: int  # rows of the CSV, with or without a target value
    dropped: tuple[Dropped, ...] = ()  # columns inference left out, and why


def _refuse(option: str, message: str) -> ContractError:
    return ContractError(message, [{"field": option, "reason": message}])


def check_name(name: str) -> None:
    """A built-in model is served here: it cannot also be an external one."""
    if shipped_spec(name) is not None:
        raise _refuse("--name", f"model '{name}' is a built-in served model; choose another name")


def _spec(
    path: Path,
    name: str,
    target: str,
    score_column: str | None,
    spec_path: Path | None,
    positive: str | None,
) -> tuple[ModelSpec, tuple[Dropped, ...]]:
    if spec_path is not None:
        if positive is not None:
            raise _refuse("--positive", "the spec file decides the positive class")
        spec = given_spec(spec_path, name, target)
        if score_column is not None and score_column in {f.name for f in spec.features}:
            raise _refuse(
                "--score-column", f"'{score_column}' is a feature of the spec, not a score column"
            )
        return spec, ()
    frame = read_csv(path)
    if score_column is not None:
        frame = frame.drop(columns=[score_column])  # the model's output is not an input
    inferred = infer_spec(frame, target=target, name=name, positive=positive)
    return inferred.spec, inferred.dropped


def _check_columns(path: Path, target: str, score_column: str | None) -> list[str]:
    try:
        columns = list(pd.read_csv(path, nrows=0).columns)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise _refuse("--reference", f"cannot read {path}: {exc}") from exc
    if target not in columns:
        raise _refuse(
            "--target", f"{path} has no column '{target}' (columns: {', '.join(columns)})"
        )
    if score_column is not None and score_column not in columns:
        raise _refuse(
            "--score-column",
            f"{path} has no column '{score_column}' (columns: {', '.join(columns)})",
        )
    if score_column == target:
        raise _refuse("--score-column", "the score column cannot be the target")
    return columns


def read_scores(path: Path, target: str, score_column: str) -> np.ndarray:
    """The score of each row with a target value (the rows load_training_csv keeps), in [0, 1]."""
    raw = pd.read_csv(path, dtype=str, usecols=[target, score_column])
    labelled = raw[target].notna().to_numpy()
    scores = pd.to_numeric(raw[score_column], errors="coerce")
    bad = labelled & (scores.isna() | (scores < 0) | (scores > 1)).to_numpy()
    if bad.any():
        raise _refuse(
            "--score-column",
            f"score column '{score_column}': {_bad_rows(bad)} not a probability in [0, 1]",
        )
    return scores.to_numpy(dtype=np.float64)[labelled]


def _threshold_and_metrics(
    labels: np.ndarray, scores: np.ndarray | None, threshold: float | None
) -> tuple[float, dict[str, Any]]:
    """The threshold (given, else the default policy on the reference) and reference metrics
    under `test`, where gate, alerts and the Models page read a version's metrics."""
    if scores is None:
        chosen = UNSCORED_THRESHOLD if threshold is None else threshold
        policy = "default (no scores)" if threshold is None else "given"
        return chosen, {
            "test": {"n": len(labels), "fraud_rate": float(labels.mean())},
            "threshold_policy": policy,
        }
    if threshold is None:
        threshold = select_threshold(threshold_table(labels, scores), DEFAULT_POLICY)
        policy = DEFAULT_POLICY.describe()
    else:
        policy = "given"
    return threshold, {
        "test": classification_report(labels, scores, threshold),
        "threshold_policy": policy,
    }


def reference_from_csv(
    path: Path,
    *,
    name: str,
    target: str,
    score_column: str | None = None,
    spec_path: Path | None = None,
    positive: str | None = None,
    threshold: float | None = None,
) -> ExternalReference:
    """Read and check the reference CSV; every refusal names the option at fault."""
    check_name(name)
    _check_columns(path, target, score_column)
    spec, dropped = _spec(path, name, target, score_column, spec_path, positive)
    contract = spec.contract()
    frame = load_training_csv(path, contract, target_labels(spec))
    labels = frame[contract.label].to_numpy()
    scores = None if score_column is None else read_scores(path, target, score_column)
    chosen, metrics = _threshold_and_metrics(labels, scores, threshold)
    metrics.update(
        kind=registry.EXTERNAL_KIND,
        evaluated_on="reference",
        rows={"reference": len(frame)},
        data=str(path),
        score_column=score_column,
        unlabelled_rows_skipped=frame.attrs.get("unlabelled", 0),
    )
    profile = build_profile(contract, frame, scores)
    rows = len(frame) + metrics["unlabelled_rows_skipped"]
    return ExternalReference(spec, chosen, metrics, profile, rows, dropped)


async def register_external(
    session: AsyncSession, reference: ExternalReference
) -> tuple[ModelVersion, int | None, int]:
    """Register the next version of an external model and make it production.

    Returns (the version row, the previous production version, the `model` event id). A
    name with versions trained here is a served model and is refused."""
    name = reference.spec.name
    check_name(name)
    served = [
        v.version
        for v in await registry.list_versions(session, name)
        if not registry.is_external(v)
    ]
    if served:
        raise _refuse(
            "--name",
            f"model '{name}' is served here (trained version(s) {served}); choose another name",
        )
    before = await registry.get_alias(session, name, registry.PRODUCTION)
    previous = None if before is None else before.version
    version = await registry.next_version(session, name)
    row, _ = await registry.register_version(
        session,
        model_name=name,
        version=version,
        kind=registry.EXTERNAL_KIND,
        artifact_path="",
        sha256="",
        metrics=reference.metrics,
        threshold=reference.threshold,
        profile=reference.profile,
        spec=reference.spec,
    )
    await registry.set_alias(session, name, registry.PRODUCTION, version)
    payload = {
        "action": "registered",
        "kind": registry.EXTERNAL_KIND,
        "version": version,
        "previous": previous,
        "changed": True,
    }
    event = await add_event(session, name, "model", payload)
    return row, previous, event.id

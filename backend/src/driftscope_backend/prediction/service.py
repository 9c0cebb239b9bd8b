"""Scoring: validated transactions → calibrated probability, decision, and a logged row."""

from __future__ import annotations

import logging
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from driftscope.ids import uuid7
from driftscope.serving.artifact import LoadedModel
from driftscope_backend.prediction.writer import Row

# Namespace for ids derived from a client transaction_id: a retry maps to the same id.
TRANSACTION_NAMESPACE = uuid.UUID("5e7f9a02-3c41-4d2e-8b1a-6f0c2d9e4b73")
log = logging.getLogger(__name__)
# predictions.request_id is VARCHAR(64): a longer client header would fail the whole batch.
REQUEST_ID_MAX = 64


def _unseen_warnings(model: LoadedModel, record: dict[str, Any]) -> list[str]:
    warnings = []
    for name, known in model.contract.open_categorical:
        value = record.get(name)
        if value is not None and value not in known:
            warnings.append(f"{name}: unseen category '{value}' scored as unknown")
    return warnings


def score(
    model: LoadedModel,
    transaction: BaseModel,
    *,
    started_ns: int,
    request_id: str | None,
    variant: str = "production",
    source: str = "online",
    use_rules: bool = True,
) -> tuple[dict[str, Any], Row]:
    """Score one transaction; returns (response item, prediction row to log).

    The model's accepted rules run first (when `use_rules`): a match decides with the rule's
    measured fraud rate as probability, and the model is not evaluated (`path: rules`).
    """
    # The validated fields as they are (model_dump would copy the same values, ~10x slower).
    record = dict(transaction.__dict__)
    transaction_id: str | None = record.pop("transaction_id", None)
    rule = model.rules.match(record) if use_rules and model.rules is not None else None
    if rule is None:
        probability = model.probability_row(model.contract.encode_record(record))
        fraud = probability >= model.threshold
    else:
        probability, fraud = float(rule.probability or 0.0), rule.decision == "fraud"
    prediction_id = (
        uuid.uuid5(TRANSACTION_NAMESPACE, f"{model.model_name}:{transaction_id}")
        if transaction_id
        else uuid7()
    )
    latency_us = (time.perf_counter_ns() - started_ns) // 1_000
    row: Row = {
        "id": prediction_id,
        "model_name": model.model_name,
        "model_version": model.version,
        "ts": datetime.now(UTC),
        "transaction_id": transaction_id,
        "features": record,
        "score": probability,
        "decision": fraud,
        "threshold": model.threshold,
        "path": "model" if rule is None else "rules",
        "rule": None if rule is None else rule.id,  # response only: not a predictions column
        "variant": variant,
        "latency_us": latency_us,
        "request_id": request_id[:REQUEST_ID_MAX] if request_id else None,
        "source": source,
    }
    return result_from_row(row, warnings=_unseen_warnings(model, record)), row


def result_from_row(
    row: Row, *, replayed: bool = False, warnings: list[str] | None = None
) -> dict[str, Any]:
    return {
        "prediction_id": str(row["id"]),
        "transaction_id": row["transaction_id"],
        "fraud_probability": round(float(row["score"]), 6),
        "decision": "fraud" if row["decision"] else "legit",
        "threshold": row["threshold"],
        "model_name": row["model_name"],
        "model_version": row["model_version"],
        "variant": row["variant"],
        "path": row["path"],
        "rule": row.get("rule"),
        "latency_us": row["latency_us"],
        "replayed": replayed,
        "warnings": warnings or [],
    }

"""Scoring: validated items of one model → calibrated probability, decision, and a logged row.

`predict` is the per-request loop of every /predict route (the default model's and each
model's): replays, canary routing, scoring, the all-or-nothing hand-off to the log, shadow."""

from __future__ import annotations

import logging
import time
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from starlette.requests import Request

from driftscope.errors import OverloadedError
from driftscope.ids import uuid7
from driftscope.logs import request_id_var
from driftscope.serving.artifact import LoadedModel
from driftscope_backend.metrics.predictions import prediction_counts
from driftscope_backend.prediction import routing
from driftscope_backend.prediction.state import FRAUD_CLASSES, FRAUD_NAMING, ModelState
from driftscope_backend.prediction.writer import PredictionWriter, Row

if TYPE_CHECKING:
    from driftscope_backend.runtime import Runtime

# Namespace for ids derived from a client transaction_id: a retry maps to the same id.
TRANSACTION_NAMESPACE = uuid.UUID("5e7f9a02-3c41-4d2e-8b1a-6f0c2d9e4b73")
log = logging.getLogger(__name__)
# predictions.request_id is VARCHAR(64): a longer client header would fail the whole batch.
REQUEST_ID_MAX = 64


def _unseen_warnings(model: LoadedModel, record: dict[str, Any]) -> list[str]:
    """What the model scores without having seen it: unseen categories of open categorical
    features, values outside an open range."""
    warnings = []
    contract = model.contract
    for name, known in contract.open_categorical:
        value = record.get(name)
        if value is not None and value not in known:
            warnings.append(f"{name}: unseen category '{value}' scored as unknown")
    for name, low, high in contract.open_ranged:
        value = record.get(name)
        if value is None:
            continue
        if low is not None and value < low:
            warnings.append(f"{name}: {value:g} is below the training range (from {low:g})")
        elif high is not None and value > high:
            warnings.append(f"{name}: {value:g} is above the training range (up to {high:g})")
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
    state: ModelState = FRAUD_NAMING,
) -> tuple[dict[str, Any], Row]:
    """Score one transaction; returns (response item, prediction row to log).

    The model's accepted rules run first (when `use_rules`): a match decides with the rule's
    measured fraud rate as probability, and the model is not evaluated (`path: rules`).
    """
    # The validated fields as they are (model_dump would copy the same values, ~10x slower).
    record = dict(transaction.__dict__)
    transaction_id: str | None = record.pop("transaction_id", None)
    rule, encoded, probability, fraud = model.decide(record, use_rules)
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
        "features": record if model.describe is None else model.describe(record, encoded),
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
    return result_from_row(row, state, warnings=_unseen_warnings(model, record)), row


def result_from_row(
    row: Row,
    state: ModelState = FRAUD_NAMING,
    *,
    replayed: bool = False,
    warnings: list[str] | None = None,
) -> dict[str, Any]:
    """The answer for one logged row, decision named by the model's classes (`state`)."""
    probability = round(float(row["score"]), 6)
    positive, negative = state.classes
    result = {
        "prediction_id": str(row["id"]),
        "transaction_id": row["transaction_id"],
        "probability": probability,
        "decision": positive if row["decision"] else negative,
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
    if state.legacy_fraud:
        result["fraud_probability"] = probability  # what fraud clients have always read
    return result


async def predict(
    runtime: Runtime, state: ModelState, items: list[Any], request: Request, started_ns: int
) -> list[dict[str, Any]]:
    """Score validated items with `state`'s models, log every fresh prediction (all or none),
    queue them for its shadow; a retried transaction_id answers its stored prediction."""
    model = state.require()
    writer = runtime.writer
    _require_room(writer, len(items))
    request_id = request_id_var.get()  # the edge middleware's: accepted or generated
    use_rules = runtime.settings.rules_enabled
    results, rows = [], []
    fresh: dict[str, Any] = {}  # rows of this request by transaction_id: a repeat is a replay
    for item in items:
        if item.transaction_id:
            stored = fresh.get(item.transaction_id) or await runtime.replay.find(
                model.model_name, item.transaction_id
            )
            if stored is not None:
                results.append(result_from_row(stored, state, replayed=True))
                continue
        scorer, variant = routing.choose(model, state.canary, state.canary_percent, item, request)
        result, row = score(
            scorer,
            item,
            started_ns=started_ns,
            request_id=request_id,
            variant=variant,
            use_rules=use_rules,
            state=state,
        )
        rows.append(row)
        if item.transaction_id:
            fresh[item.transaction_id] = row
        results.append(result)
    # All or nothing, and no await between the capacity check above (or the last replay
    # lookup) and buffering: a concurrent request cannot fill the buffer half-way through.
    _require_room(writer, len(rows))
    writer.submit_many(rows)
    if state.shadow is not None and runtime.shadow_scorer is not None:
        runtime.shadow_scorer.offer(rows)  # scored later by a background task; never blocks
    _count(runtime, rows)
    return results


def _require_room(writer: PredictionWriter, rows: int) -> None:
    if writer.depth + rows > writer.capacity:
        writer.rejected += 1
        raise OverloadedError("prediction log is full; retry shortly", retry_after_s=1)


def _count(runtime: Runtime, rows: list[Row]) -> None:
    """Prometheus counts (the decision by the model's class names) and the 1-second live stats
    (the WebSocket's `stats`), per model."""
    serving = runtime.serving
    for row in rows:
        name, decision = row["model_name"], row["decision"]
        runtime.live.record(row["latency_us"], decision, row["path"] == "rules", name)
        state = serving.get(name)
        classes = state.classes if state is not None else FRAUD_CLASSES
        key = (
            name,
            row["model_version"],
            row["variant"],
            "none" if decision is None else classes[0] if decision else classes[1],
            row["path"],
        )
        prediction_counts[key] += 1  # exported by /metrics as driftscope_predictions_total

"""POST /api/v1/predict and /api/v1/feedback: thin routes over the scoring and label services."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from driftscope.errors import OverloadedError
from driftscope.logs import request_id_var
from driftscope_backend.edge.middleware import FastRoute
from driftscope_backend.http import (
    LeanRoute,
    contract_error,
    json_response,
    read_body,
    require_json,
)
from driftscope_backend.metrics.predictions import prediction_counts
from driftscope_backend.prediction import feedback, routing, service
from driftscope_backend.prediction.explain import (
    EXPLAIN_PARAMETER,
    add_explanations,
    explain_flag,
)
from driftscope_backend.prediction.schemas import (
    MAX_ITEMS,
    FeedbackRequest,
    FeedbackResponse,
    ListBody,
    PredictionResults,
    SingleBody,
    Transaction,
)
from driftscope_backend.runtime import Runtime, SessionDep
from driftscope_backend.security import ClientDep, require_client

router = APIRouter(prefix="/api/v1", tags=["prediction"])

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed JSON"},
    413: {"description": "Body larger than the limit (DRIFTSCOPE_MAX_BODY_BYTES)"},
    422: {
        "description": 'Invalid input: `{"error": {"code", "message", "details": [{"field", "reason"}]}}`'
    },
    503: {"description": "No model loaded, or the prediction log is full (see Retry-After)"},
}
PREDICT_BODY_DOC = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "oneOf": [
                    {"$ref": "#/components/schemas/Transaction"},
                    {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Transaction"},
                        "minItems": 1,
                        "maxItems": MAX_ITEMS,
                    },
                ]
            },
            "examples": {
                "single": {
                    "summary": "One transaction",
                    "value": Transaction.model_json_schema()["examples"][0],
                },
                "batch": {
                    "summary": "A list (up to 1000)",
                    "value": [
                        {
                            **Transaction.model_json_schema()["examples"][0],
                            "transaction_id": "txn-1",
                        },
                        {
                            **Transaction.model_json_schema()["examples"][0],
                            "amount": 4800.0,
                            "amount_to_avg_ratio": 74.8,
                            "hour_of_day": 3,
                            "transaction_id": "txn-2",
                        },
                    ],
                },
            },
        }
    },
}


def _parse(body: bytes) -> tuple[list[Any], bool]:
    """Validated transactions and whether the body was a list."""
    is_list = body.lstrip()[:1] == b"["
    try:
        if is_list:
            return ListBody.validate_json(body), True
        return [SingleBody.validate_json(body)], False
    except ValidationError as exc:
        raise contract_error(exc) from exc


async def predict(request: Request) -> Response:
    """Calibrated fraud probability and decision per transaction; every prediction is logged.

    A retry carrying the same `transaction_id` returns the stored prediction (`replayed: true`).
    """
    started = time.perf_counter_ns()
    runtime: Runtime = request.app.state.runtime
    require_client(request)
    model = runtime.require_model()
    canary, canary_percent = runtime.canary, runtime.canary_percent  # swapped with `model`
    request.scope["model_version"] = model.version  # for the access log line
    explain = explain_flag(request)
    require_json(request)
    transactions, is_list = _parse(await read_body(request, runtime.settings.max_body_bytes))
    writer = runtime.writer
    if writer.depth + len(transactions) > writer.capacity:
        writer.rejected += 1
        raise OverloadedError("prediction log is full; retry shortly", retry_after_s=1)
    request_id = request_id_var.get()  # the edge middleware's: accepted or generated
    results, rows = [], []
    fresh: dict[str, Any] = {}  # rows of this request by transaction_id: a repeat is a replay
    for txn in transactions:
        if txn.transaction_id:
            stored = fresh.get(txn.transaction_id) or await runtime.replay.find(
                model.model_name, txn.transaction_id
            )
            if stored is not None:
                results.append(service.result_from_row(stored, replayed=True))
                continue
        scorer, variant = routing.choose(model, canary, canary_percent, txn, request)
        result, row = service.score(
            scorer,
            txn,
            started_ns=started,
            request_id=request_id,
            variant=variant,
            use_rules=runtime.settings.rules_enabled,
        )
        rows.append(row)
        if txn.transaction_id:
            fresh[txn.transaction_id] = row
        results.append(result)
    # All or nothing, and no await between the capacity check and buffering: a concurrent
    # request cannot fill the buffer half-way through this list.
    writer.submit_many(rows)
    if runtime.shadow is not None and runtime.shadow_scorer is not None:
        runtime.shadow_scorer.offer(rows)  # scored later by a background task; never blocks
    for row in rows:
        runtime.live.record(
            row["latency_us"], row["decision"], row["path"] == "rules", row["model_name"]
        )
        key = (
            row["model_name"],
            row["model_version"],
            row["variant"],
            row["decision"],
            row["path"],
        )
        prediction_counts[key] += 1  # exported by /metrics as driftscope_predictions_total
    if explain:
        await add_explanations([m for m in (model, canary) if m], transactions, results)
    return json_response(results if is_list else results[0])


router.add_api_route(
    "/predict",
    predict,
    methods=["POST"],
    summary="Score one transaction or a list",
    response_model=None,
    responses={
        200: {"model": PredictionResults, "description": "One result, or a list for a list"},
        **ERROR_RESPONSES,
        415: {"description": "Content-Type is not application/json"},
    },
    openapi_extra={"requestBody": PREDICT_BODY_DOC, "parameters": [EXPLAIN_PARAMETER]},
    route_class_override=LeanRoute,
)
# Called by the request edge directly, past Starlette's router (see edge.middleware); the route
# above still documents it and answers other methods.
FAST_ROUTES = {("POST", "/api/v1/predict"): FastRoute(predict, "/api/v1/predict")}


@router.post(
    "/feedback",
    response_model=FeedbackResponse,
    responses=ERROR_RESPONSES,
    summary="Send late ground-truth labels",
)
async def post_feedback(
    body: FeedbackRequest, request: Request, session: SessionDep, _client: ClientDep
) -> FeedbackResponse:
    """Attach labels to prediction ids. Idempotent; unknown ids are reported per item."""
    return await feedback.store_labels(session, request.app.state.runtime.writer, body)

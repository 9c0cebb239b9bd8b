"""POST /api/v1/predict and /api/v1/feedback: thin routes over the scoring and label services."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from driftscope_backend.edge.middleware import Endpoint, FastRoute
from driftscope_backend.http import (
    LeanRoute,
    contract_error,
    json_response,
    read_body,
    require_json,
)
from driftscope_backend.prediction import feedback, service
from driftscope_backend.prediction.explain import (
    EXPLAIN_PARAMETER,
    add_explanations,
    explain_flag,
)
from driftscope_backend.prediction.schemas import (
    MAX_ITEMS,
    FeedbackRequest,
    FeedbackResponse,
    ModelPredictionResults,
    PredictionResults,
    Transaction,
)
from driftscope_backend.prediction.state import ModelState
from driftscope_backend.runtime import MODEL_NAME_PARAMETER, Runtime, SessionDep
from driftscope_backend.security import ClientDep, check_client

router = APIRouter(prefix="/api/v1", tags=["prediction"])
MODEL_PREDICT_PATH = "/models/{name}/predict"

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed JSON"},
    413: {"description": "Body larger than the limit (DRIFTSCOPE_MAX_BODY_BYTES)"},
    422: {
        "description": 'Invalid input: `{"error": {"code", "message", "details": [{"field", "reason"}]}}`'
    },
    503: {"description": "No model loaded, or the prediction log is full (see Retry-After)"},
}


def one_or_list(component: str) -> dict[str, Any]:
    """The JSON schema of a /predict body: one item, or a list of 1–MAX_ITEMS items."""
    item = {"$ref": f"#/components/schemas/{component}"}
    return {"oneOf": [item, {"type": "array", "items": item, "minItems": 1, "maxItems": MAX_ITEMS}]}


PREDICT_BODY_DOC = {
    "required": True,
    "content": {
        "application/json": {
            "schema": one_or_list("Transaction"),
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


def _parse(body: bytes, state: ModelState) -> tuple[list[Any], bool]:
    """Items validated by the model's contract, and whether the body was a list."""
    is_list = body.lstrip()[:1] == b"["
    try:
        if is_list:
            return state.body.many.validate_json(body), True
        texts = state.body.items_of_texts(body)  # a text model's {"texts": [...]}
        if texts is not None:
            return texts, True
        return [state.body.single.validate_json(body)], False
    except ValidationError as exc:
        raise contract_error(exc) from exc


async def _answer(request: Request, runtime: Runtime, state: ModelState, started: int) -> Response:
    """The body of every /predict route once the model is known: parse, score, answer."""
    model = state.require()
    request.scope["model_version"] = model.version  # for the access log line
    explain = explain_flag(request)
    require_json(request)
    items, is_list = _parse(await read_body(request, runtime.settings.max_body_bytes), state)
    results = await service.predict(runtime, state, items, request, started)
    if explain:
        await add_explanations([m for m in (model, state.canary) if m], items, results)
    return json_response(results if is_list else results[0])


async def predict(request: Request) -> Response:
    """Calibrated fraud probability and decision per transaction; every prediction is logged.

    A retry carrying the same `transaction_id` returns the stored prediction (`replayed: true`).
    """
    started = time.perf_counter_ns()
    runtime: Runtime = request.app.state.runtime
    check_client(runtime, request)
    return await _answer(request, runtime, runtime.require_default(), started)


async def model_predict(request: Request) -> Response:
    """Probability of the positive class and decision (a class name) per item of model
    `name`; every prediction is logged. Its features: `GET /api/v1/models/{name}/schema`."""
    started = time.perf_counter_ns()
    runtime: Runtime = request.app.state.runtime
    check_client(runtime, request)
    state = runtime.state_of(request.path_params["name"])
    return await _answer(request, runtime, state, started)


def _add_predict_route(
    path: str,
    endpoint: Endpoint,
    summary: str,
    results: type[BaseModel],
    body: dict[str, Any],
    parameters: list[dict[str, Any]],
    responses: dict[int | str, dict[str, Any]] | None = None,
) -> None:
    router.add_api_route(
        path,
        endpoint,
        methods=["POST"],
        summary=summary,
        response_model=None,
        responses={
            200: {"model": results, "description": "One result, or a list for a list"},
            **ERROR_RESPONSES,
            415: {"description": "Content-Type is not application/json"},
            **(responses or {}),
        },
        openapi_extra={"requestBody": body, "parameters": parameters},
        route_class_override=LeanRoute,
    )


MODEL_BODY_DOC = {
    "required": True,
    "description": "The model's features: `GET /api/v1/models/{name}/schema` lists them.",
    "content": {
        "application/json": {
            "schema": one_or_list("ModelFeatures"),
            "example": Transaction.model_json_schema()["examples"][0],  # a fraud model's
        }
    },
}
_add_predict_route(
    "/predict",
    predict,
    "Score one transaction or a list",
    PredictionResults,
    PREDICT_BODY_DOC,
    [EXPLAIN_PARAMETER],
)
_add_predict_route(
    MODEL_PREDICT_PATH,
    model_predict,
    "Score one item or a list with model `name`",
    ModelPredictionResults,
    MODEL_BODY_DOC,
    [MODEL_NAME_PARAMETER, EXPLAIN_PARAMETER],
    {
        404: {"description": "Unknown model (`unknown_model`)"},
        409: {"description": "An external (monitor-only) model: `external_model`"},
    },
)
# Called by the request edge directly, past Starlette's router (see edge.middleware); the routes
# above still document them and answer other methods.
FAST_ROUTES = {("POST", "/api/v1/predict"): FastRoute(predict, "/api/v1/predict")}
# `/api/v1/models/{name}/predict`: the edge matches the name segment itself.
FAST_MODEL_ROUTES = {("POST", "/predict"): FastRoute(model_predict, f"/api/v1{MODEL_PREDICT_PATH}")}


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

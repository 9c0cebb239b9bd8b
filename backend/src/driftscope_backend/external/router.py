"""POST /api/v1/models/{name}/log: predictions of an external (monitor-only) model."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from pydantic import ValidationError

from driftscope.logs import request_id_var
from driftscope_backend.edge.middleware import FastRoute
from driftscope_backend.external.models import ExternalModels
from driftscope_backend.external.schemas import LogItemDoc, LogResult
from driftscope_backend.external.service import log_predictions
from driftscope_backend.http import (
    LeanRoute,
    contract_error,
    json_response,
    read_body,
    require_json,
)
from driftscope_backend.prediction.schemas import MAX_ITEMS
from driftscope_backend.runtime import MODEL_NAME_PATTERN, Runtime
from driftscope_backend.security import check_client

router = APIRouter(prefix="/api/v1/models", tags=["external models"])

_ITEM_SCHEMA = LogItemDoc.model_json_schema()
LOG_BODY_DOC = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "oneOf": [
                    _ITEM_SCHEMA,
                    {"type": "array", "items": _ITEM_SCHEMA, "minItems": 1, "maxItems": MAX_ITEMS},
                ]
            },
            "examples": {
                "single": {
                    "summary": "One prediction with its score",
                    "value": {
                        "features": {
                            "distance_km": 1200.5,
                            "stops": 1,
                            "weekend": False,
                            "carrier": "C",
                        },
                        "score": 0.83,
                        "transaction_id": "flight-000123",
                    },
                }
            },
        }
    },
}


NAME_PARAMETER = {
    "name": "name",
    "in": "path",
    "required": True,
    "description": "An external model's name (registered with `driftscope models register-external`)",
    "schema": {"type": "string", "pattern": MODEL_NAME_PATTERN},
    "example": "flights",
}


def external_models(app: FastAPI) -> ExternalModels:
    """The app's cache of external models, made on first use (it needs the lifespan's runtime)."""
    models: ExternalModels | None = getattr(app.state, "external_models", None)
    if models is None:
        runtime: Runtime = app.state.runtime
        models = ExternalModels(runtime.sessionmaker, runtime.settings.retention_days)
        app.state.external_models = models
    return models


def _parse(model: Any, body: bytes) -> list[Any]:
    try:
        if body.lstrip()[:1] == b"[":
            return model.many.validate_json(body)
        return [model.one.validate_json(body)]
    except ValidationError as exc:
        raise contract_error(exc) from exc


async def log(request: Request) -> Response:
    """Store predictions made elsewhere (features validated against the model's spec, as
    /predict does); idempotent on `prediction_id` and `transaction_id`. Labels: /feedback."""
    runtime: Runtime = request.app.state.runtime
    check_client(runtime, request)
    model = await external_models(request.app).get(request.path_params["name"])
    request.scope["model_version"] = model.version  # for the access log line
    require_json(request)
    items = _parse(model, await read_body(request, runtime.settings.max_body_bytes))
    result = await log_predictions(
        model, items, runtime.writer, runtime.replay, request_id_var.get()
    )
    return json_response(result)


LOG_TEMPLATE = "/api/v1/models/{name}/log"
# Dispatched by the request edge like /predict (FastAPI's router and layers skipped).
FAST_MODEL_ROUTES = {("POST", "/log"): FastRoute(log, LOG_TEMPLATE)}

router.add_api_route(
    "/{name}/log",
    log,
    methods=["POST"],
    summary="Log predictions of an external model",
    response_model=None,
    responses={
        200: {"model": LogResult, "description": "The stored prediction id of each item"},
        400: {"description": "Malformed JSON"},
        404: {"description": "Unknown model (`unknown_model`)"},
        409: {"description": "A model served here (`served_model`): use /predict"},
        413: {"description": "Body larger than the limit (DRIFTSCOPE_MAX_BODY_BYTES)"},
        415: {"description": "Content-Type is not application/json"},
        422: {"description": "Invalid item: `details` name `[i].features.<name>`, nothing stored"},
        503: {"description": "No production version, or the prediction log is full (Retry-After)"},
    },
    openapi_extra={"requestBody": LOG_BODY_DOC, "parameters": [NAME_PARAMETER]},
    route_class_override=LeanRoute,
)

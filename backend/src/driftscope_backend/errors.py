"""One mapping from domain exceptions and validation errors to `{"error": {code, message, details}}`."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from driftscope.errors import (
    ArtifactError,
    BodyTooLargeError,
    ContractError,
    DriftscopeError,
    ForbiddenError,
    GateFailedError,
    InvalidSpecError,
    MalformedJSONError,
    ModelNotFoundError,
    ModelNotServedError,
    NotFoundError,
    OverloadedError,
    UnauthorizedError,
    UnknownModelError,
    UnsupportedMediaTypeError,
    WrongModelKindError,
)
from driftscope.logs import request_id_var
from driftscope_backend.http import error_body, json_response, summarize, validation_details

# The HTTP edge of the domain tree: what a client sees for each error. A subclass without an
# entry takes its nearest mapped base's status; an unmapped error is a 500.
HTTP_STATUS: dict[type[DriftscopeError], int] = {
    MalformedJSONError: 400,
    UnauthorizedError: 401,
    ForbiddenError: 403,
    NotFoundError: 404,
    UnknownModelError: 404,
    BodyTooLargeError: 413,
    UnsupportedMediaTypeError: 415,
    ContractError: 422,
    GateFailedError: 422,
    WrongModelKindError: 409,  # the model exists, but is served elsewhere (or here)
    InvalidSpecError: 422,  # a model spec sent by a client that breaks the spec's rules
    ArtifactError: 500,
    ModelNotFoundError: 503,  # nothing to serve yet: a load balancer should try elsewhere
    ModelNotServedError: 503,
    OverloadedError: 503,
}


def http_status(exc: DriftscopeError) -> int:
    """The status of the most specific mapped class in `exc`'s MRO."""
    for cls in type(exc).__mro__:
        status = HTTP_STATUS.get(cls)
        if status is not None:
            return status
    return 500


async def _domain_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DriftscopeError)
    headers = {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, OverloadedError) else None
    body = error_body(exc.code, exc.message, exc.details)
    return json_response(body, http_status(exc), headers)


async def _request_validation(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    for err in errors:
        if err.get("type") == "json_invalid":
            return json_response(
                error_body(
                    "malformed_json",
                    f"malformed JSON: {err.get('msg')}",
                    [{"field": "body", "reason": err.get("msg")}],
                ),
                400,
            )
    details = validation_details(errors)
    return json_response(error_body("invalid_input", summarize(details), details), 422)


async def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    headers = dict(exc.headers) if exc.headers else None
    return json_response(error_body(code, str(exc.detail)), exc.status_code, headers)


def unexpected_error_body() -> dict[str, object]:
    """A bug's answer: the stable shape, and the request id that finds the traceback in the logs."""
    message = f"internal server error (request id {request_id_var.get()})"
    return error_body("internal_error", message)


async def _unexpected(_request: Request, _exc: Exception) -> Response:
    # Starlette's ServerErrorMiddleware answers with this, then re-raises for the server's log.
    return json_response(unexpected_error_body(), 500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Exception, _unexpected)
    app.add_exception_handler(DriftscopeError, _domain_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(StarletteHTTPException, _http_error)

"""Domain exceptions of Driftscope (HTTP status codes are the backend's mapping, not theirs).

DriftscopeError
 ├── ContractError              input does not match the feature contract (field-level details)
 │    └── InvalidSpecError      a model spec (or the data it is inferred from) is refused
 ├── MalformedJSONError         a body that is not JSON at all
 ├── BodyTooLargeError          a body over the configured size limit
 ├── UnsupportedMediaTypeError  a body declared as something other than JSON
 ├── UnauthorizedError          no API key, or one that matches nothing
 ├── ForbiddenError             a valid key without the needed role, or the admin API off
 ├── ModelNotFoundError         no model version / alias to serve
 │    └── ModelNotServedError   a registered model without a production version (or not loaded)
 ├── UnknownModelError          a model name the registry has never seen
 ├── WrongModelKindError        a served model's route used for an external one, or back
 ├── ArtifactError              artifact missing, corrupt or sha256 mismatch
 ├── OverloadedError            the prediction log queue is full (retry later)
 ├── NotFoundError              a referenced record does not exist
 └── GateFailedError            a model version fails the promotion gate (details: the checks)
"""

from __future__ import annotations

from typing import Any


class DriftscopeError(Exception):
    """Base of all Driftscope errors; `code` is the stable machine-readable name."""

    code = "driftscope_error"

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class ContractError(DriftscopeError):
    code = "invalid_input"


class InvalidSpecError(ContractError):
    code = "invalid_spec"


class MalformedJSONError(DriftscopeError):
    code = "malformed_json"


class BodyTooLargeError(DriftscopeError):
    code = "body_too_large"


class UnsupportedMediaTypeError(DriftscopeError):
    code = "unsupported_media_type"


class UnauthorizedError(DriftscopeError):
    code = "unauthorized"


class ForbiddenError(DriftscopeError):
    code = "forbidden"


class ModelNotFoundError(DriftscopeError):
    code = "model_not_found"


class ModelNotServedError(ModelNotFoundError):
    code = "model_not_served"


class UnknownModelError(DriftscopeError):
    """`details` names the model: `{"model": name}`."""

    code = "unknown_model"

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown model '{name}'", {"model": name})
        self.name = name


class WrongModelKindError(DriftscopeError):
    """/predict on an external (monitor-only) model, or /log on a served one."""

    code = "wrong_model_kind"

    def __init__(self, name: str, *, external: bool) -> None:
        if external:
            message = f"model '{name}' is external (monitor-only): log its predictions with /log"
        else:
            message = f"model '{name}' is served here: use /predict, not /log"
        super().__init__(message, {"model": name})
        self.code = "external_model" if external else "served_model"


class ArtifactError(DriftscopeError):
    code = "artifact_error"


class OverloadedError(DriftscopeError):
    code = "overloaded"

    def __init__(self, message: str, retry_after_s: int = 1) -> None:
        super().__init__(message, {"retry_after_s": retry_after_s})
        self.retry_after_s = retry_after_s


class NotFoundError(DriftscopeError):
    code = "not_found"


class GateFailedError(DriftscopeError):
    code = "gate_failed"

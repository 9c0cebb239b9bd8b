"""Domain exceptions of Driftscope.

DriftscopeError
 ├── ContractError          input does not match the feature contract (field-level details)
 ├── ModelNotFoundError     no model version / alias to serve
 ├── ArtifactError          artifact missing, corrupt or sha256 mismatch
 ├── OverloadedError        the prediction log queue is full (retry later)
 ├── NotFoundError          a referenced record does not exist
 └── GateFailedError        a model version fails the promotion gate (details: the checks)
"""

from __future__ import annotations

from typing import Any


class DriftscopeError(Exception):
    """Base of all Driftscope errors; `code` is stable, `status` the HTTP mapping."""

    code = "driftscope_error"
    status = 500

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class ContractError(DriftscopeError):
    code = "invalid_input"
    status = 422


class ModelNotFoundError(DriftscopeError):
    code = "model_not_found"
    status = 503


class ArtifactError(DriftscopeError):
    code = "artifact_error"
    status = 500


class OverloadedError(DriftscopeError):
    code = "overloaded"
    status = 503

    def __init__(self, message: str, retry_after_s: int = 1) -> None:
        super().__init__(message, {"retry_after_s": retry_after_s})
        self.retry_after_s = retry_after_s


class NotFoundError(DriftscopeError):
    code = "not_found"
    status = 404


class GateFailedError(DriftscopeError):
    code = "gate_failed"
    status = 422

"""The one mapping from the core exception tree to HTTP statuses."""

from __future__ import annotations

import inspect

from driftscope import errors
from driftscope_backend.errors import HTTP_STATUS, http_status


def test_every_core_error_has_a_deliberate_status() -> None:
    classes = {
        cls
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, errors.DriftscopeError) and cls is not errors.DriftscopeError
    }
    assert classes == set(HTTP_STATUS)


def test_core_errors_carry_no_http_status() -> None:
    assert not any(hasattr(cls, "status") for cls in HTTP_STATUS)


def test_a_subclass_takes_its_nearest_mapped_base() -> None:
    class UnknownVersion(errors.NotFoundError):
        pass

    assert http_status(UnknownVersion("v9")) == 404
    assert http_status(errors.DriftscopeError("bug")) == 500
    assert http_status(errors.OverloadedError("full")) == 503

"""Admin API keys (header X-API-Key) for actions that change state: ack, promote, simulator."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from driftscope.errors import DriftscopeError


class UnauthorizedError(DriftscopeError):
    code = "unauthorized"
    status = 401


class ForbiddenError(DriftscopeError):
    code = "forbidden"
    status = 403


def require_admin(request: Request) -> str:
    keys = request.app.state.runtime.settings.admin_keys
    if not keys:
        raise ForbiddenError("admin API disabled: set DRIFTSCOPE_ADMIN_API_KEYS")
    given = request.headers.get("x-api-key")
    if not given:
        raise UnauthorizedError("admin action: send the X-API-Key header")
    if not any(hmac.compare_digest(given, key) for key in keys):
        raise ForbiddenError("X-API-Key is not valid")
    return given


AdminDep = Annotated[str, Depends(require_admin)]

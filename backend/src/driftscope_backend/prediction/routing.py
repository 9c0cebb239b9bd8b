"""Variant choice for one online prediction: production, or the canary for a sticky share of keys.

The key is the transaction's entity: `transaction_id` when the client sends one (the fraud
contract has no card id), else the caller's X-API-Key, else its IP address. A stable hash
(blake2b, not Python's per-process salted `hash`) puts it into one of 10,000 buckets; buckets
below `canary_percent × 100` go to the canary, so every replica routes a key the same way.
"""

from __future__ import annotations

import hashlib
from typing import Any

from starlette.requests import Request

from driftscope.serving.artifact import LoadedModel
from driftscope.variants import CANARY, PRODUCTION

BUCKETS = 10_000


def bucket(key: str) -> int:
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % BUCKETS


def routing_key(transaction: Any, request: Request) -> str:
    transaction_id: str | None = getattr(transaction, "transaction_id", None)
    if transaction_id:
        return f"txn:{transaction_id}"
    api_key = request.headers.get("x-api-key")
    if api_key:
        return f"key:{api_key}"
    return f"ip:{request.client.host if request.client else ''}"


def choose(
    production: LoadedModel,
    canary: LoadedModel | None,
    canary_percent: float,
    transaction: Any,
    request: Request,
) -> tuple[LoadedModel, str]:
    """(model, variant) that scores this transaction."""
    if canary is None or canary_percent <= 0:
        return production, PRODUCTION
    if bucket(routing_key(transaction, request)) < canary_percent * (BUCKETS // 100):
        return canary, CANARY
    return production, PRODUCTION

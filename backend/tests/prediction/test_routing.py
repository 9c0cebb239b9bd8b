"""Canary routing: a stable hash of the routing key, a share within ±3 %, sticky per key."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace
from typing import Any

import pytest

from driftscope_backend.prediction.routing import BUCKETS, bucket, choose, routing_key


class FakeRequest:
    def __init__(self, api_key: str | None = None, host: str = "10.0.0.1") -> None:
        self.headers = {"x-api-key": api_key} if api_key else {}
        self.client = SimpleNamespace(host=host)


def txn(transaction_id: str | None = None) -> Any:
    return SimpleNamespace(transaction_id=transaction_id)


def test_bucket_is_stable_across_processes() -> None:
    # blake2b, not the per-process salted hash(): every replica and restart agrees.
    assert [bucket(k) for k in ("txn:a", "txn:b", "key:k1")] == [1639, 4688, 7388]
    digest = hashlib.blake2b(b"txn:a", digest_size=8).digest()
    assert bucket("txn:a") == int.from_bytes(digest, "big") % BUCKETS


def test_routing_key_prefers_transaction_then_api_key_then_ip() -> None:
    assert routing_key(txn("t-1"), FakeRequest("k")) == "txn:t-1"  # type: ignore[arg-type]
    assert routing_key(txn(None), FakeRequest("k")) == "key:k"  # type: ignore[arg-type]
    assert routing_key(txn(None), FakeRequest(None, "1.2.3.4")) == "ip:1.2.3.4"  # type: ignore[arg-type]


@pytest.mark.parametrize("percent", [1.0, 10.0, 25.0, 50.0, 90.0])
def test_split_within_three_points_over_5000_keys(percent: float) -> None:
    production, canary = SimpleNamespace(version=1), SimpleNamespace(version=2)
    variants = [
        choose(production, canary, percent, txn(f"t-{i}"), FakeRequest())[1]  # type: ignore[arg-type]
        for i in range(5_000)
    ]
    assert abs(variants.count("canary") / 5_000 * 100 - percent) <= 3.0
    again = [
        choose(production, canary, percent, txn(f"t-{i}"), FakeRequest())[1]  # type: ignore[arg-type]
        for i in range(5_000)
    ]
    assert again == variants  # the same key always gets the same variant


def test_no_canary_or_zero_percent_serves_production() -> None:
    production, canary = SimpleNamespace(version=1), SimpleNamespace(version=2)
    for i in range(200):
        assert choose(production, None, 50.0, txn(f"t-{i}"), FakeRequest())[1] == "production"  # type: ignore[arg-type]
        assert choose(production, canary, 0.0, txn(f"t-{i}"), FakeRequest())[1] == "production"  # type: ignore[arg-type]
    assert all(
        choose(production, canary, 100.0, txn(f"t-{i}"), FakeRequest())[1] == "canary"  # type: ignore[arg-type]
        for i in range(200)
    )

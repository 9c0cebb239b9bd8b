"""Token bucket arithmetic on a fake clock."""

from __future__ import annotations

import pytest

from driftscope_backend.edge.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_refill_at_the_rate() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=8, burst=3, clock=clock)  # binary fractions: exact arithmetic

    assert [limiter.acquire("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.acquire("a") == 0.125  # one token back in 1/rate s
    clock.now += 0.0625
    assert limiter.acquire("a") == 0.0625  # half a token refilled
    clock.now += 0.0625
    assert limiter.acquire("a") == 0.0
    assert limiter.counts == {"allowed": 4, "limited": 2}


def test_clients_have_separate_buckets_and_refill_caps_at_burst() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=1, burst=2, clock=clock)
    limiter.acquire("a")
    limiter.acquire("a")

    assert limiter.acquire("b") == 0.0  # b is unaffected by a
    clock.now += 1_000  # a long idle time refills to the burst, not beyond
    assert [limiter.acquire("a") > 0 for _ in range(3)] == [False, False, True]


def test_idle_buckets_are_evicted_beyond_max_clients() -> None:
    limiter = RateLimiter(rate=1, burst=1, max_clients=2, clock=Clock())
    for client in ("a", "b", "c"):
        limiter.acquire(client)

    assert limiter.clients == 2
    assert limiter.acquire("c") > 0  # the newest keep their state
    assert limiter.acquire("a") == 0.0  # the oldest was evicted: a fresh, full bucket


@pytest.mark.parametrize(("wait", "header"), [(0.001, "1"), (1.0, "1"), (1.2, "2")])
def test_retry_after_is_whole_seconds_and_never_zero(wait: float, header: str) -> None:
    assert RateLimiter.retry_after_header(wait) == header


def test_rejects_nonsense_configuration() -> None:
    with pytest.raises(ValueError):
        RateLimiter(rate=0, burst=1)

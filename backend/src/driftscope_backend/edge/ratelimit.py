"""Token-bucket rate limiting per client (API key, else client IP), in memory per replica."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable


class RateLimiter:
    """Each client has a bucket of `burst` tokens refilled at `rate` per second; a request
    takes one token or is refused with the seconds until one is back.

    Buckets live in an LRU map bounded by `max_clients`: a client evicted while idle comes back
    with a full bucket, which is what an idle client would have anyway after `burst / rate` s.
    `counts` holds the outcome totals ("allowed", "limited") for /metrics.
    """

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        max_clients: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = float(burst)
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: OrderedDict[str, list[float]] = OrderedDict()  # client → [tokens, at]
        self.counts: dict[str, int] = {"allowed": 0, "limited": 0}

    def acquire(self, client: str) -> float:
        """0.0 when the request may go ahead, else the seconds to wait before retrying."""
        now = self.clock()
        bucket = self._buckets.get(client)
        if bucket is None:
            bucket = [self.burst, now]
            self._buckets[client] = bucket
            if len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(client)
            bucket[0] = min(self.burst, bucket[0] + (now - bucket[1]) * self.rate)
            bucket[1] = now
        if bucket[0] >= 1.0:
            bucket[0] -= 1.0
            self.counts["allowed"] += 1
            return 0.0
        self.counts["limited"] += 1
        return (1.0 - bucket[0]) / self.rate

    @staticmethod
    def retry_after_header(wait_s: float) -> str:
        """Retry-After is whole seconds; never 0, which would invite an immediate retry."""
        return str(max(1, math.ceil(wait_s)))

    @property
    def clients(self) -> int:
        return len(self._buckets)

"""Request latency histogram kept in plain lists: one bisect and two increments per request."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from prometheus_client.core import HistogramMetricFamily
from prometheus_client.utils import floatToGoString

REQUEST_DURATION = "driftscope_http_request_duration_seconds"
# From 0.5 ms: a /predict takes well under a millisecond, so coarser buckets would hide it.
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
MAX_SERIES = 500  # label sets beyond this fold into route="other": a scan cannot explode them

Labels = tuple[str, str, int]


class _Series:
    __slots__ = ("counts", "total")

    def __init__(self) -> None:
        self.counts = [0] * (len(BUCKETS) + 1)  # per bucket, the last one is +Inf
        self.total = 0.0


_series: dict[Labels, _Series] = {}  # exported label set → its counts


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one finished request. `route` is the route template, or "other" when none matched.

    Called from the event loop only (the ASGI middleware), so the increments need no lock.
    """
    series = _series.get((method, route, status)) or _new_series(method, route, status)
    series.counts[bisect_left(BUCKETS, seconds)] += 1
    series.total += seconds


def _new_series(method: str, route: str, status: int) -> _Series:
    """The series for a label set not seen yet; odd methods and overflow fold together."""
    if method not in KNOWN_METHODS:
        method = "OTHER"
    if len(_series) >= MAX_SERIES:
        route = "other"
    series = _series.get((method, route, status))
    if series is None:
        series = _series[method, route, status] = _Series()
    return series


def collect_requests() -> Iterator[HistogramMetricFamily]:
    family = HistogramMetricFamily(
        REQUEST_DURATION,
        "HTTP request duration by method, route template and status code.",
        labels=("method", "route", "status"),
    )
    for (method, route, status), series in list(_series.items()):
        cumulative, buckets = 0, []
        for bound, count in zip((*BUCKETS, float("inf")), series.counts, strict=True):
            cumulative += count
            buckets.append((floatToGoString(bound), cumulative))
        family.add_metric((method, route, str(status)), buckets, series.total)
    yield family

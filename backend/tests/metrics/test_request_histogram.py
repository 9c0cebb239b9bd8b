"""observe_request: bucket boundaries, bounded label sets, the exported histogram family."""

from __future__ import annotations

import pytest

from driftscope_backend.metrics import observe_request, requests
from driftscope_backend.metrics.requests import BUCKETS, MAX_SERIES, collect_requests


@pytest.fixture(autouse=True)
def fresh_series(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(requests, "_series", {})


def test_observations_land_in_le_buckets() -> None:
    for seconds in (0.0005, 0.0006, 0.0009, 0.003, 20.0):
        observe_request("POST", "/api/v1/predict", 200, seconds)
    (family,) = collect_requests()
    samples = {(s.name, s.labels.get("le")): s.value for s in family.samples}
    bucket = "driftscope_http_request_duration_seconds_bucket"
    assert samples[bucket, "0.0005"] == 1  # le is inclusive
    assert samples[bucket, "0.001"] == 3
    assert samples[bucket, "0.005"] == 4
    assert samples[bucket, "10.0"] == 4
    assert samples[bucket, "+Inf"] == 5
    assert samples["driftscope_http_request_duration_seconds_count", None] == 5
    assert samples["driftscope_http_request_duration_seconds_sum", None] == pytest.approx(20.0050)
    assert len([s for s in family.samples if s.name == bucket]) == len(BUCKETS) + 1


def test_label_sets_stay_bounded() -> None:
    observe_request("BREW", "/api/v1/predict", 405, 0.001)
    observe_request("brew", "/api/v1/predict", 405, 0.001)
    for i in range(MAX_SERIES + 50):
        observe_request("GET", f"/route/{i}", 200, 0.001)

    labels = {(s.labels["method"], s.labels["route"]) for s in next(collect_requests()).samples}
    assert ("OTHER", "/api/v1/predict") in labels
    assert not any(method in ("BREW", "brew") for method, _ in labels)
    assert len(labels) == MAX_SERIES + 1  # the first MAX_SERIES label sets, then route="other"
    assert ("GET", "other") in labels
    count = next(collect_requests()).samples
    folded = [s for s in count if s.name.endswith("_count") and s.labels["route"] == "other"]
    assert folded[0].value == 51  # 499 routes fit beside the OTHER-method series

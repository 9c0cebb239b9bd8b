"""Helpers for the metrics tests: scrape /metrics into samples, and store monitoring rows."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from prometheus_client.parser import text_string_to_metric_families

from driftscope.db import Alert, DriftReport, PerformanceSnapshot, utcnow

if TYPE_CHECKING:
    from backend.tests.conftest import Api

Samples = dict[str, list[tuple[dict[str, str], float]]]


async def scrape(api: Api, **headers: str) -> Samples:
    """Sample name (with _total, _bucket … suffixes) → [(labels, value)]."""
    response = await api.client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    """Sum of the samples of `name` whose labels include `labels` (0 when none)."""
    return sum(v for have, v in samples.get(name, []) if labels.items() <= have.items())


async def store_monitoring_rows(api: Api) -> None:
    """Two drift windows (the newer counts), a performance snapshot and three alerts."""
    end = utcnow().replace(microsecond=0)
    window = {"model_name": "fraud", "model_version": 1, "window_start": end - timedelta(minutes=5)}
    features = {
        "amount": {"psi": 0.42, "drifted": True},
        "channel": {"psi": 0.03, "drifted": False},
    }
    metrics = {
        "realised": {"roc_auc": 0.91, "f1": 0.55, "precision": 0.6, "recall": 0.5},
        "estimated": {"f1": 0.5, "precision": 0.45, "recall": None},
    }
    rows = [
        DriftReport(
            **window, window_end=end - timedelta(minutes=1), n=10, features={"amount": {"psi": 9.0}},
            prediction_drift={}, dataset_drift_share=1.0, dataset_drifted=True, sufficient=True,
        ),
        DriftReport(
            **window, window_end=end, n=500, features=features,
            prediction_drift={"psi": 0.07, "drifted": False},
            dataset_drift_share=0.5, dataset_drifted=False, sufficient=True,
        ),
        PerformanceSnapshot(
            **window, window_end=end, n_predictions=500, n_labelled=200, label_coverage=0.4,
            metrics=metrics,
        ),
        Alert(model_name="fraud", kind="feature_drift", feature="amount", severity="critical",
              status="open", message="amount drifted"),
        Alert(model_name="fraud", kind="feature_drift", feature="channel", severity="critical",
              status="open", message="channel drifted"),
        Alert(model_name="fraud", kind="prediction_drift", severity="warning", status="resolved",
              message="scores drifted"),
    ]  # fmt: skip
    async with api.app.state.runtime.sessionmaker() as session, session.begin():
        session.add_all(rows)

"""GET /api/v1/overview: fraud and a flights model side by side, from the rows the worker and
the prediction log hold."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from backend.tests.monitoring.conftest import record_logged_window, shifted_transactions
from sqlalchemy import insert

from driftscope import registry
from driftscope.db import Alert, Prediction, script_sessions, utcnow
from driftscope.drift import DriftReport
from driftscope.performance import window_performance
from driftscope.settings import Settings
from driftscope.testing import prediction_row
from driftscope.testing.external_model import register_external_flights
from driftscope.testing.monitoring import record_window
from driftscope.testing.user_model import FLIGHTS_TARGET, flights, train_flights
from driftscope.training.trainer import TrainResult

if TYPE_CHECKING:
    from backend.tests.conftest import Api

Serve = Callable[[Settings], AbstractAsyncContextManager["Api"]]
OVERVIEW = "/api/v1/overview"


async def _execute(settings: Settings, *statements: Any) -> None:
    url = settings.resolved_database_url
    async with script_sessions(url, None) as sessions, sessions() as session, session.begin():
        for statement in statements:
            await session.execute(statement)


async def _log_flights(settings: Settings, threshold: float) -> None:
    """30 online predictions in the last minute, 10 older ones and 5 batch-scored rows."""
    now = utcnow()
    features = {"distance_km": 800.0, "stops": 1, "weekend": True, "carrier": "A"}
    rows = [
        {**prediction_row(features, 0.4, threshold, ts), "model_name": "flights", **extra}
        for ts, extra in (
            [(now - timedelta(seconds=5), {})] * 30
            + [(now - timedelta(minutes=5), {})] * 10
            + [(now, {"source": "batch"})] * 5
        )
    ]
    await _execute(settings, insert(Prediction).values(rows))


async def _flights_window(settings: Settings, threshold: float) -> tuple[DriftReport, float]:
    """One monitored flights window with labels: its drift report and realised F1."""
    frame = flights(400, seed=9)
    labels = (frame.pop(FLIGHTS_TARGET) == "delayed").astype(int).to_numpy()
    scores = np.clip(labels * 0.5 + np.random.default_rng(9).uniform(0, 0.5, len(labels)), 0, 1)
    report = await record_window(
        settings, frame, list(scores), model_name="flights", labels=list(labels)
    )
    realised = window_performance(
        scores, labels.astype(float), threshold, min_labels=settings.performance_min_labels
    )["realised"]
    return report, realised["f1"]


@pytest.fixture
async def flights_model(registered_settings: Settings) -> TrainResult:
    return await train_flights(registered_settings)


@pytest.fixture
async def api(
    registered_settings: Settings, flights_model: TrainResult, serve: Serve
) -> AsyncIterator[Api]:
    async with serve(registered_settings) as started:
        yield started


async def _overview(api: Api) -> dict[str, dict[str, Any]]:
    response = await api.client.get(OVERVIEW)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["default_model"] == "fraud"
    return {model["name"]: model for model in body["models"]}


async def test_every_model_with_its_latest_numbers(
    api: Api, registered_settings: Settings, flights_model: TrainResult, trained_model: Any
) -> None:
    settings = registered_settings
    assert (await api.predict(shifted_transactions(300, seed=31))).status_code == 200
    await record_logged_window(api, settings)  # fraud: drifted, no labels yet
    await _log_flights(settings, flights_model.threshold)
    report, f1 = await _flights_window(settings, flights_model.threshold)
    await _execute(
        settings,
        insert(Alert).values(
            model_name="flights",
            kind="feature_drift",
            severity="warning",
            status="resolved",
            message="resolved: not counted",
        ),
    )

    response = await api.client.get(OVERVIEW)
    assert [model["name"] for model in response.json()["models"]] == ["fraud", "flights"]
    models = await _overview(api)
    fraud, flight = models["fraud"], models["flights"]
    assert (fraud["kind"], fraud["production_version"], fraud["rps"]) == ("served", 1, 5.0)
    assert 0 < fraud["drift_share"] < 1 and fraud["open_alerts"] > 0
    assert fraud["f1"] is None  # no labels arrived
    assert fraud["training_f1"] == pytest.approx(trained_model.trained.metrics["test"]["f1"])

    assert (flight["kind"], flight["production_version"]) == ("served", 1)
    assert flight["rps"] == 0.5  # 30 rows in the last minute; older and batch rows do not count
    assert flight["drift_share"] == pytest.approx(report.dataset_drift_share)
    drifted = [name for name, feature in report.features.items() if feature.drifted]
    assert flight["open_alerts"] == len(drifted)
    assert flight["f1"] == pytest.approx(f1)
    assert flight["training_f1"] == pytest.approx(flights_model.metrics["test"]["f1"])


async def test_newest_window_wins(
    api: Api, registered_settings: Settings, flights_model: TrainResult
) -> None:
    await _flights_window(registered_settings, flights_model.threshold)
    shifted = flights(400, seed=10)
    shifted["distance_km"] *= 3
    shifted.pop(FLIGHTS_TARGET)
    newer = await record_window(
        registered_settings, shifted, [0.5] * len(shifted), model_name="flights"
    )
    flight = (await _overview(api))["flights"]
    assert flight["drift_share"] == pytest.approx(newer.dataset_drift_share)
    assert flight["f1"] is None  # the newest window has no labels


async def test_models_without_production_or_served_elsewhere(
    api: Api, registered_settings: Settings, tmp_path: Path
) -> None:
    before = await _overview(api)
    assert before["fraud"]["rps"] == 0.0 and before["fraud"]["drift_share"] is None
    assert before["fraud"]["open_alerts"] == 0 and before["fraud"]["f1"] is None
    url = registered_settings.resolved_database_url
    async with script_sessions(url, None) as sessions, sessions() as session, session.begin():
        await registry.clear_alias(session, "flights", registry.PRODUCTION)
        partner = await register_external_flights(session, tmp_path, "partner", rows=300)
    after = await _overview(api)
    assert list(after) == ["fraud", "partner"]  # flights has no production version now
    assert after["partner"]["kind"] == "external"
    # an external model's reference F1 (its scores on the reference CSV) stands for training's
    assert after["partner"]["training_f1"] == pytest.approx(partner.metrics["test"]["f1"])

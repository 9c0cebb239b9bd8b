"""`?model=NAME` on every monitoring read endpoint, for fraud and the flights model trained from a
user's CSV (driftscope.testing.user_model); an unknown name is a 404 `unknown_model`, a known
model with no report yet keeps the "no report yet" answers; the catalog is cached."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from backend.tests.conftest import error_of
from backend.tests.monitoring.conftest import Serve

from driftscope.generator import generate_frame
from driftscope.settings import Settings
from driftscope.spec import shipped_spec
from driftscope.testing.monitoring import record_window
from driftscope.testing.user_model import FLIGHTS_TARGET, flights, train_flights
from driftscope.testing.waiting import wait_until

if TYPE_CHECKING:
    from backend.tests.conftest import Api

READS = ("/api/v1/drift/latest", "/api/v1/drift/history", "/api/v1/performance/history")
FLIGHTS_FEATURES = [c for c in flights(1).columns if c != FLIGHTS_TARGET]
FRAUD_FEATURES = [f.name for f in shipped_spec("fraud").features]  # type: ignore[union-attr]


async def record_fraud_window(settings: Settings) -> None:
    frame = generate_frame(300, seed=5)[FRAUD_FEATURES]
    await record_window(settings, frame, np.random.default_rng(5).uniform(0, 0.3, 300).tolist())


async def record_flights_window(settings: Settings) -> None:
    frame = flights(300, seed=9)
    frame["carrier"] = "C"  # a moved carrier mix: an open alert for `carrier`
    scores = np.random.default_rng(9).uniform(0, 1, 300).tolist()
    await record_window(settings, frame[FLIGHTS_FEATURES], scores, model_name="flights")


@pytest.fixture
async def flights_settings(admin_settings: Settings) -> Settings:
    await train_flights(admin_settings)
    return admin_settings


@pytest.fixture
async def two_models(flights_settings: Settings, serve: Serve) -> AsyncIterator[Api]:
    """fraud and flights registered, one window of each recorded."""
    await record_fraud_window(flights_settings)
    await record_flights_window(flights_settings)
    async with serve(flights_settings) as api:
        yield api


async def get(api: Api, url: str, model: str, **params: str) -> Any:
    response = await api.client.get(url, params={"model": model, **params})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    ("model", "features"), [("fraud", FRAUD_FEATURES), ("flights", FLIGHTS_FEATURES)]
)
async def test_every_read_endpoint_answers_for_each_model(
    two_models: Api, model: str, features: list[str]
) -> None:
    latest = await get(two_models, "/api/v1/drift/latest", model)
    assert (latest["model_name"], latest["model_version"], latest["n"]) == (model, 1, 300)
    assert list(latest["features"]) == features  # spec order

    feature = features[-1]
    history = await get(two_models, "/api/v1/drift/history", model, feature=feature)
    assert (history["model_name"], history["feature"]) == (model, feature)
    assert [p["n"] for p in history["points"]] == [300]

    distribution = await get(two_models, f"/api/v1/drift/features/{feature}", model)
    assert distribution["feature"] == feature
    assert sum(distribution["current_counts"]) == 300

    performance = await get(two_models, "/api/v1/performance/history", model)
    assert performance["model_name"] == model
    assert [p["n_predictions"] for p in performance["points"]] == [300]

    alerts = await get(two_models, "/api/v1/alerts", model)
    assert {a["model_name"] for a in alerts["alerts"]} <= {model}


async def test_alerts_and_features_belong_to_their_model(two_models: Api) -> None:
    flights_alerts = (await get(two_models, "/api/v1/alerts", "flights"))["alerts"]
    assert ("flights", "carrier") in [(a["model_name"], a["feature"]) for a in flights_alerts]

    response = await two_models.client.get("/api/v1/drift/features/carrier")  # fraud's
    error = error_of(response, 404, "not_found")
    assert "carrier" in error["message"] and "amount" in error["details"][0]["allowed"]
    response = await two_models.client.get(
        "/api/v1/drift/history", params={"model": "flights", "feature": "amount"}
    )
    assert error_of(response, 404, "not_found")["details"][0]["allowed"] == [
        *FLIGHTS_FEATURES,
        "prediction",
    ]


async def test_an_unknown_model_is_unknown_model_on_every_read(two_models: Api) -> None:
    for url in (*READS, "/api/v1/alerts", "/api/v1/drift/features/amount"):
        response = await two_models.client.get(url, params={"model": "nope"})
        error = error_of(response, 404, "unknown_model")
        assert (error["message"], error["details"]) == ("unknown model 'nope'", {"model": "nope"})


async def test_a_known_model_without_a_report_yet(flights_settings: Settings, serve: Serve) -> None:
    await record_fraud_window(flights_settings)
    async with serve(flights_settings) as api:
        for url in ("/api/v1/drift/latest", "/api/v1/drift/features/carrier"):
            response = await api.client.get(url, params={"model": "flights"})
            error = error_of(response, 404, "not_found")
            assert "no drift report yet for model 'flights'" in error["message"]
        assert (await get(api, "/api/v1/drift/history", "flights"))["points"] == []
        assert (await get(api, "/api/v1/performance/history", "flights"))["points"] == []
        assert (await get(api, "/api/v1/alerts", "flights"))["alerts"] == []
        assert (await get(api, "/api/v1/drift/latest", "fraud"))["n"] == 300


async def test_the_catalog_is_read_once_then_again_after_a_model_event(
    admin_settings: Settings, serve: Serve
) -> None:
    async with serve(admin_settings) as api:
        runtime = api.app.state.runtime
        runtime.catalog.clock = lambda: 0.0  # never stale by age: only an event refreshes it
        for _ in range(5):
            await get(api, "/api/v1/alerts", "fraud")
        assert runtime.catalog.reads == 1
        reads = runtime.catalog.reads

        response = await api.client.get("/api/v1/alerts", params={"model": "flights"})
        error_of(response, 404, "unknown_model")  # an unknown name does not make it read again
        assert runtime.catalog.reads == reads

        # Training registers the model and publishes its `model` event (on PostgreSQL the tail
        # may hear it at once, on SQLite at its next poll): that event, not age, refreshes.
        await train_flights(admin_settings)

        async def known() -> bool:
            response = await api.client.get("/api/v1/alerts", params={"model": "flights"})
            return response.status_code == 200

        await wait_until(known, what="the tail's model event refreshing the catalog")
        assert runtime.catalog.reads == reads + 1

"""GET /health and /ready, with a served model and with none registered."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from backend.tests.conftest import error_of, transaction

from driftscope.settings import Settings
from driftscope.testing.user_model import train_flights

if TYPE_CHECKING:
    from backend.tests.conftest import Api

    Serve = Callable[[Settings], AbstractAsyncContextManager[Api]]


async def test_health_is_alive(api: Api) -> None:
    response = await api.client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_with_a_loaded_model(api: Api) -> None:
    response = await api.client.get("/ready")

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["reasons"]) == ("ready", [])
    assert body["model"] == {"name": "fraud", "version": 1}
    assert body["writer"]["queue_depth"] == 0
    assert body["writer"]["capacity"] == api.app.state.settings.writer_queue_size


async def test_ready_counts_written_rows(api: Api) -> None:
    await api.predict([transaction()] * 3)
    await api.flush()

    body = (await api.client.get("/ready")).json()

    assert body["writer"]["rows_written"] == 3


async def test_no_registered_model(serve: Serve, database_url: str, tmp_path: Path) -> None:
    """A fresh, empty database: the app starts (migrations run) but is not ready to predict."""
    settings = Settings(data_dir=tmp_path / "empty", database_url=database_url)
    async with serve(settings) as api:
        assert (await api.client.get("/health")).status_code == 200

        ready = await api.client.get("/ready")
        assert ready.status_code == 503
        body = ready.json()
        assert body["status"] == "not_ready" and body["model"] is None
        assert len(body["reasons"]) == 1
        assert "no model loaded" in body["reasons"][0] and "fraud" in body["reasons"][0]

        error = error_of(await api.predict(transaction()), 503, "model_not_found")
        assert "driftscope train" in error["message"]

        models = (await api.client.get("/api/v1/models")).json()
        assert (models["serving"], models["versions"], models["aliases"]) == (None, [], [])
        await api.flush()
        assert await api.count() == 0


async def test_only_a_user_model_is_ready_degraded_naming_it(
    serve: Serve, database_url: str, tmp_path: Path
) -> None:
    """Trained from a CSV only, no fraud model: the process serves flights, so it stays in the
    load balancer (200), `degraded` because the default model's /api/v1/predict cannot answer."""
    settings = Settings(data_dir=tmp_path / "own", database_url=database_url)
    await train_flights(settings)
    async with serve(settings) as api:
        ready = await api.client.get("/ready")
        assert ready.status_code == 200
        body = ready.json()
        assert body["status"] == "degraded" and body["model"] is None
        assert len(body["reasons"]) == 1
        assert "no 'fraud' model" in body["reasons"][0]
        assert body["reasons"][0].endswith("; serving flights v1")


async def test_missing_artifact_is_not_ready(serve: Serve, registered_settings: Settings) -> None:
    """A registered version whose files are gone: reported by /ready, /predict answers 503."""
    manifest_dir = registered_settings.models_dir / "fraud" / "v1"
    for path in sorted(manifest_dir.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()

    async with serve(registered_settings) as api:
        ready = await api.client.get("/ready")
        assert ready.status_code == 503
        assert ready.json()["reasons"][0].startswith("no model loaded")
        error_of(await api.predict(transaction()), 503, "model_not_found")


async def test_unknown_route_uses_the_error_shape(api: Api) -> None:
    error = error_of(await api.client.get("/api/v1/nope"), 404, "not_found")

    assert "/api/v1/nope" in error["message"]
    error_of(await api.client.put("/api/v1/predict", json={}), 405, "method_not_allowed")

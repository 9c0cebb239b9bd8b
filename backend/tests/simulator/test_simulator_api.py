"""GET/PUT /api/v1/simulator and PUT /api/v1/simulator/status: admin key, merging, validation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from sqlalchemy import select

from driftscope.db import Event, SimulatorControl, utcnow
from driftscope.settings import Settings

if TYPE_CHECKING:
    from backend.tests.conftest import Api

URL = "/api/v1/simulator"
STATUS_URL = "/api/v1/simulator/status"
ADMIN_KEY = "k1"
ADMIN = {"X-API-Key": ADMIN_KEY}
DEFAULT_DESIRED = {
    "running": True,
    "rate": 20.0,
    "scenario": "auto",
    "intensity": 1.0,
    "fraud_rate": 0.04,
    "features": None,
    "content": {"running": True, "rate": 5.0, "scenario": "none", "intensity": 1.0},
}
STATUS = {"actual_rate": 49.6, "scenario": "auto", "phase": "none", "sent": 1200, "failed": 2}
Serve = Callable[[Settings], AbstractAsyncContextManager["Api"]]


@pytest.fixture
async def api(database_url: str, tmp_path: Path, serve: Serve) -> AsyncIterator[Api]:
    """The app with admin key k1; no model is needed to steer the simulator."""
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url)
    async with serve(settings.model_copy(update={"admin_api_keys": ADMIN_KEY})) as started:
        yield started


@pytest.fixture
def client(api: Api) -> httpx.AsyncClient:
    return api.client


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code and error["message"], error
    return error


async def test_get_returns_the_default_state(client: httpx.AsyncClient) -> None:
    response = await client.get(URL)
    assert response.status_code == 200, response.text
    state = response.json()
    assert state["desired"] == DEFAULT_DESIRED
    assert (state["status"], state["online"], state["heartbeat_at"]) == (None, False, None)
    assert state["desired_updated_at"]


async def test_concurrent_first_reads_make_one_control_row(api: Api) -> None:
    """The control row is made on first use; requests racing to make it all succeed."""
    responses = await asyncio.gather(*(api.client.get(URL) for _ in range(8)))
    assert [r.status_code for r in responses] == [200] * 8, [r.text for r in responses]
    async with api.app.state.runtime.sessionmaker() as session:
        rows = list(await session.scalars(select(SimulatorControl)))
    assert [(r.name, r.desired) for r in rows] == [("default", DEFAULT_DESIRED)]


async def test_put_needs_the_admin_key(client: httpx.AsyncClient) -> None:
    error_of(await client.put(URL, json={"rate": 50}), 401, "unauthorized")
    wrong = await client.put(URL, json={"rate": 50}, headers={"X-API-Key": "nope"})
    error_of(wrong, 401, "unauthorized")
    assert (await client.get(URL)).json()["desired"] == DEFAULT_DESIRED


async def test_put_is_refused_when_admin_api_is_disabled(
    database_url: str, tmp_path: Path, serve: Serve
) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url)
    async with serve(settings) as api:
        response = await api.client.put(URL, json={"rate": 50}, headers=ADMIN)
    assert "DRIFTSCOPE_ADMIN_API_KEYS" in error_of(response, 403, "forbidden")["message"]


async def put(client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.put(URL, json=body, headers=ADMIN)
    assert response.status_code == 200, response.text
    desired: dict[str, Any] = response.json()["desired"]
    assert (await client.get(URL)).json()["desired"] == desired
    return desired


async def test_put_merges_fields_and_a_new_scenario_resets_features(
    client: httpx.AsyncClient,
) -> None:
    assert await put(client, {"rate": 50}) == {**DEFAULT_DESIRED, "rate": 50.0}
    steered = await put(client, {"scenario": "sudden", "features": ["card_age_days"]})
    assert steered == {
        **DEFAULT_DESIRED,
        "rate": 50.0,
        "scenario": "sudden",
        "features": ["card_age_days"],
    }
    stronger = await put(client, {"intensity": 2.0, "running": False})
    assert stronger == {**steered, "intensity": 2.0, "running": False}
    # Another scenario starts from its own default features, not the previous scenario's.
    assert await put(client, {"scenario": "categorical"}) == {
        **stronger,
        "scenario": "categorical",
        "features": None,
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rate": -5}, "rate"),
        ({"rate": 0}, "rate"),
        ({"rate": 5000}, "rate"),
        ({"rate": "fast"}, "rate"),
        ({"scenario": "bogus"}, "scenario"),
        ({"intensity": 9}, "intensity"),
        ({"intensity": -1}, "intensity"),
        ({"fraud_rate": 0}, "fraud_rate"),
        ({"speed": 3}, "speed"),
        ({"scenario": "sudden", "features": ["channel"]}, "features"),
        ({"scenario": "categorical", "features": ["amount"]}, "features"),
        ({"scenario": "concept", "features": ["amount"]}, "features"),
        ({"content": {"scenario": "sudden"}}, "content.scenario"),
        ({"content": {"rate": 0}}, "content.rate"),
        ({"content": {"intensity": 4}}, "content.intensity"),
        ({"content": {"speed": 3}}, "content.speed"),
    ],
)
async def test_bad_values_get_422_naming_the_field_and_change_nothing(
    client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    before = (await client.get(URL)).json()
    error = error_of(await client.put(URL, json=body, headers=ADMIN), 422, "invalid_input")
    assert field in [detail["field"] for detail in error["details"]], error
    assert field in error["message"]
    after = (await client.get(URL)).json()
    assert (after["desired"], after["desired_updated_at"]) == (
        before["desired"],
        before["desired_updated_at"],
    )


async def test_content_stream_fields_merge_on_their_own(client: httpx.AsyncClient) -> None:
    content = DEFAULT_DESIRED["content"]
    campaign = await put(client, {"content": {"scenario": "campaign", "intensity": 1.5}})
    assert campaign == {
        **DEFAULT_DESIRED,
        "content": {**content, "scenario": "campaign", "intensity": 1.5},
    }
    # A fraud change leaves the content stream alone, and a content change the fraud stream.
    both = await put(client, {"scenario": "sudden", "content": {"rate": 12}})
    assert both["scenario"] == "sudden" and both["intensity"] == 1.0
    assert both["content"] == {**campaign["content"], "rate": 12.0}


def test_content_scenarios_are_the_simulators() -> None:
    from typing import get_args

    from driftscope.text.traffic import CONTENT_SCENARIOS
    from driftscope_backend.simulator.schemas import ContentScenarioName

    assert list(get_args(ContentScenarioName)) == list(CONTENT_SCENARIOS)


async def test_features_are_checked_against_the_scenario_in_force(
    client: httpx.AsyncClient,
) -> None:
    await put(client, {"scenario": "seasonal"})
    response = await client.put(URL, json={"features": ["amount"]}, headers=ADMIN)
    assert "hour_of_day" in error_of(response, 422, "invalid_input")["message"]
    assert (await put(client, {"features": ["hour_of_day"]}))["features"] == ["hour_of_day"]


async def test_put_records_a_simulator_event(api: Api) -> None:
    await put(api.client, {"scenario": "sudden", "rate": 75})
    async with api.app.state.runtime.sessionmaker() as session:
        events = list(await session.scalars(select(Event).where(Event.kind == "simulator")))
    assert len(events) == 1
    assert events[0].model_name == "fraud"
    assert events[0].payload["changed"] == ["features", "rate", "scenario"]
    assert events[0].payload["desired"]["scenario"] == "sudden"
    assert events[0].payload["desired"]["rate"] == 75.0


async def test_status_heartbeat_makes_the_simulator_online(client: httpx.AsyncClient) -> None:
    error_of(await client.put(STATUS_URL, json=STATUS), 401, "unauthorized")
    response = await client.put(STATUS_URL, json=STATUS, headers=ADMIN)
    assert response.status_code == 200, response.text
    assert response.json()["desired"] == DEFAULT_DESIRED  # the simulator adopts this
    state = (await client.get(URL)).json()
    assert state["online"] is True
    assert state["heartbeat_at"]
    assert state["status"]["actual_rate"] == 49.6
    assert (state["status"]["sent"], state["status"]["phase"]) == (1200, "none")
    assert state["status"]["content"] is None  # a simulator without the content stream


async def test_status_carries_the_content_stream(client: httpx.AsyncClient) -> None:
    content = {"actual_rate": 4.8, "scenario": "sms", "phase": "sms", "sent": 300, "failed": 0}
    body = {**STATUS, "content": {**content, "served": False}}
    response = await client.put(STATUS_URL, json=body, headers=ADMIN)
    assert response.status_code == 200, response.text
    reported = (await client.get(URL)).json()["status"]["content"]
    assert {k: reported[k] for k in content} == content
    assert reported["served"] is False
    bad = {**STATUS, "content": {**content, "sent": -1}}
    error = error_of(await client.put(STATUS_URL, json=bad, headers=ADMIN), 422, "invalid_input")
    assert "content.sent" in [detail["field"] for detail in error["details"]], error


async def test_a_stale_heartbeat_is_offline(api: Api) -> None:
    assert (await api.client.put(STATUS_URL, json=STATUS, headers=ADMIN)).status_code == 200
    async with api.app.state.runtime.sessionmaker() as session:
        row = await session.get(SimulatorControl, "default")
        assert row is not None
        row.heartbeat_at = utcnow() - timedelta(seconds=30)
        await session.commit()
    state = (await api.client.get(URL)).json()
    assert state["online"] is False
    assert state["status"]["sent"] == 1200  # the last report is still shown


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**STATUS, "sent": -1}, "sent"),
        ({**STATUS, "actual_rate": -0.5}, "actual_rate"),
        ({**STATUS, "throttled": -3}, "throttled"),
        ({**STATUS, "bogus": 1}, "bogus"),
        ({"actual_rate": 1.0, "sent": 1, "failed": 0}, "scenario"),
    ],
)
async def test_bad_status_gets_422_and_keeps_the_simulator_offline(
    client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    error = error_of(await client.put(STATUS_URL, json=body, headers=ADMIN), 422, "invalid_input")
    assert field in [detail["field"] for detail in error["details"]], error
    state = (await client.get(URL)).json()
    assert (state["online"], state["status"]) == (False, None)

"""Per-model registry routes: schema, the model with its versions, and a lifecycle (promote,
rollback, canary, shadow) of one model that leaves the other's serving state untouched."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import pytest

from driftscope.contract import FRAUD_CONTRACT
from driftscope.settings import Settings
from driftscope.testing.user_model import train_flights
from driftscope.testing.waiting import wait_until

from ..conftest import Api, error_of

Serve = Callable[[Settings], AbstractAsyncContextManager[Api]]
ADMIN = {"x-api-key": "k1"}
FLIGHT = {"distance_km": 2400.0, "stops": 2, "weekend": True, "carrier": "C"}
MODELS = "/api/v1/models"


@pytest.fixture
async def flights_v2(registered_settings: Settings, serve: Serve) -> AsyncIterator[Api]:
    """fraud v1 and flights v1 (production) and v2, on an app with an admin key."""
    settings = registered_settings.model_copy(update={"admin_api_keys": "k1"})
    await train_flights(settings)
    await train_flights(settings, rows=1_500, seed=4)
    async with serve(settings) as api:
        yield api


async def flights_version(api: Api, key: str = "model_version") -> int:
    answer = await api.client.post(f"{MODELS}/flights/predict", json=FLIGHT)
    assert answer.status_code == 200, answer.text
    return int(answer.json()[key])


async def test_schema_of_a_model(flights_v2: Api) -> None:
    schema = (await flights_v2.client.get(f"{MODELS}/flights/schema")).json()
    assert (schema["name"], schema["target"], schema["classes"]) == (
        "flights",
        "status",
        ["delayed", "on_time"],
    )
    kinds = {f["name"]: (f["kind"], f["type"]) for f in schema["features"]}
    assert kinds == {
        "distance_km": ("numeric", "numeric"),
        "stops": ("integer", "integer"),
        "weekend": ("boolean", "boolean"),
        "carrier": ("categorical", "categorical"),
    }
    fraud = (await flights_v2.client.get(f"{MODELS}/fraud/schema")).json()
    assert [f["name"] for f in fraud["features"]] == FRAUD_CONTRACT.names
    error_of(await flights_v2.client.get(f"{MODELS}/nope/schema"), 404, "unknown_model")


async def test_one_model_with_its_versions(flights_v2: Api) -> None:
    model = (await flights_v2.client.get(f"{MODELS}/flights")).json()
    assert (model["model_name"], model["kind"], model["serving"]["version"]) == (
        "flights",
        "served",
        1,
    )
    assert [v["version"] for v in model["versions"]] == [1, 2]
    assert model["versions"][0]["spec_changes"] == []
    # v2's data (another sample) moved the inferred range of distance_km
    changed = {c["field"] for c in model["versions"][1]["spec_changes"]}
    assert changed and all(f.startswith("features.") for f in changed)
    assert [a["alias"] for a in model["aliases"]] == ["production"]
    assert model["spec"]["classes"] == ["delayed", "on_time"]
    error_of(await flights_v2.client.get(f"{MODELS}/nope"), 404, "unknown_model")


async def test_hot_swap_of_one_model_leaves_the_other(flights_v2: Api) -> None:
    client, runtime = flights_v2.client, flights_v2.app.state.runtime
    fraud_state = runtime.serving["fraud"]
    gate = await client.get(f"{MODELS}/flights/versions/2/gate")
    assert gate.status_code == 200 and gate.json()["version"] == 2

    promote = f"{MODELS}/flights/versions/2/promote"
    assert (await client.post(promote)).status_code == 401
    forced = {"force": True, "reason": "test of a per-model swap"}
    promoted = await client.post(promote, json=forced, headers=ADMIN)
    assert promoted.status_code == 200, promoted.text
    assert (promoted.json()["version"], promoted.json()["serving"]) == (2, 2)
    assert await flights_version(flights_v2) == 2
    assert runtime.serving["fraud"] is fraud_state  # never swapped, not even rebuilt
    assert (await flights_v2.predict(FRAUD_CONTRACT.example())).json()["model_version"] == 1

    candidate = await client.put(f"{MODELS}/flights/candidate", json={"version": 1}, headers=ADMIN)
    assert (candidate.json()["action"], candidate.json()["version"]) == ("candidate", 1)
    aliases = (await client.get(f"{MODELS}/flights")).json()["aliases"]
    assert {(a["alias"], a["version"]) for a in aliases} == {
        ("production", 2),
        ("previous", 1),
        ("candidate", 1),
    }
    fraud_aliases = (await client.get(f"{MODELS}/fraud")).json()["aliases"]
    assert [(a["alias"], a["version"]) for a in fraud_aliases] == [("production", 1)]

    rolled = await client.post(f"{MODELS}/flights/rollback", headers=ADMIN)
    assert (rolled.json()["action"], rolled.json()["serving"]) == ("rollback", 1)
    assert await flights_version(flights_v2) == 1
    assert runtime.serving["fraud"] is fraud_state


async def test_canary_and_shadow_per_model(flights_v2: Api) -> None:
    client, runtime = flights_v2.client, flights_v2.app.state.runtime
    canary = {"version": 2, "percent": 100, "force": True, "reason": "all traffic"}
    put = await client.put(f"{MODELS}/flights/canary", json=canary, headers=ADMIN)
    assert (put.status_code, put.json()["canary"]) == (200, 2), put.text
    answer = (await client.post(f"{MODELS}/flights/predict", json=FLIGHT)).json()
    assert (answer["variant"], answer["model_version"]) == ("canary", 2)
    assert runtime.canary is None  # the default model's state has none

    off = await client.delete(f"{MODELS}/flights/canary", headers=ADMIN)
    assert (off.json()["action"], off.json()["canary"]) == ("canary_off", None)
    shadow = await client.put(f"{MODELS}/flights/shadow", json={"version": 2}, headers=ADMIN)
    assert shadow.json()["shadow"] == 2, shadow.text
    await client.post(f"{MODELS}/flights/predict", json=FLIGHT)
    await client.post("/api/v1/predict", json=FRAUD_CONTRACT.example())

    async def shadow_logged() -> bool:
        await flights_v2.flush()
        variants = {(p.model_name, p.variant) for p in await flights_v2.predictions()}
        return ("flights", "shadow") in variants

    await wait_until(shadow_logged, what="a flights shadow row")
    variants = [(p.model_name, p.variant) for p in await flights_v2.predictions()]
    assert ("fraud", "shadow") not in variants  # fraud has no shadow: its rows are not queued
    assert runtime.shadow_scorer.dropped == 0

"""Every model served at once: /api/v1/models/{name}/predict beside the default model's /predict,
a model registered while the app runs, bad input per model, unknown / unserved / external."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pydantic import ValidationError
from sqlalchemy import select

from driftscope import registry
from driftscope.contract import FRAUD_CONTRACT
from driftscope.db import Prediction
from driftscope.settings import Settings
from driftscope.spec import ModelSpec
from driftscope.testing.external_model import register_external_flights
from driftscope.testing.user_model import train_flights
from driftscope.testing.waiting import wait_until
from driftscope_backend.live import tail
from driftscope_backend.prediction.batch.checks import check_feature
from driftscope_backend.prediction.schemas import body_adapters, transaction_model
from driftscope_backend.registry.service import sync_models

from ..conftest import Api, error_fields, error_of

Serve = Callable[[Settings], AbstractAsyncContextManager[Api]]
FLIGHTS = "/api/v1/models/flights/predict"
FLIGHT = {"distance_km": 2400.0, "stops": 2, "weekend": True, "carrier": "C"}


@pytest.fixture
async def both(registered_settings: Settings, serve: Serve) -> AsyncIterator[Api]:
    """fraud (the session model) and flights, both registered before the app starts."""
    await train_flights(registered_settings)
    async with serve(registered_settings) as api:
        yield api


async def test_two_models_side_by_side(both: Api) -> None:
    one = await both.client.post(FLIGHTS, json=FLIGHT)
    assert one.status_code == 200, one.text
    result = one.json()
    assert (result["model_name"], result["model_version"]) == ("flights", 1)
    assert result["decision"] in ("delayed", "on_time") and "fraud_probability" not in result
    assert result["decision"] == (
        "delayed" if result["probability"] >= result["threshold"] else "on_time"
    )

    many = await both.client.post(FLIGHTS, json=[FLIGHT, {**FLIGHT, "distance_km": None}])
    assert [r["model_name"] for r in many.json()] == ["flights", "flights"]

    fraud = (
        await both.client.post("/api/v1/models/fraud/predict", json=FRAUD_CONTRACT.example())
    ).json()
    default = (await both.predict(FRAUD_CONTRACT.example())).json()
    for answer in (fraud, default):  # the default model keeps its old key beside the new one
        assert answer["model_name"] == "fraud" and answer["decision"] in ("fraud", "legit")
        assert answer["fraud_probability"] == answer["probability"]

    await both.flush()
    logged = sorted((p.model_name, p.features.get("carrier")) for p in await both.predictions())
    assert logged == [("flights", "C")] * 3 + [("fraud", None)] * 2


async def test_a_user_model_takes_its_data_as_written(both: Api) -> None:
    """Integers written 3.0, booleans as 0/1 and missing values where the data had them."""
    loose = {"distance_km": None, "stops": 3.0, "weekend": 1, "carrier": "A"}
    answer = await both.client.post(FLIGHTS, json=loose)
    assert answer.status_code == 200, answer.text
    await both.flush()
    (row,) = await both.predictions()
    assert row.features == {"distance_km": None, "stops": 3, "weekend": True, "carrier": "A"}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({**FLIGHT, "stops": 2.5}, ["stops"]),
        ({**FLIGHT, "weekend": 2, "carrier": "Z"}, ["weekend", "carrier"]),
        ({**FLIGHT, "stops": None}, ["stops"]),  # the training data had no missing stops
        ({**FLIGHT, "amount": 3.0}, ["amount"]),  # a fraud feature is not a flights one
        ([FLIGHT, {**FLIGHT, "distance_km": "far"}], ["[1].distance_km"]),
    ],
)
async def test_bad_input_is_refused_naming_the_field(
    both: Api, body: Any, fields: list[str]
) -> None:
    error = error_of(await both.client.post(FLIGHTS, json=body), 422, "invalid_input")
    assert error_fields(error) == fields
    await both.flush()
    assert await both.count() == 0  # nothing logged, not even the valid item of a list


async def test_values_beyond_the_training_range_are_scored_with_a_warning(both: Api) -> None:
    """An inferred spec's ranges are what training saw (open): a longer flight is drift to
    watch, not bad input; it is scored, logged and the answer says so."""
    beyond = {**FLIGHT, "distance_km": 99_000.0, "stops": -1}
    answer = await both.client.post(FLIGHTS, json=beyond)
    assert answer.status_code == 200, answer.text
    warnings = answer.json()["warnings"]
    assert any(
        w.startswith("distance_km: 99000 is above the training range (up to ") for w in warnings
    )
    assert "stops: -1 is below the training range (from 0)" in warnings
    await both.flush()
    assert await both.count() == 1


async def test_unknown_model_and_reserved_names(both: Api) -> None:
    for name in ("nope", "rollback", "Not-A-Name", "x" * 70):
        error = error_of(
            await both.client.post(f"/api/v1/models/{name}/predict", json=FLIGHT),
            404,
            "unknown_model",
        )
        assert error["details"]["model"] == name[:64]
    assert (await both.client.get("/api/v1/models/canary")).status_code == 404


async def served(api: Api, path: str, body: Any) -> bool:
    return (await api.client.post(path, json=body)).status_code == 200


async def test_model_registered_while_running_is_served_on_its_event(
    registered_settings: Settings, serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`driftscope train` (another process) announces the version: the alias poll is an hour
    away here, so only the `model` event can make the tail load it."""
    monkeypatch.setattr(tail, "ALIAS_CHECK_S", 3600.0)
    async with serve(registered_settings) as api:
        error_of(await api.client.post(FLIGHTS, json=FLIGHT), 404, "unknown_model")
        result = await train_flights(registered_settings)
        assert result.event_id is not None

        await wait_until(lambda: served(api, FLIGHTS, FLIGHT), what="flights served on its event")
        assert (await api.predict(FRAUD_CONTRACT.example())).json()["model_version"] == 1


async def test_a_model_registered_without_an_event_is_found_by_the_alias_poll(
    both: Api,
) -> None:
    """The safety net: a production alias written with no event (a lost NOTIFY, another tool)
    is picked up by the tail's poll of every model's aliases."""
    async with both.app.state.runtime.sessionmaker() as session, session.begin():
        flights = await registry.resolve(session, "flights")
        assert flights is not None
        await registry.register_version(
            session,
            profile={},
            spec=ModelSpec.from_dict({**flights.spec, "name": "copy"}),
            model_name="copy",
            version=1,
            kind=flights.kind,
            artifact_path=flights.artifact_path,  # v1 of flights: the manifest says version 1
            sha256=flights.sha256,
            metrics={},
            threshold=flights.threshold,
        )
    await wait_until(
        lambda: served(both, "/api/v1/models/copy/predict", FLIGHT), what="copy found by the poll"
    )


async def test_registered_without_production_and_external(both: Api, tmp_path: Path) -> None:
    runtime = both.app.state.runtime
    async with runtime.sessionmaker() as session, session.begin():
        await registry.clear_alias(session, "flights", registry.PRODUCTION)
        await register_external_flights(session, tmp_path, "elsewhere", rows=300)
    await sync_models(runtime)

    error = error_of(await both.client.post(FLIGHTS, json=FLIGHT), 503, "model_not_served")
    assert error["details"] == {"model": "flights"}
    outside = "/api/v1/models/elsewhere/predict"
    error = error_of(await both.client.post(outside, json=FLIGHT), 409, "external_model")
    assert "/log" in error["message"]
    batch = await both.client.post(f"{outside}/batch", content=b"distance_km\n1\n")
    error_of(batch, 409, "external_model")
    assert (await both.predict(FRAUD_CONTRACT.example())).status_code == 200


async def test_batch_for_a_model(both: Api) -> None:
    csv = b"transaction_id,distance_km,stops,weekend,carrier\nf-1,2400,2,true,C\nf-2,,2.5,false,A\n"
    answer = await both.client.post(
        "/api/v1/models/flights/predict/batch", content=csv, headers={"content-type": "text/csv"}
    )
    assert answer.status_code == 200, answer.text
    header, first, second = answer.text.strip().split("\n")
    assert header.startswith("id,probability,decision,")
    assert first.split(",")[2] in ("delayed", "on_time")
    assert second.startswith("f-2,,,") and "stops" in second
    await both.flush()
    async with both.app.state.runtime.sessionmaker() as session:
        rows = list(await session.scalars(select(Prediction)))
    assert [(r.model_name, r.transaction_id, r.source) for r in rows] == [
        ("flights", "f-1", "batch")
    ]


def test_a_user_models_open_categories_take_any_printable_string() -> None:
    """The fraud model keeps its lower-case slugs; a user model's unseen categories may be any
    non-empty string without control characters, up to 128 characters (JSON and CSV alike)."""
    spec = ModelSpec.from_dict(
        {
            "name": "shop",
            "target": "bought",
            "classes": ["bought", "not_bought"],
            "features": [
                {
                    "name": "city",
                    "kind": "categorical",
                    "categories": ["Oslo"],
                    "open_categories": True,
                }
            ],
        }
    )
    contract = spec.contract()
    single = body_adapters(transaction_model(contract))[0]
    assert single.validate_python({"city": "São Paulo, SP"}).city == "São Paulo, SP"
    for bad in ("", "tab\there", "x" * 129):
        with pytest.raises(ValidationError):
            single.validate_python({"city": bad})
    raw = pd.Series(["São Paulo, SP", "tab\there", "Oslo"])
    check = check_feature(contract.feature("city"), raw, lenient=True)
    assert sorted(check.reasons) == [1]
    assert sorted(check_feature(contract.feature("city"), raw).reasons) == [0, 1]  # fraud's rule


async def test_explain_a_user_models_prediction(both: Api) -> None:
    answer = await both.client.post(f"{FLIGHTS}?explain=true", json=FLIGHT)
    assert answer.status_code == 200, answer.text
    explanation = answer.json()["explanation"]
    assert explanation["available"] is True, explanation
    assert {c["feature"] for c in explanation["contributions"]} == set(FLIGHT)


async def test_metrics_count_decisions_by_the_models_class_names(both: Api) -> None:
    assert (await both.client.post(FLIGHTS, json=[FLIGHT] * 3)).status_code == 200
    metrics = (await both.client.get("/metrics")).text
    counted = [
        line
        for line in metrics.splitlines()
        if line.startswith("driftscope_predictions_total{") and 'model="flights"' in line
    ]
    assert counted and all(
        'decision="delayed"' in line or 'decision="on_time"' in line for line in counted
    )
    assert sum(float(line.rsplit(" ", 1)[1]) for line in counted) >= 3

"""GET /api/v1/schema (the feature contract) and /api/v1/models (registered versions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftscope.contract import FRAUD_CONTRACT

if TYPE_CHECKING:
    from backend.tests.conftest import Api


async def test_schema_describes_the_contract(api: Api) -> None:
    response = await api.client.get("/api/v1/schema")

    assert response.status_code == 200
    body = response.json()
    features = body["features"]
    assert body["model_name"] == "fraud"
    assert [f["name"] for f in features] == FRAUD_CONTRACT.names
    assert len(features) == 12
    assert sum(f["type"] == "categorical" for f in features) >= 3
    assert sum(f["allow_missing"] for f in features) >= 2
    by_name = {f["name"]: f for f in features}
    assert by_name["merchant_category"]["open_categories"] is True
    assert by_name["channel"]["categories"] == ["pos", "online", "mobile", "atm"]
    assert (by_name["hour_of_day"]["minimum"], by_name["hour_of_day"]["maximum"]) == (0, 23)
    for feature in features:
        assert feature["type"] in ("numeric", "integer", "categorical", "boolean")
        assert feature["description"]


async def test_schema_example_is_accepted_by_predict(api: Api) -> None:
    example = (await api.client.get("/api/v1/schema")).json()["example"]

    response = await api.predict(example)

    assert response.status_code == 200, response.text
    assert response.json()["warnings"] == []


async def test_models_lists_the_production_version(api: Api) -> None:
    response = await api.client.get("/api/v1/models")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model_name"] == "fraud"
    assert body["serving"] == {"version": 1, "alias": "production"}
    assert [(a["alias"], a["version"]) for a in body["aliases"]] == [("production", 1)]
    (version,) = body["versions"]
    assert (version["version"], version["kind"]) == (1, "xgboost")
    assert len(version["sha256"]) == 64
    assert 0.0 < version["threshold"] < 1.0
    test_metrics = version["metrics"]["test"]
    assert test_metrics["n"] > 0
    assert 0.5 < test_metrics["roc_auc"] <= 1.0
    assert 0.0 <= test_metrics["brier"] <= 1.0

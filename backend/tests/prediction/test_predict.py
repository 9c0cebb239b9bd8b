"""Valid input to /api/v1/predict: response shape, logged rows, request ids, concurrency."""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING

import pytest
from backend.tests.conftest import transaction

if TYPE_CHECKING:
    from backend.tests.conftest import Api


async def test_single_transaction_returns_one_result(api: Api) -> None:
    response = await api.predict(transaction())

    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body, dict)
    uuid.UUID(body["prediction_id"])
    assert 0.0 <= body["fraud_probability"] <= 1.0
    assert body["decision"] == (
        "fraud" if body["fraud_probability"] >= body["threshold"] else "legit"
    )
    assert (body["model_name"], body["model_version"]) == ("fraud", 1)
    assert (body["variant"], body["path"], body["replayed"]) == ("production", "model", False)
    assert body["warnings"] == []
    assert body["latency_us"] >= 0


async def test_list_returns_a_result_per_item_in_order(api: Api) -> None:
    amounts = [5.0, 250.0, 4800.0, 12.0, 75.5]
    items = [transaction(amount=a, amount_to_avg_ratio=a / 64.2) for a in amounts]

    response = await api.predict(items)

    assert response.status_code == 200, response.text
    results = response.json()
    assert isinstance(results, list) and len(results) == len(items)
    assert len({r["prediction_id"] for r in results}) == len(items)
    await api.flush()
    stored = {str(p.id): p.features["amount"] for p in await api.predictions()}
    assert [stored[r["prediction_id"]] for r in results] == amounts


async def test_a_list_of_one_is_still_a_list(api: Api) -> None:
    response = await api.predict([transaction()])

    assert response.status_code == 200, response.text
    assert len(response.json()) == 1


@pytest.mark.parametrize(
    "missing",
    [
        pytest.param({"distance_from_home_km": None, "seconds_since_last_txn": None}, id="null"),
        pytest.param({}, id="omitted"),
    ],
)
async def test_missing_allowed_fields_are_accepted(api: Api, missing: dict[str, None]) -> None:
    body = transaction(**missing)
    if not missing:
        del body["distance_from_home_km"], body["seconds_since_last_txn"]

    response = await api.predict(body)

    assert response.status_code == 200, response.text
    assert 0.0 <= response.json()["fraud_probability"] <= 1.0
    await api.flush()
    (row,) = await api.predictions()
    assert row.features["distance_from_home_km"] is None
    assert row.features["seconds_since_last_txn"] is None


async def test_integer_amount_and_range_bounds_are_accepted(api: Api) -> None:
    response = await api.predict(transaction(amount=0, hour_of_day=23, txn_count_24h=0))

    assert response.status_code == 200, response.text


async def test_unseen_open_category_is_scored_with_a_warning(api: Api) -> None:
    response = await api.predict(transaction(merchant_category="crypto_exchange"))

    assert response.status_code == 200, response.text
    (warning,) = response.json()["warnings"]
    assert "merchant_category" in warning and "crypto_exchange" in warning
    await api.flush()
    (row,) = await api.predictions()
    assert row.features["merchant_category"] == "crypto_exchange"


async def test_request_id_is_echoed_and_stored(api: Api) -> None:
    response = await api.predict([transaction(), transaction()], headers={"X-Request-ID": "req-42"})

    assert response.status_code == 200, response.text
    assert response.headers["x-request-id"] == "req-42"
    await api.flush()
    assert {row.request_id for row in await api.predictions()} == {"req-42"}


@pytest.mark.parametrize("bad_id", ["r" * 200, "has space", "a;b=c"])
async def test_unusable_request_id_is_replaced_by_a_generated_one(api: Api, bad_id: str) -> None:
    """A client id longer than the column or with unsafe characters (log injection) is not
    used: the request gets a generated id, returned in the header and stored with the row."""
    first = await api.predict(transaction(), headers={"X-Request-ID": bad_id})
    second = await api.predict(transaction())

    assert first.status_code == second.status_code == 200
    ids = {first.headers["x-request-id"], second.headers["x-request-id"]}
    assert len(ids) == 2 and all(len(i) == 32 for i in ids)
    await api.flush()
    assert {r.request_id for r in await api.predictions()} == ids


async def test_stored_row_matches_the_response(api: Api) -> None:
    body = transaction(merchant_category="travel", is_foreign=True)
    result = (await api.predict(body, headers={"X-Request-ID": "abc"})).json()
    await api.flush()

    (row,) = await api.predictions()
    assert str(row.id) == result["prediction_id"]
    assert row.features == body
    assert row.score == pytest.approx(result["fraud_probability"], abs=1e-6)
    assert row.decision == (result["decision"] == "fraud")
    assert row.threshold == pytest.approx(result["threshold"])
    assert (row.model_name, row.model_version, row.path, row.variant) == (
        "fraud",
        1,
        "model",
        "production",
    )


@pytest.mark.slow
async def test_concurrent_predictions_are_all_logged(api: Api) -> None:
    """2,000 concurrent calls → exactly 2,000 rows, each with the score that was returned."""
    results: list[dict[str, object]] = []
    for chunk in range(4):
        calls = [
            api.predict(transaction(amount=float(chunk * 500 + i), hour_of_day=i % 24))
            for i in range(500)
        ]
        responses = await asyncio.gather(*calls)
        assert {r.status_code for r in responses} == {200}
        results.extend(r.json() for r in responses)
    await api.flush()

    rows = {str(row.id): row for row in await api.predictions()}
    assert len(rows) == 2_000 == await api.count()
    assert len({r["prediction_id"] for r in results}) == 2_000
    for result in results:
        row = rows[str(result["prediction_id"])]
        assert (row.model_name, row.model_version) == ("fraud", 1)
        assert row.score == pytest.approx(result["fraud_probability"], abs=1e-6)

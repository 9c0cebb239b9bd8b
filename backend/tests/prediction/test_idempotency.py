"""A retried transaction_id returns the stored prediction and never logs a second row."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import TYPE_CHECKING

import pytest
from backend.tests.conftest import transaction

if TYPE_CHECKING:
    from backend.tests.conftest import Api


@pytest.mark.parametrize("flush_between", [False, True], ids=["buffered", "stored"])
async def test_retry_returns_the_same_prediction(api: Api, flush_between: bool) -> None:
    body = transaction(transaction_id="txn-1")
    first = (await api.predict(body)).json()
    if flush_between:
        await api.flush()

    second_response = await api.predict(body)

    assert second_response.status_code == 200, second_response.text
    second = second_response.json()
    assert second["prediction_id"] == first["prediction_id"]
    assert (first["replayed"], second["replayed"]) == (False, True)
    assert second["fraud_probability"] == pytest.approx(first["fraud_probability"], abs=1e-6)
    assert (second["decision"], second["transaction_id"]) == (first["decision"], "txn-1")
    await api.flush()
    assert await api.count() == 1


async def test_retry_with_other_features_still_returns_the_stored_prediction(api: Api) -> None:
    first = (await api.predict(transaction(transaction_id="txn-9", amount=10.0))).json()
    await api.flush()

    second = (await api.predict(transaction(transaction_id="txn-9", amount=9000.0))).json()

    assert (second["prediction_id"], second["replayed"]) == (first["prediction_id"], True)
    await api.flush()
    (row,) = await api.predictions()
    assert row.features["amount"] == 10.0


async def test_duplicates_in_one_list_log_one_row(api: Api) -> None:
    items = [
        transaction(transaction_id="dup"),
        transaction(transaction_id="other"),
        transaction(transaction_id="dup"),
    ]

    results = (await api.predict(items)).json()

    assert results[0]["prediction_id"] == results[2]["prediction_id"]
    assert results[1]["prediction_id"] != results[0]["prediction_id"]
    assert [r["replayed"] for r in results] == [False, False, True]
    await api.flush()
    assert await api.count() == 2


async def test_concurrent_requests_with_one_transaction_id_log_one_row(api: Api) -> None:
    calls = [api.predict(transaction(transaction_id="race")) for _ in range(20)]

    responses = await asyncio.gather(*calls)

    assert {r.status_code for r in responses} == {200}
    assert len({r.json()["prediction_id"] for r in responses}) == 1
    await api.flush()
    assert await api.count() == 1


async def test_transaction_id_is_stored_and_distinct_ids_get_distinct_predictions(
    api: Api,
) -> None:
    results = (await api.predict([transaction(transaction_id=f"t-{i}") for i in range(3)])).json()

    assert len({r["prediction_id"] for r in results}) == 3
    await api.flush()
    assert sorted(row.transaction_id for row in await api.predictions()) == ["t-0", "t-1", "t-2"]


async def test_transactions_without_id_are_never_replayed(api: Api) -> None:
    first = (await api.predict(transaction())).json()
    second = (await api.predict(transaction())).json()

    assert first["prediction_id"] != second["prediction_id"]
    assert not first["replayed"] and not second["replayed"]
    await api.flush()
    assert await api.count() == 2


@pytest.mark.parametrize(
    "transaction_id",
    [
        pytest.param("", id="empty"),
        pytest.param("x" * 129, id="too-long"),
        pytest.param("a\u0000b", id="nul-byte"),
        pytest.param("line\nbreak", id="control-character"),
    ],
)
async def test_bad_transaction_id_is_refused(api: Api, transaction_id: str) -> None:
    response = await api.predict(transaction(transaction_id=transaction_id))

    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["transaction_id"]


async def test_stored_prediction_reads_the_same_on_every_lookup_path(api: Api) -> None:
    """SQLite's direct lookup and the session's give the same row (types included)."""
    first = (await api.predict(transaction(transaction_id="txn-7"))).json()
    await api.flush()
    replay = api.app.state.runtime.replay

    found = await replay.find("fraud", "txn-7")
    by_session = await replay._find_async("fraud", "txn-7")

    assert found == by_session
    assert str(found["id"]) == first["prediction_id"] and found["decision"] in (True, False)
    assert await replay.find("fraud", "txn-never-sent") is None


async def test_a_busy_direct_lookup_falls_back_to_the_session(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = (await api.predict(transaction(transaction_id="txn-8"))).json()
    await api.flush()
    replay = api.app.state.runtime.replay

    def busy(*_args: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(replay, "_find_sqlite", busy)
    second = (await api.predict(transaction(transaction_id="txn-8"))).json()

    assert (second["prediction_id"], second["replayed"]) == (first["prediction_id"], True)
    await api.flush()
    assert await api.count() == 1

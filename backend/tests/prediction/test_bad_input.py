"""Bad input to /api/v1/predict: the right status, an error naming the field, and nothing stored."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import pytest
from backend.tests.conftest import PREDICT, error_fields, error_of, transaction

if TYPE_CHECKING:
    from backend.tests.conftest import Api

ONE_MB = 1_048_576


def without(name: str) -> dict[str, Any]:
    body = transaction()
    del body[name]
    return body


def raw(text: str) -> dict[str, Any]:
    """Request kwargs sending `text` verbatim as a JSON body (for NaN, Infinity, broken JSON)."""
    return {"content": text.encode(), "headers": {"content-type": "application/json"}}


def raw_field(name: str, literal: str) -> dict[str, Any]:
    """The example transaction with one field's JSON value replaced by `literal` (e.g. NaN)."""
    text = json.dumps(transaction(**{name: "@@"})).replace('"@@"', literal)
    return raw(text)


def as_json(body: Any) -> dict[str, Any]:
    return {"json": body}


def oversized() -> bytes:
    return json.dumps(transaction(padding="x" * (ONE_MB + 10))).encode()


# (request kwargs, status, error code, the field a details entry must name)
CASES = [
    pytest.param(as_json(without("amount")), 422, "invalid_input", "amount", id="missing-field"),
    pytest.param(
        as_json(transaction(amount="12.50")), 422, "invalid_input", "amount", id="string-amount"
    ),
    pytest.param(
        as_json(transaction(hour_of_day=14.5)),
        422,
        "invalid_input",
        "hour_of_day",
        id="float-for-integer",
    ),
    pytest.param(
        as_json(transaction(is_foreign="true")),
        422,
        "invalid_input",
        "is_foreign",
        id="string-for-boolean",
    ),
    pytest.param(raw_field("amount", "NaN"), 422, "invalid_input", "amount", id="nan-amount"),
    pytest.param(
        raw_field("avg_amount_30d", "Infinity"),
        422,
        "invalid_input",
        "avg_amount_30d",
        id="infinity",
    ),
    pytest.param(
        raw_field("distance_from_home_km", "NaN"),
        422,
        "invalid_input",
        "distance_from_home_km",
        id="nan-where-missing-allowed",
    ),
    pytest.param(
        raw_field("seconds_since_last_txn", "-Infinity"),
        422,
        "invalid_input",
        "seconds_since_last_txn",
        id="minus-infinity-where-missing-allowed",
    ),
    pytest.param(
        as_json(transaction(card_age_days=None)),
        422,
        "invalid_input",
        "card_age_days",
        id="null-not-allowed",
    ),
    pytest.param(
        as_json(transaction(amount=-1)), 422, "invalid_input", "amount", id="negative-amount"
    ),
    pytest.param(
        as_json(transaction(hour_of_day=24)), 422, "invalid_input", "hour_of_day", id="hour-24"
    ),
    pytest.param(
        as_json(transaction(channel="fax")),
        422,
        "invalid_input",
        "channel",
        id="unknown-closed-category",
    ),
    pytest.param(
        as_json(transaction(country_risk="LOW")),
        422,
        "invalid_input",
        "country_risk",
        id="closed-category-wrong-case",
    ),
    pytest.param(
        as_json(transaction(merchant_category="Crypto Coins!")),
        422,
        "invalid_input",
        "merchant_category",
        id="malformed-open-category",
    ),
    pytest.param(
        as_json(transaction(coupon_code="X1")), 422, "invalid_input", "coupon_code", id="extra"
    ),
    pytest.param(as_json([]), 422, "invalid_input", "body", id="empty-list"),
    pytest.param(
        as_json([transaction()] * 1001), 422, "invalid_input", "body", id="list-over-limit"
    ),
    pytest.param(
        as_json([transaction(), transaction(), transaction(amount=-5), transaction()]),
        422,
        "invalid_input",
        "[2].amount",
        id="one-bad-item-in-list",
    ),
    pytest.param(
        as_json(transaction(amount=123456789.0)), 422, "invalid_input", "amount", id="too-large"
    ),
    pytest.param(
        {"content": oversized(), "headers": {"content-type": "application/json"}},
        413,
        "body_too_large",
        "body",
        id="over-1mb",
    ),
    pytest.param(raw('{"amount": 12.5,'), 400, "malformed_json", "body", id="malformed-json"),
    pytest.param(raw("[{]"), 400, "malformed_json", "body", id="malformed-json-list"),
    pytest.param(raw(""), 400, "malformed_json", "body", id="empty-body"),
    pytest.param(as_json("hello"), 422, "invalid_input", "body", id="json-string"),
]


@pytest.mark.parametrize(("request_kwargs", "status", "code", "field"), CASES)
async def test_bad_input_is_refused_and_nothing_stored(
    api: Api, request_kwargs: dict[str, Any], status: int, code: str, field: str
) -> None:
    response = await api.client.post(PREDICT, **request_kwargs)

    error = error_of(response, status, code)
    assert field in error_fields(error)
    await api.flush()
    assert await api.count() == 0


async def test_body_over_limit_without_content_length(api: Api) -> None:
    """A chunked body carries no Content-Length: the limit is enforced while reading."""
    payload = oversized()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(payload), 64 * 1024):
            yield payload[start : start + 64 * 1024]

    request = api.client.build_request(
        "POST", PREDICT, content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in request.headers
    response = await api.client.send(request)

    error = error_of(response, 413, "body_too_large")
    assert error_fields(error) == ["body"]
    await api.flush()
    assert await api.count() == 0


async def test_error_names_every_bad_field(api: Api) -> None:
    body = transaction(amount=-1, channel="fax", hour_of_day="noon")

    error = error_of(await api.predict(body), 422, "invalid_input")

    assert set(error_fields(error)) == {"amount", "channel", "hour_of_day"}
    assert "amount" in error["message"]


async def test_list_error_names_the_item(api: Api) -> None:
    body = [transaction(), transaction(channel="fax")]

    error = error_of(await api.predict(body), 422, "invalid_input")

    assert error_fields(error) == ["[1].channel"]
    await api.flush()
    assert await api.count() == 0

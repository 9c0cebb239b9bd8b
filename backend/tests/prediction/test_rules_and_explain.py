"""The rules fast path in /predict responses, and `?explain=true` contributions."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

import pytest
from backend.tests.conftest import error_fields, error_of, transaction

from driftscope.settings import Settings

if TYPE_CHECKING:
    from backend.tests.conftest import Api

# Matches `legit-small-established-domestic`, which the session model's training accepted.
OBVIOUSLY_LEGIT = {
    "amount": 9.5,
    "amount_to_avg_ratio": 0.148,
    "card_age_days": 2_000,
    "is_foreign": False,
    "country_risk": "low",
}
RULE_ID = "legit-small-established-domestic"


def served_rule(api: Api, rule_id: str) -> Any:
    rules = api.app.state.runtime.model.rules
    return next(r for r in rules.rules if r.id == rule_id)


async def test_an_obvious_case_is_decided_by_the_rule(api: Api) -> None:
    response = await api.predict(transaction(**OBVIOUSLY_LEGIT))

    assert response.status_code == 200, response.text
    body = response.json()
    rule = served_rule(api, RULE_ID)
    assert (body["path"], body["rule"], body["decision"]) == ("rules", RULE_ID, "legit")
    assert body["fraud_probability"] == pytest.approx(rule.probability, abs=1e-6)
    assert rule.precision >= 0.995  # measured at training, above the legit floor
    await api.flush()
    (row,) = await api.predictions()
    assert (row.path, row.decision, row.score) == ("rules", False, pytest.approx(rule.probability))


async def test_other_transactions_go_to_the_model(api: Api) -> None:
    body = (await api.predict(transaction())).json()
    assert (body["path"], body["rule"]) == ("model", None)


async def test_rules_can_be_switched_off(
    registered_settings: Settings,
    serve: Callable[[Settings], AbstractAsyncContextManager[Api]],
) -> None:
    async with serve(registered_settings.model_copy(update={"rules_enabled": False})) as api:
        body = (await api.predict(transaction(**OBVIOUSLY_LEGIT))).json()
    assert (body["path"], body["rule"]) == ("model", None)


async def test_explain_contributions_sum_to_the_margin(api: Api) -> None:
    items = [transaction(), transaction(amount=4800.0, amount_to_avg_ratio=74.8, hour_of_day=3)]
    response = await api.client.post("/api/v1/predict?explain=true", json=items)

    assert response.status_code == 200, response.text
    model = api.app.state.runtime.model
    for item, result in zip(items, response.json(), strict=True):
        explanation = result["explanation"]
        assert (explanation["available"], explanation["method"]) == (True, "tree_shap")
        contributions = explanation["contributions"]
        total = explanation["bias"] + sum(c["contribution"] for c in contributions)
        assert total == pytest.approx(explanation["margin"], abs=1e-4)
        encoded = model.contract.encode_record({**item, "transaction_id": None})
        assert explanation["margin"] == pytest.approx(model.evaluator.margin_row(encoded), abs=1e-4)
        assert {c["feature"]: c["value"] for c in contributions} == {
            k: v for k, v in item.items() if k != "transaction_id"
        }
        sizes = [abs(c["contribution"]) for c in contributions]
        assert sizes == sorted(sizes, reverse=True)
    high, low = (r["fraud_probability"] for r in reversed(response.json()))
    assert high > low


async def test_explain_is_absent_by_default_and_explains_rules_by_the_rule(api: Api) -> None:
    plain = (await api.predict(transaction())).json()
    assert "explanation" not in plain
    ruled = (
        await api.client.post("/api/v1/predict?explain=1", json=transaction(**OBVIOUSLY_LEGIT))
    ).json()
    assert ruled["explanation"] == {"available": False, "reason": f"decided by rule {RULE_ID}"}


async def test_bad_explain_value_is_a_422_naming_it(api: Api) -> None:
    response = await api.client.post("/api/v1/predict?explain=maybe", json=transaction())
    error = error_of(response, 422, "invalid_input")
    assert error_fields(error) == ["explain"]
    await api.flush()
    assert await api.count() == 0  # nothing scored or logged


async def test_openapi_documents_explain_and_the_new_fields(api: Api) -> None:
    openapi = (await api.client.get("/openapi.json")).json()
    operation = openapi["paths"]["/api/v1/predict"]["post"]
    (parameter,) = [p for p in operation["parameters"] if p["name"] == "explain"]
    assert (parameter["in"], parameter["schema"]["type"]) == ("query", "boolean")
    result = openapi["components"]["schemas"]["PredictionResult"]["properties"]
    assert {"rule", "explanation", "path"} <= set(result)

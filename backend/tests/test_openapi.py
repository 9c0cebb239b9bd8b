"""The OpenAPI document: runnable examples for every body, and the Transaction schema."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from driftscope.contract import FRAUD_CONTRACT

if TYPE_CHECKING:
    from backend.tests.conftest import Api

METHODS_WITH_BODY = ("post", "put", "patch")


@pytest.fixture
async def openapi(api: Api) -> dict[str, Any]:
    response = await api.client.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def resolve(document: dict[str, Any], node: Any) -> Any:
    if isinstance(node, dict) and "$ref" in node:
        ref: str = node["$ref"]
        assert ref.startswith("#/"), ref
        target: Any = document
        for part in ref[2:].split("/"):
            target = target[part]
        return target
    return node


def has_example(document: dict[str, Any], node: Any, seen: frozenset[str] = frozenset()) -> bool:
    """Whether an example appears in `node` or in any schema it references."""
    if isinstance(node, list):
        return any(has_example(document, item, seen) for item in node)
    if not isinstance(node, dict):
        return False
    if node.get("example") is not None or node.get("examples"):
        return True
    if "$ref" in node:
        ref = node["$ref"]
        return ref not in seen and has_example(document, resolve(document, node), seen | {ref})
    return any(has_example(document, value, seen) for value in node.values())


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, ops in document["paths"].items()
        for method, op in ops.items()
        if method in METHODS_WITH_BODY
    ]


def all_refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for value in node.values() for r in all_refs(value)]
    if isinstance(node, list):
        return [r for item in node for r in all_refs(item)]
    return []


def test_transaction_component_describes_every_feature(openapi: dict[str, Any]) -> None:
    transaction = openapi["components"]["schemas"]["Transaction"]

    assert set(FRAUD_CONTRACT.names) <= set(transaction["properties"])
    assert "transaction_id" in transaction["properties"]
    assert transaction["additionalProperties"] is False
    required = set(transaction["required"])
    assert "amount" in required and "distance_from_home_km" not in required
    assert transaction["examples"] == [FRAUD_CONTRACT.example()]


def test_predict_request_body_has_examples(openapi: dict[str, Any]) -> None:
    body = openapi["paths"]["/api/v1/predict"]["post"]["requestBody"]

    assert body["required"] is True
    content = body["content"]["application/json"]
    assert {"single", "batch"} <= set(content["examples"])
    refs = all_refs(content["schema"])
    assert refs and set(refs) == {"#/components/schemas/Transaction"}


def test_predict_documents_its_error_statuses(openapi: dict[str, Any]) -> None:
    responses = openapi["paths"]["/api/v1/predict"]["post"]["responses"]

    assert {"200", "400", "413", "422", "503"} <= set(responses)


async def test_predict_examples_are_accepted(api: Api, openapi: dict[str, Any]) -> None:
    examples = openapi["paths"]["/api/v1/predict"]["post"]["requestBody"]["content"][
        "application/json"
    ]["examples"]

    for name, example in examples.items():
        response = await api.predict(example["value"])
        assert response.status_code == 200, (name, response.text)


def test_every_body_has_an_example(openapi: dict[str, Any]) -> None:
    missing = [
        f"{method.upper()} {path}"
        for method, path, op in operations(openapi)
        if "requestBody" in op
        and not has_example(openapi, op["requestBody"])
        and not has_example(openapi, op.get("responses"))
    ]

    assert [m for m, *_ in operations(openapi)], "no operation takes a body"
    assert missing == []


def test_feedback_body_has_an_example(openapi: dict[str, Any]) -> None:
    body = openapi["paths"]["/api/v1/feedback"]["post"]["requestBody"]

    assert has_example(openapi, body)


def test_every_reference_resolves(openapi: dict[str, Any]) -> None:
    for ref in set(all_refs(openapi)):
        assert isinstance(resolve(openapi, {"$ref": ref}), dict), ref


def body_problem(media: str, body: dict[str, Any]) -> str | None:
    schema = body.get("schema")
    if not schema:  # FastAPI writes `{}` for a route with no return type
        return "no schema"
    if media.endswith("json") and not all_refs(schema):  # e.g. a `dict[str, Any]` route
        return "free-form JSON, not a named model"
    return None


def undocumented_bodies(document: dict[str, Any]) -> list[str]:
    """Each 2xx response of each operation whose body is not described by a schema: no
    content, no schema, or JSON that is not a named component (or a list/union of them)."""
    problems = []
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            success = {s: r for s, r in op["responses"].items() if s.startswith("2")}
            for status, response in success.items():
                where = f"{method.upper()} {path} {status}"
                content = response.get("content") or {}
                if not content:
                    problems.append(f"{where}: no content")
                for media, body in content.items():
                    if (problem := body_problem(media, body)) is not None:
                        problems.append(f"{where} {media}: {problem}")
    return problems


def test_every_success_response_has_a_schema(openapi: dict[str, Any]) -> None:
    """Every 2xx body is described, so schemathesis checks it and the dashboard types are real."""
    assert undocumented_bodies(openapi) == []


def test_the_check_names_undocumented_routes() -> None:
    """The same check on an app with an untyped dict route and an unannotated one."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/free-form")
    def free_form() -> dict[str, Any]:
        return {}

    @app.get("/unannotated")
    def unannotated():  # type: ignore[no-untyped-def]
        return {}

    assert undocumented_bodies(app.openapi()) == [
        "GET /free-form 200 application/json: free-form JSON, not a named model",
        "GET /unannotated 200 application/json: no schema",
    ]

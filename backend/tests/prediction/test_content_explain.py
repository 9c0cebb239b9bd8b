"""`?explain=true` on a text model: the tokens that pushed each way, exact with respect to the
margin, their spans in the text as sent; nothing of it without the parameter."""

from __future__ import annotations

from typing import Any

import pytest

from driftscope.testing.content_model import ContentArtifact
from driftscope.text.features import analyse
from driftscope_backend.prediction.explain import TOP_TOKENS, ExplanationOut

from ..conftest import Api, error_fields, error_of

CONTENT = "/api/v1/models/content/predict"
HEAD = "FREE!!! Cheap meds and a CASH prize, click http://win.example NOW $$$"
SPAM = f"{HEAD} free free"
MIXED = "Привет! Скидка 50% 😀😀 click NOW — お得 İstanbul"


def _listed(tokens: dict[str, Any]) -> list[dict[str, Any]]:
    return [*tokens["positive"], *tokens["negative"]]


def _check_exact(explanation: dict[str, Any], text: str, artifact: ContentArtifact) -> None:
    ExplanationOut.model_validate(explanation)  # the documented, typed shape
    assert explanation["available"] is True and explanation["method"] == "tokens"
    tokens = explanation["tokens"]
    listed = sum(t["contribution"] for t in _listed(tokens))
    total = explanation["bias"] + listed + tokens["other"]
    assert total == pytest.approx(explanation["margin"], abs=1e-9)
    assert explanation["margin"] == pytest.approx(
        artifact.trained.model.margin_of(analyse(text)), abs=1e-12
    )
    assert tokens["feature"] == "text"
    assert len(tokens["positive"]) <= TOP_TOKENS and len(tokens["negative"]) <= TOP_TOKENS
    assert all(t["contribution"] > 0 for t in tokens["positive"])
    assert all(t["contribution"] < 0 for t in tokens["negative"])
    for token in _listed(tokens):
        for start, end in token["spans"]:
            assert token["token"] in text[start:end].lower()


async def test_explain_lists_the_tokens_that_pushed_with_their_spans(
    content: Api, trained_content: ContentArtifact
) -> None:
    answer = await content.client.post(f"{CONTENT}?explain=true", json={"text": SPAM})
    assert answer.status_code == 200, answer.text
    explanation = answer.json()["explanation"]
    _check_exact(explanation, SPAM, trained_content)
    found = {t["token"]: t["spans"] for t in _listed(explanation["tokens"])}
    n = len(HEAD)
    assert found["free"] == [[0, 4], [n + 1, n + 5], [n + 6, n + 10]]  # each one, any case
    assert "click" in {t["token"] for t in explanation["tokens"]["positive"]}


async def test_every_item_of_a_list_is_explained_in_order_any_script(
    content: Api, trained_content: ContentArtifact
) -> None:
    texts = [SPAM, MIXED, "x"]
    answer = await content.client.post(f"{CONTENT}?explain=1", json={"texts": texts})
    assert answer.status_code == 200, answer.text
    for text, result in zip(texts, answer.json(), strict=True):
        _check_exact(result["explanation"], text, trained_content)


async def test_without_the_parameter_nothing_is_explained(content: Api) -> None:
    for path in (CONTENT, f"{CONTENT}?explain=false"):
        answer = (await content.client.post(path, json={"text": SPAM})).json()
        assert answer.get("explanation") is None


@pytest.mark.parametrize(
    ("query", "body", "field"),
    [
        ("explain=maybe", {"text": SPAM}, "explain"),
        ("explain=true", {"text": "  \n "}, "text"),
        ("explain=true", {"text": 7}, "text"),
        ("explain=true", {"texts": [SPAM, ""]}, "texts[1]"),
    ],
)
async def test_bad_input_with_explain_names_the_field_and_logs_nothing(
    content: Api, query: str, body: object, field: str
) -> None:
    answer = await content.client.post(f"{CONTENT}?{query}", json=body)
    assert field in error_fields(error_of(answer, 422, "invalid_input"))
    await content.flush()
    assert await content.count() == 0


async def test_an_unknown_model_is_a_404_with_or_without_explain(content: Api) -> None:
    answer = await content.client.post(
        "/api/v1/models/nosuch/predict?explain=true", json={"text": SPAM}
    )
    assert error_of(answer, 404, "unknown_model")["details"] == {"model": "nosuch"}

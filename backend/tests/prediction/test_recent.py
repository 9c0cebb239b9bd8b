"""GET /api/v1/predictions/recent: a model's newest predictions, newest first, with the text of
a text model, its decision and path, and the label once one arrived."""

from __future__ import annotations

from datetime import datetime

import pytest

from driftscope_backend.prediction.recent.schemas import RecentPredictions

from ..conftest import Api, error_fields, error_of, transaction

RECENT = "/api/v1/predictions/recent"
CONTENT = "/api/v1/models/content/predict"
TEXTS = [
    "Re: build failure on ARM — the patch below fixes it",
    "FREE!!! Cheap meds and a CASH prize, click http://win.example NOW $$$",
    "Привет 😀 lunch on Friday?",
]


async def _score(api: Api, texts: list[str]) -> list[str]:
    """Each text in its own request (so each has its own time); their prediction ids."""
    ids = []
    for text in texts:
        answer = await api.client.post(CONTENT, json={"text": text})
        assert answer.status_code == 200, answer.text
        ids.append(answer.json()["prediction_id"])
    await api.flush()
    return ids


async def test_the_newest_texts_come_first_with_score_decision_path_and_label(
    content: Api,
) -> None:
    ids = await _score(content, TEXTS)
    assert (await content.feedback([(ids[1], 1), (ids[2], 0)])).status_code == 200
    answer = await content.client.get(f"{RECENT}?model=content&limit=2")
    assert answer.status_code == 200, answer.text
    body = RecentPredictions.model_validate(answer.json())
    assert (body.model_name, body.text_feature) == ("content", "text")
    newest, second = body.predictions
    assert [str(newest.prediction_id), str(second.prediction_id)] == [ids[2], ids[1]]
    assert [newest.text, second.text] == [TEXTS[2], TEXTS[1]]
    assert [newest.label, second.label] == ["ham", "spam"]  # label 1 is the positive class
    scored = {p.id: p for p in await content.predictions()}
    for item in body.predictions:
        row = scored[item.prediction_id]
        assert item.probability == row.score and item.path == row.path == "model"
        assert item.decision == ("spam" if row.decision else "ham")
        assert (item.model_version, item.variant, item.source) == (1, "production", "online")
        assert isinstance(item.ts, datetime)


async def test_an_unlabelled_prediction_says_so_and_limit_defaults_to_ten(content: Api) -> None:
    await _score(content, TEXTS[:1] * 12)
    body = (await content.client.get(f"{RECENT}?model=content")).json()
    assert len(body["predictions"]) == 10
    assert {p["label"] for p in body["predictions"]} == {None}


async def test_a_model_without_a_text_feature_has_no_text(content: Api) -> None:
    scored = await content.predict(transaction())
    assert scored.status_code == 200, scored.text
    await content.flush()
    body = (await content.client.get(RECENT)).json()  # the default model: fraud
    assert (body["model_name"], body["text_feature"]) == ("fraud", None)
    (item,) = body["predictions"]
    assert item["text"] is None and item["prediction_id"] == scored.json()["prediction_id"]
    assert item["decision"] in ("fraud", "legit")


async def test_a_model_with_nothing_logged_yet_has_an_empty_list(content: Api) -> None:
    body = (await content.client.get(f"{RECENT}?model=content")).json()
    assert body == {"model_name": "content", "text_feature": "text", "predictions": []}


async def test_an_unknown_model_is_a_404_unknown_model(content: Api) -> None:
    error = error_of(await content.client.get(f"{RECENT}?model=nosuch"), 404, "unknown_model")
    assert error["details"] == {"model": "nosuch"}


@pytest.mark.parametrize(
    ("query", "field"),
    [("model=Not%20A%20Name", "model"), ("limit=0", "limit"), ("limit=101", "limit")],
)
async def test_bad_parameters_are_a_422_naming_them(content: Api, query: str, field: str) -> None:
    answer = await content.client.get(f"{RECENT}?{query}")
    assert any(field in f for f in error_fields(error_of(answer, 422, "invalid_input")))

"""The built-in content model served: `{"text"}`, lists and `{"texts"}`, bad text refused
naming the field with nothing logged, descriptors logged for drift, scikit-learn's numbers."""

from __future__ import annotations

import numpy as np
import pytest

from driftscope.testing.content_model import ContentArtifact
from driftscope.text.descriptors import DESCRIPTORS
from driftscope.text.serving import LOGGED_TEXT_CHARS

from ..conftest import Api, error_fields, error_of

CONTENT = "/api/v1/models/content/predict"
HAM = "Re: build failure on ARM\n\nThe patch below fixes it; can you review before Friday?"
SPAM = "FREE!!! Cheap meds and a CASH prize, click http://win.example NOW $$$"


async def test_a_text_is_scored_as_the_fitted_model_scores_it(
    content: Api, trained_content: ContentArtifact
) -> None:
    answers = [(await content.client.post(CONTENT, json={"text": t})).json() for t in (HAM, SPAM)]
    model = trained_content.trained.model
    expected = model.probability([HAM, SPAM])
    got = [a["probability"] for a in answers]
    np.testing.assert_allclose(got, expected, atol=1e-6)  # answers are rounded to 6 places
    assert [a["decision"] for a in answers] == [
        "spam" if p >= trained_content.trained.threshold else "ham" for p in expected
    ]
    assert answers[1]["decision"] == "spam" and answers[0]["decision"] == "ham"
    assert all(a["model_name"] == "content" and a["path"] == "model" for a in answers)


async def test_lists_and_the_texts_form_answer_a_list_in_order(content: Api) -> None:
    listed = (await content.client.post(CONTENT, json=[{"text": HAM}, {"text": SPAM}])).json()
    texts = (await content.client.post(CONTENT, json={"texts": [HAM, SPAM]})).json()
    assert [r["decision"] for r in listed] == [r["decision"] for r in texts] == ["ham", "spam"]
    assert [r["probability"] for r in listed] == [r["probability"] for r in texts]
    await content.flush()
    assert await content.count() == 4


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "   \n\t "}, "text"),
        ({"text": ""}, "text"),
        ({"text": 5}, "text"),
        ({"text": None}, "text"),
        ({}, "text"),
        ({"text": "ok", "subject": "x"}, "subject"),
        ({"texts": ["fine", 3]}, "texts[1]"),
        ({"texts": ["fine", "  "]}, "texts[1]"),
        ({"texts": []}, "texts"),
        ([{"text": "fine"}, {"text": ""}], "[1].text"),
    ],
)
async def test_bad_text_is_refused_naming_the_field_and_nothing_is_logged(
    content: Api, body: object, field: str
) -> None:
    error = error_of(await content.client.post(CONTENT, json=body), 422, "invalid_input")
    assert field in error_fields(error)
    await content.flush()
    assert await content.count() == 0


async def test_any_unicode_is_scored_and_its_descriptors_logged(content: Api) -> None:
    text = "Привет 😀 мир\x00 " + "x" * (LOGGED_TEXT_CHARS + 50)
    answer = await content.client.post(CONTENT, json={"text": text})
    assert answer.status_code == 200, answer.text
    await content.flush()
    (row,) = await content.predictions()
    logged = row.features
    assert set(logged) == {"text", *(f"text.{d}" for d in DESCRIPTORS)}
    assert len(logged["text"]) == LOGGED_TEXT_CHARS and "\x00" not in logged["text"]
    assert logged["text.chars"] == len(text)
    assert logged["text.oov_share"] > 0  # Cyrillic words the English corpus never had
    assert 0 < logged["text.non_ascii_share"] < 1


async def test_a_csv_of_texts_is_scored_as_predict_scores_them(content: Api) -> None:
    """The analysts' spreadsheet path: a `text` column (quoted, commas and newlines inside),
    blank cells refused per row; scored rows logged with their descriptors."""
    csv = (
        b'id,text\nm-1,"Re: build failure on ARM\n\nThe patch below fixes it; can you review?"\n'
        b'm-2,"FREE!!! Cheap meds and a CASH prize, click http://win.example NOW $$$"\n'
        b'm-3,"   "\nm-4,\n'
    )
    answer = await content.client.post(
        "/api/v1/models/content/predict/batch", content=csv, headers={"content-type": "text/csv"}
    )
    assert answer.status_code == 200, answer.text
    rows = answer.text.strip().split("\n")
    assert rows[0].startswith("id,probability,decision,")
    scored = {r.split(",")[0]: r.split(",") for r in rows[1:]}
    one = (await content.client.post(CONTENT, json={"texts": [HAM, SPAM]})).json()
    assert [scored["m-1"][2], scored["m-2"][2]] == ["ham", "spam"]
    assert float(scored["m-2"][1]) == pytest.approx(one[1]["probability"], abs=1e-6)
    for blank in ("m-3", "m-4"):
        assert scored[blank][1] == "" and "text is missing or blank" in ",".join(scored[blank])
    await content.flush()
    logged = {p.transaction_id: p for p in await content.predictions() if p.source == "batch"}
    assert set(logged) == {"m-1", "m-2"}
    assert logged["m-2"].features["text.url_count"] == 1.0
    assert logged["m-1"].features["text"].startswith("Re: build failure on ARM\n\n")

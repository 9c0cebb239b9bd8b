"""The content model's rules fast path: a matching text is decided by its rule (path, rule id,
the rule's measured probability), logged and counted as such; batch CSV decides alike."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import numpy as np
import pytest

from driftscope.rules import RulePolicy
from driftscope.settings import Settings
from driftscope.testing.content_model import (
    ContentArtifact,
    content_with_rules,
    register_content,
)
from driftscope.text.rules import TextRuleSet, measure_text_rules, shipped_rules

from ..conftest import Api
from ..metrics.scraping import scrape, value

Serve = Callable[[Settings], AbstractAsyncContextManager[Api]]
CONTENT = "/api/v1/models/content/predict"
MONEY = "Order today: 30 days money back guarantee on every plan."
HAM = "Re: build failure on ARM\n\nThe patch below fixes it; can you review before Friday?"


def hand_measured() -> TextRuleSet:
    """Two shipped rules measured on hand-made texts: MONEY_BACK matches 3 spam and 1 ham
    (precision 3/4, refused), DEAR_SOMETHING 2 spam (accepted, probability (2+1)/(2+2))."""
    chosen = tuple(r for r in shipped_rules().rules if r.id in ("MONEY_BACK", "DEAR_SOMETHING"))
    texts = [
        "Money back guarantee!",
        "money back guarantee, act now",
        "A MONEY BACK GUARANTEE on every order",
        "our shop has a money back guarantee policy",
        "Dear Sir, I am a prince",
        "Dear investor, buy now",
        "meeting notes",
    ]
    y = np.array([1, 1, 1, 0, 1, 1, 0])
    ruleset = TextRuleSet("hand-1", "text", chosen)
    return measure_text_rules(ruleset, texts, y, RulePolicy(min_precision=0.95, min_support=2))


@pytest.fixture
async def content(
    registered_settings: Settings,
    trained_content: ContentArtifact,
    serve: Serve,
    tmp_path: Path,
) -> AsyncIterator[Api]:
    artifact = content_with_rules(trained_content, hand_measured(), tmp_path / "v1")
    await register_content(registered_settings, artifact)
    async with serve(registered_settings) as api:
        yield api


def test_the_hand_measurement_accepts_one_rule() -> None:
    measured = hand_measured()
    assert [r.id for r in measured.rules] == ["DEAR_SOMETHING"]
    assert measured.rules[0].probability == pytest.approx(3 / 4)
    refused = {r["id"]: r["reason"] for r in measured.report if not r["accepted"]}
    assert refused == {"MONEY_BACK": "precision 0.7500 below the floor 0.95"}


async def test_a_matching_text_is_decided_by_its_rule_and_logged_as_such(
    content: Api, trained_content: ContentArtifact
) -> None:
    text = "Dear Investor,\nthis offer closes Friday."
    body = (await content.client.post(CONTENT, json={"text": text})).json()
    assert (body["path"], body["rule"], body["decision"]) == ("rules", "DEAR_SOMETHING", "spam")
    assert body["probability"] == pytest.approx(3 / 4)
    other = (await content.client.post(CONTENT, json={"texts": [MONEY, HAM]})).json()
    assert [(r["path"], r["rule"]) for r in other] == [("model", None), ("model", None)]
    expected = trained_content.trained.model.probability([MONEY, HAM])
    np.testing.assert_allclose([r["probability"] for r in other], expected, atol=1e-6)
    await content.flush()
    rows = {row.features["text"]: row for row in await content.predictions()}
    assert (rows[text].path, rows[text].decision) == ("rules", True)
    assert rows[text].features["text.rules_hit"] == 1.0
    assert rows[HAM].path == "model" and rows[HAM].features["text.rules_hit"] == 0.0


async def test_the_rules_share_is_in_live_stats_and_metrics(content: Api) -> None:
    before = await scrape(content)
    texts = ["Dear Sir, a prize awaits", HAM, MONEY, "dear madam, act now"]
    await content.client.post(CONTENT, json={"texts": texts})
    after = await scrape(content)
    for path, expected in (("rules", 2), ("model", 2)):
        labels = {"model": "content", "path": path}
        counted = value(after, "driftscope_predictions_total", **labels) - value(
            before, "driftscope_predictions_total", **labels
        )
        assert counted == expected
    stats = content.app.state.runtime.live.roll(1.0, {})["content"]
    assert stats["rules_ratio"] == pytest.approx(2 / 4)


async def test_rules_switched_off_leave_every_text_to_the_model(
    registered_settings: Settings, trained_content: ContentArtifact, serve: Serve, tmp_path: Path
) -> None:
    artifact = content_with_rules(trained_content, hand_measured(), tmp_path / "v1")
    await register_content(registered_settings, artifact)
    async with serve(registered_settings.model_copy(update={"rules_enabled": False})) as api:
        body = (await api.client.post(CONTENT, json={"text": "Dear Sir, hello"})).json()
    assert (body["path"], body["rule"]) == ("model", None)


async def test_a_csv_of_texts_takes_the_rules_path_as_predict_does(content: Api) -> None:
    csv = b'id,text\nm-1,"Dear Sir,\nyou won"\nm-2,"Re: build failure on ARM, can you review?"\n'
    answer = await content.client.post(
        "/api/v1/models/content/predict/batch", content=csv, headers={"content-type": "text/csv"}
    )
    assert answer.status_code == 200, answer.text
    header, *lines = answer.text.strip().split("\n")
    path = header.split(",").index("path")
    scored = {line.split(",")[0]: line.split(",") for line in lines}
    one = (
        await content.client.post(
            CONTENT,
            json={"texts": ["Dear Sir,\nyou won", "Re: build failure on ARM, can you review?"]},
        )
    ).json()
    assert [scored["m-1"][path], scored["m-2"][path]] == [one[0]["path"], one[1]["path"]]
    assert [scored["m-1"][path], scored["m-2"][path]] == ["rules", "model"]
    for key, result in zip(("m-1", "m-2"), one, strict=True):
        assert float(scored[key][1]) == pytest.approx(result["probability"], abs=1e-6)

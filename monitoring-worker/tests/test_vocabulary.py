"""Vocabulary drift in the worker: the content model's logged texts of a window → `text.vocabulary`
in its drift report, decided and alerted on like any feature."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import pytest
from sqlalchemy import select

from driftscope.db import DriftReport
from driftscope.settings import get_settings
from driftscope.testing.content_model import SHARE, ContentArtifact
from driftscope.text.content import ContentData, content_data
from driftscope.text.serving import text_describer
from driftscope.text.vocabulary import message_words
from driftscope_worker.monitor import drift_and_performance

if TYPE_CHECKING:
    from conftest import Harness, LoggedModel


@pytest.fixture(scope="module")
def corpus() -> ContentData:
    return content_data(get_settings().cache_dir, share=SHARE)


async def log_texts(
    harness: Harness, model: LoggedModel, trained: ContentArtifact, texts: list[str]
) -> None:
    """Log `texts` as the backend does: the text and its descriptors, with the model's scores."""
    describe = text_describer("text", trained.trained.model)
    frame = pd.DataFrame([describe({"text": t}, None) for t in texts])
    scores = trained.trained.model.probability(texts)
    await harness.log_scored(model, frame, scores, harness.clock.now)


async def content_report(harness: Harness) -> DriftReport:
    async with harness.ctx.sessionmaker() as session:
        report = await session.scalar(
            select(DriftReport).where(
                DriftReport.model_name == "content", DriftReport.window_end == harness.clock.now
            )
        )
    assert report is not None
    return report


async def test_a_spam_campaign_moves_the_vocabulary(
    harness: Harness,
    content_model: LoggedModel,
    trained_content: ContentArtifact,
    corpus: ContentData,
) -> None:
    campaign = [m.text for m in corpus.later if m.label == "spam"][:150]
    await log_texts(harness, content_model, trained_content, campaign)
    assert await drift_and_performance(harness.ctx) == 2  # fraud (an empty window) and content

    stored = (await content_report(harness)).features["text.vocabulary"]
    assert stored["test"] == "vocabulary_chi2" and stored["drifted"]
    assert stored["n_current"] == 150
    entry = trained_content.trained.profile["vocabulary"]["text"]
    assert stored["bins"] == [*entry["tokens"], "(other)"]
    assert stored["reference_counts"] == entry["counts"]
    # the current cells are the campaign's own presence counts of the reference's top words
    first = entry["tokens"][0]
    assert stored["current_counts"][0] == sum(first in message_words(t) for t in campaign)
    details = stored["vocabulary"]
    assert details["p_value"] == stored["p_value"] < 1e-6
    moved = details["moved"]
    assert len(moved) == 50 and abs(moved[0]["difference"]) >= abs(moved[-1]["difference"])
    assert details["new_words"]  # the campaign's own words, absent from the reference top-50


async def test_the_reference_s_own_kind_of_mail_does_not_move_it(
    harness: Harness,
    content_model: LoggedModel,
    trained_content: ContentArtifact,
    corpus: ContentData,
) -> None:
    # the training split: mail of 2002 like the reference's, none of it in the reference
    await log_texts(harness, content_model, trained_content, [m.text for m in corpus.train])
    assert await drift_and_performance(harness.ctx) == 2

    stored = (await content_report(harness)).features["text.vocabulary"]
    assert not stored["drifted"] and stored["severity"] == "none"
    assert stored["p_value"] > 0.05

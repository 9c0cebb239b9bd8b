"""Vocabulary drift through the drift read API: the content model's report carries
`text.vocabulary` with its typed details; its distribution and history answer; fraud's
features carry none."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import pandas as pd
import pytest
from backend.tests.monitoring.conftest import Serve

from driftscope.settings import Settings
from driftscope.testing.content_model import SHARE, ContentArtifact, register_content
from driftscope.testing.monitoring import record_window
from driftscope.text.content import content_data
from driftscope.text.descriptors import DESCRIPTORS

if TYPE_CHECKING:
    from backend.tests.conftest import Api

PREDICT = "/api/v1/models/content/predict"


@pytest.fixture
async def content_window(
    admin_settings: Settings, trained_content: ContentArtifact, serve: Serve
) -> AsyncIterator[Api]:
    """The content model served; 2003 spam scored through /predict and one window of the
    logged rows recorded as the worker records it."""
    await register_content(admin_settings, trained_content)
    later = content_data(admin_settings.cache_dir, share=SHARE).later
    campaign = [m.text for m in later if m.label == "spam"][:150]
    async with serve(admin_settings) as api:
        response = await api.client.post(PREDICT, json={"texts": campaign})
        assert response.status_code == 200, response.text
        await api.flush()
        rows = await api.predictions()
        features = pd.DataFrame([r.features for r in rows])
        await record_window(admin_settings, features, [r.score for r in rows], model_name="content")
        yield api


async def get(api: Api, url: str, **params: str) -> Any:
    response = await api.client.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_latest_report_carries_the_words_that_moved(content_window: Api) -> None:
    latest = await get(content_window, "/api/v1/drift/latest", model="content")
    descriptors = [f"text.{d}" for d in DESCRIPTORS]
    assert list(latest["features"]) == [*descriptors, "text.vocabulary"]  # spec order
    vocabulary = latest["features"]["text.vocabulary"]
    assert vocabulary["test"] == "vocabulary_chi2" and vocabulary["drifted"]
    assert all(latest["features"][d].get("vocabulary") is None for d in descriptors)
    details = vocabulary["vocabulary"]
    assert details["p_value"] == vocabulary["p_value"]
    assert set(details) == {
        "statistic",
        "raw_statistic",
        "dof",
        "p_value",
        "dispersion",
        "drifted",
        "moved",
        "new_words",
    }
    top = details["moved"][0]
    assert set(top) == {"token", "reference_share", "current_share", "difference", "log_ratio"}
    assert top["difference"] == pytest.approx(top["current_share"] - top["reference_share"])
    assert all(w["reference_share"] is None for w in details["new_words"])


async def test_its_distribution_and_history_answer(content_window: Api) -> None:
    distribution = await get(
        content_window, "/api/v1/drift/features/text.vocabulary", model="content"
    )
    assert distribution["kind"] == "categorical" and distribution["labels"][-1] == "(other)"
    assert len(distribution["labels"]) == 51
    history = await get(
        content_window, "/api/v1/drift/history", model="content", feature="text.vocabulary"
    )
    assert [p["drifted"] for p in history["points"]] == [True]
    descriptor = await get(content_window, "/api/v1/drift/features/text.chars", model="content")
    assert descriptor["kind"] == "numeric"


async def test_the_text_itself_is_not_a_drift_feature(content_window: Api) -> None:
    response = await content_window.client.get(
        "/api/v1/drift/features/text", params={"model": "content"}
    )
    assert response.status_code == 404
    allowed = response.json()["error"]["details"][0]["allowed"]
    assert "text.vocabulary" in allowed and "text" not in allowed

"""The content model's drift reads name its text descriptors, as its reports do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftscope.text.descriptors import DESCRIPTORS

if TYPE_CHECKING:
    from backend.tests.conftest import Api


async def test_descriptors_are_features_of_the_content_model(content: Api) -> None:
    for descriptor in DESCRIPTORS:
        name = f"text.{descriptor}"
        history = await content.client.get(
            "/api/v1/drift/history", params={"model": "content", "feature": name}
        )
        assert history.status_code == 200, history.text
        assert history.json()["feature"] == name
        # no report yet: the distribution says so, rather than "unknown feature"
        latest = await content.client.get(f"/api/v1/drift/features/{name}?model=content")
        assert latest.status_code == 404, latest.text
        assert "no drift report yet" in latest.json()["error"]["message"]
    unknown = await content.client.get("/api/v1/drift/features/text.bogus?model=content")
    assert unknown.status_code == 404
    error = unknown.json()["error"]
    assert "unknown feature 'text.bogus'" in error["message"]
    assert "text.chars" in error["details"][0]["allowed"]

"""The built-in content model for tests: trained once per session on a share of the real
corpora (driftscope.corpora, fetched into the cache on first use), registered per test.

`trained_content` fits it; `register_content(settings, artifact)` copies its artifacts into the
settings' models dir and registers them as `driftscope train --name content` does;
`content_with_rules` writes the same model with other accepted rules (the fast path's tests:
on the session's small test split few shipped rules reach the support floor).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from driftscope.db import script_sessions
from driftscope.registry import register_version
from driftscope.settings import Settings, get_settings
from driftscope.spec import shipped_spec
from driftscope.text.artifact import TEXT_KIND, write_text_artifacts
from driftscope.text.content import CONTENT, TrainedContent, content_data, fit_content
from driftscope.text.rules import TextRuleSet

SHARE = 0.15  # of every corpus part: a real model in a few seconds


@dataclass(frozen=True)
class ContentArtifact:
    trained: TrainedContent
    directory: Path
    sha256: str


def _write(trained: TrainedContent, directory: Path, rules: TextRuleSet | None) -> ContentArtifact:
    sha = write_text_artifacts(
        directory,
        trained.model,
        model_name=CONTENT,
        version=1,
        threshold=trained.threshold,
        table=trained.table,
        metrics=trained.metrics,
        profile=trained.profile,
        rules=rules,
    )
    return ContentArtifact(trained, directory, sha)


@pytest.fixture(scope="session")
def trained_content(tmp_path_factory: pytest.TempPathFactory) -> ContentArtifact:
    trained = fit_content(content_data(get_settings().cache_dir, share=SHARE))
    return _write(trained, tmp_path_factory.mktemp("content") / "v1", trained.rules)


def content_with_rules(
    artifact: ContentArtifact, rules: TextRuleSet, directory: Path
) -> ContentArtifact:
    """The session's content model with `rules` as its accepted rules, written in `directory`."""
    return _write(artifact.trained, directory, rules)


async def register_content(settings: Settings, artifact: ContentArtifact) -> Path:
    """The session's content model as version 1 (production) of `content` in `settings`."""
    target = settings.models_dir / CONTENT / "v1"
    shutil.copytree(artifact.directory, target, dirs_exist_ok=True)
    async with (
        script_sessions(settings.resolved_database_url) as sessions,
        sessions() as session,
        session.begin(),
    ):
        await register_version(
            session,
            model_name=CONTENT,
            version=1,
            kind=TEXT_KIND,
            artifact_path=str(target),
            sha256=artifact.sha256,
            metrics=artifact.trained.metrics,
            threshold=artifact.trained.threshold,
            profile=artifact.trained.profile,
            spec=shipped_spec(CONTENT),
        )
    return target

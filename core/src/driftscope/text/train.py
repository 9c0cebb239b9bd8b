"""`driftscope train --name content`: fit the content model and register it as a version."""

from __future__ import annotations

import time
from pathlib import Path

from driftscope.db import script_sessions
from driftscope.predictors.base import Progress
from driftscope.registry import next_version, register_version
from driftscope.settings import Settings
from driftscope.spec import shipped_spec
from driftscope.text.artifact import TEXT_KIND, write_text_artifacts
from driftscope.text.content import CONTENT, DEFAULT_POLICY, content_data, fit_content
from driftscope.training.threshold import ThresholdPolicy
from driftscope.training.trainer import TrainResult


def _noop(_stage: str, _fraction: float) -> None:
    return None


async def train_content(
    settings: Settings,
    policy: ThresholdPolicy = DEFAULT_POLICY,
    *,
    seed: int = 42,
    share: float = 1.0,
    cache_dir: Path | None = None,
    progress: Progress = _noop,
) -> TrainResult:
    """Fetch the corpora if needed, fit, evaluate, write artifacts, register the next version
    (the first becomes production). `share` < 1 trains on a stratified subset (tests)."""
    data = content_data(cache_dir or settings.cache_dir, seed, share)
    progress("data", 1.0)
    started = time.perf_counter()
    trained = fit_content(data, policy, settings.rule_policy(text=True))
    metrics = {**trained.metrics, "train_s": round(time.perf_counter() - started, 1)}
    progress("fit", 1.0)
    async with (
        script_sessions(settings.resolved_database_url) as sessions,
        sessions() as session,
        session.begin(),
    ):
        version = await next_version(session, CONTENT)
        directory = settings.models_dir / CONTENT / f"v{version}"
        sha = write_text_artifacts(
            directory,
            trained.model,
            model_name=CONTENT,
            version=version,
            threshold=trained.threshold,
            table=trained.table,
            metrics=metrics,
            profile=trained.profile,
            rules=trained.rules,
        )
        _, promoted = await register_version(
            session,
            model_name=CONTENT,
            version=version,
            kind=TEXT_KIND,
            artifact_path=str(directory),
            sha256=sha,
            metrics={**metrics, "evaluator": TEXT_KIND},
            threshold=trained.threshold,
            profile=trained.profile,
            spec=shipped_spec(CONTENT),
        )
    progress("registry", 1.0)
    return TrainResult(version, directory, trained.threshold, metrics, promoted, TEXT_KIND)

"""The replay harness: simulated hours through the worker's jobs, alerts counted (issue #20)."""

from __future__ import annotations

from pathlib import Path

import pytest

from driftscope.db import create_engine, upgrade
from driftscope.serving.artifact import LoadedModel, load_model
from driftscope.settings import Settings
from driftscope.spec import shipped_spec
from driftscope.testing import TrainedArtifact, register_artifact
from driftscope.testing.content_model import SHARE, ContentArtifact, register_content
from driftscope.text.content import content_data
from driftscope.text.traffic import traffic_of
from driftscope_worker.replay import ContentSource, FraudSource, Traffic, replay

# The demo's schedule (scripts/demo.sh): 60 s windows every 10 s; the default hysteresis.
DEMO = {"monitor_interval_s": 10.0, "window_s": 60.0}


def demo(settings: Settings) -> Settings:
    return settings.model_copy(update=DEMO)


def sqlite_only(settings: Settings) -> None:
    """Replays run once, on the embedded default: they drive the same worker code on both
    databases, which the other worker tests (test_monitor, test_performance_alerts) already
    run against PostgreSQL, and CI time is budgeted."""
    if not settings.resolved_database_url.startswith("sqlite"):
        pytest.skip("long replays run on SQLite only (the same worker code; CI time)")


async def test_half_an_hour_of_clean_traffic_at_demo_settings_opens_no_alert(
    registered_settings: Settings, served_model: LoadedModel
) -> None:
    sqlite_only(registered_settings)
    result = await replay(
        demo(registered_settings), FraudSource(served_model, Traffic()), hours=0.5
    )
    assert result.windows == 180  # one report a run, every 10 simulated seconds
    assert 30_000 < result.rows < 42_000  # Poisson arrivals at 20 a second
    assert result.opened == []


async def test_sudden_drift_opens_a_feature_alert_within_three_windows(
    registered_settings: Settings, served_model: LoadedModel
) -> None:
    sqlite_only(registered_settings)
    traffic = Traffic(scenario="sudden", scenario_at_s=600.0)
    result = await replay(demo(registered_settings), FraudSource(served_model, traffic), hours=0.25)
    assert [o for o in result.opened if o.at_s < 600.0] == []  # nothing before the drift
    first = result.first_after(600.0)
    assert first is not None and first.kind == "feature_drift"
    assert first.feature in {"amount", "distance_from_home_km", "amount_to_avg_ratio"}
    assert first.at_s - 600.0 <= 3 * 60.0  # within three 60 s windows


async def test_a_seeded_replay_gives_the_same_alerts(
    registered_settings: Settings,
    served_model: LoadedModel,
    trained_model: TrainedArtifact,
    tmp_path: Path,
) -> None:
    sqlite_only(registered_settings)
    other_dir = tmp_path / "other"  # its own SQLite file, whatever DATABASE_URL says
    other = Settings(data_dir=other_dir, database_url=f"sqlite+aiosqlite:///{other_dir}/ds.db")
    await register_artifact(other, trained_model)
    traffic = Traffic(scenario="categorical", scenario_at_s=120.0)
    runs = [
        await replay(demo(s), FraudSource(served_model, traffic), hours=0.1, seed=5)
        for s in (registered_settings, other)
    ]
    assert runs[0].rows == runs[1].rows
    assert [(o.kind, o.feature, o.at_s) for o in runs[0].opened] == [
        (o.kind, o.feature, o.at_s) for o in runs[1].opened
    ]
    assert runs[0].opened  # the categorical shift was caught


async def upgrade_database(settings: Settings) -> None:
    engine = create_engine(settings.resolved_database_url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def content_settings(
    database_url: str, trained_content: ContentArtifact, tmp_path: Path
) -> Settings:
    """A fresh database with only the session's content model registered (production)."""
    settings = Settings(data_dir=tmp_path / "content", database_url=database_url)
    await upgrade_database(settings)
    await register_content(settings, trained_content)
    return demo(settings)


async def test_a_spam_campaign_opens_an_alert_within_three_minutes(
    content_settings: Settings, trained_content: ContentArtifact
) -> None:
    """The content stream's `campaign` (2003 spam mixed into held-out 2002 mail, half the
    traffic at intensity 1) through the worker: quiet for ten minutes, then an alert."""
    contract = shipped_spec("content").contract()
    sqlite_only(content_settings)
    model = load_model(trained_content.directory, trained_content.sha256, contract=contract)
    pools = traffic_of(content_data(Settings().cache_dir, share=SHARE))
    traffic = Traffic(rate=5.0, scenario="campaign", scenario_at_s=600.0)
    result = await replay(content_settings, ContentSource(model, traffic, pools), hours=0.25)
    assert [o for o in result.opened if o.at_s < 600.0] == []
    first = result.first_after(600.0)
    assert first is not None and first.at_s - 600.0 <= 180.0, result.opened

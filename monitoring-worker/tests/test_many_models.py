"""The worker watches every registered model: fraud and a flights model made from a user's CSV
(driftscope.testing.user_model), an external one, a broken one, per-model overrides."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import delete, insert, select, update

from driftscope import registry
from driftscope.catalog import model_catalog
from driftscope.db import (
    Alert,
    DriftReport,
    Event,
    Label,
    ModelVersion,
    PerformanceSnapshot,
    ReferenceProfile,
)
from driftscope.settings import Settings
from driftscope.spec import ModelSpec
from driftscope.testing.user_model import FLIGHTS_TARGET, flights
from driftscope_worker import reports
from driftscope_worker.monitor import drift_and_performance, label_join
from driftscope_worker.retrain import auto_retrain
from driftscope_worker.window_data import WindowData

if TYPE_CHECKING:
    from conftest import Harness, LoggedModel

MINUTE = timedelta(seconds=60)


def delay_probability(frame: pd.DataFrame) -> np.ndarray:
    """The chance of delay `flights()` draws from: the scores a well-trained model gives."""
    distance = frame["distance_km"].fillna(frame["distance_km"].mean())
    logit = (
        -4.5
        + distance / 1_000
        + 0.8 * frame["stops"]
        + 1.0 * (frame["weekend"] == "true")
        + 1.5 * (frame["carrier"] == "C")
    )
    return np.asarray(1 / (1 + np.exp(-logit)))


async def log_flights(
    harness: Harness, model: LoggedModel, frame: pd.DataFrame, end: datetime
) -> list[uuid.UUID]:
    return await harness.log_scored(model, frame, delay_probability(frame), end)


def late_carriers(rows: int, seed: int) -> pd.DataFrame:
    """Flights whose carrier mix moved: all carrier C (the reference has a third of each)."""
    frame = flights(rows, seed)
    frame["carrier"] = "C"
    return frame


async def rows_of(harness: Harness, table: Any, name: str) -> list[Any]:
    async with harness.ctx.sessionmaker() as session:
        query = select(table).where(table.model_name == name).order_by(table.id)
        return list(await session.scalars(query))


async def test_one_run_reports_on_every_model_and_alerts_name_theirs(
    harness: Harness, flights_model: LoggedModel
) -> None:
    start = harness.clock.now
    for k in range(2):  # K = 2 drifted windows open the alert
        end = harness.clock.now = start + k * MINUTE
        await harness.log(harness.transactions(400, seed=60 + k), end)
        await log_flights(harness, flights_model, late_carriers(400, seed=70 + k), end)
        assert await drift_and_performance(harness.ctx) == 2  # one report per model

    for name in ("fraud", "flights"):
        reports = await rows_of(harness, DriftReport, name)
        assert [(r.model_version, r.window_end, r.n) for r in reports] == [
            (1, start, 400),
            (1, start + MINUTE, 400),
        ]
        snapshots = await rows_of(harness, PerformanceSnapshot, name)
        assert [s.n_predictions for s in snapshots] == [400, 400]
        kinds = [e.kind for e in await rows_of(harness, Event, name)]
        assert kinds.count("drift") == 2 and kinds.count("performance") == 2
    flights_report = (await rows_of(harness, DriftReport, "flights"))[-1]
    assert set(flights_report.features) == set(flights_model.names)
    assert flights_report.features["carrier"]["drifted"]

    alerts = await rows_of(harness, Alert, "flights")
    assert ("feature_drift", "carrier") in [(a.kind, a.feature) for a in alerts]
    assert not [a for a in await rows_of(harness, Alert, "fraud") if a.feature == "carrier"]
    page = next(p for p in harness.notifier.pages if p.get("feature") == "carrier")
    assert page["model"] == "flights" and page["change"] == "opened"
    alert_events = [e for e in await rows_of(harness, Event, "flights") if e.kind == "alert"]
    assert {e.payload["model"] for e in alert_events} == {"flights"}


async def break_profile(harness: Harness, how: str) -> None:
    """Make flights v1 unmonitorable: its profile deleted, or one that no longer reads."""
    async with harness.ctx.sessionmaker() as session, session.begin():
        flights_profile = ReferenceProfile.model_name == "flights"
        if how == "missing":
            await session.execute(delete(ReferenceProfile).where(flights_profile))
        else:
            broken = {"features": {"carrier": {"kind": "nonsense"}}}
            await session.execute(
                update(ReferenceProfile).where(flights_profile).values(profile=broken)
            )


@pytest.mark.parametrize(
    ("how", "logged"),
    [
        ("missing", "no reference profile for flights v1"),
        ("unreadable", "monitoring flights v1 failed"),
    ],
)
async def test_a_model_that_cannot_be_monitored_is_skipped_and_the_others_go_on(
    harness: Harness,
    flights_model: LoggedModel,
    caplog: pytest.LogCaptureFixture,
    how: str,
    logged: str,
) -> None:
    end = harness.clock.now
    await harness.log(harness.transactions(300, seed=80), end)
    await log_flights(harness, flights_model, flights(300, seed=81), end)
    await break_profile(harness, how)

    assert await drift_and_performance(harness.ctx) == 1
    assert [r.n for r in await rows_of(harness, DriftReport, "fraud")] == [300]
    assert await rows_of(harness, DriftReport, "flights") == []
    assert logged in caplog.text


async def set_monitoring(harness: Harness, name: str, monitoring: dict[str, Any]) -> None:
    """Give the stored spec of `name` v1 the `monitoring` block a user would have written."""
    async with harness.ctx.sessionmaker() as session, session.begin():
        row = await registry.get_version(session, name, 1)
        assert row is not None and row.spec is not None
        await session.execute(
            update(ModelVersion)
            .where(ModelVersion.id == row.id)
            .values(spec={**row.spec, "monitoring": monitoring})
        )


async def test_the_specs_monitoring_block_overrides_window_and_psi_threshold(
    harness: Harness, flights_model: LoggedModel
) -> None:
    await set_monitoring(harness, "flights", {"window_s": 120.0, "psi_threshold": 0.3})
    end = harness.clock.now
    await harness.log(harness.transactions(300, seed=84), end)
    await log_flights(harness, flights_model, flights(300, seed=85), end)

    assert await drift_and_performance(harness.ctx) == 2
    (flights_report,) = await rows_of(harness, DriftReport, "flights")
    (fraud_report,) = await rows_of(harness, DriftReport, "fraud")
    assert flights_report.window_start == end - 2 * MINUTE  # its own window length
    assert fraud_report.window_start == end - MINUTE  # the settings' window
    bias = flights_report.features["carrier"]["psi_bias"]
    assert flights_report.features["carrier"]["warn_threshold"] == pytest.approx(0.3 + bias)
    fraud_amount = fraud_report.features["amount"]
    assert fraud_amount["warn_threshold"] == pytest.approx(0.1 + fraud_amount["psi_bias"])


async def register_external(harness: Harness, name: str) -> None:
    """A model served elsewhere, as `driftscope models register-external` stores it: no
    artifact, the flights profile and spec as its reference."""
    async with harness.ctx.sessionmaker() as session, session.begin():
        flights_v1 = await registry.get_version(session, "flights", 1)
        profile = await session.scalar(
            select(ReferenceProfile.profile).where(ReferenceProfile.model_name == "flights")
        )
        assert flights_v1 is not None and flights_v1.spec is not None and profile is not None
        await registry.register_version(
            session,
            profile=profile,
            spec=ModelSpec.from_dict({**flights_v1.spec, "name": name}),
            model_name=name,
            version=1,
            kind=registry.EXTERNAL_KIND,
            artifact_path="",
            sha256="",
            metrics={},
            threshold=flights_v1.threshold,
        )


async def test_an_external_model_is_watched_like_a_served_one(
    harness: Harness, flights_model: LoggedModel
) -> None:
    await register_external(harness, "partner")
    async with harness.ctx.sessionmaker() as session:
        catalog = await model_catalog(session)
    assert {n: (e.kind, e.production_version) for n, e in catalog.items()} == {
        "flights": ("served", 1),
        "fraud": ("served", 1),
        "partner": ("external", 1),
    }
    end = harness.clock.now
    # The partner's own model scores these rows; the flights model stands in for it.
    partner = dataclasses.replace(flights_model, name="partner")
    await log_flights(harness, partner, late_carriers(300, seed=86), end)

    assert await drift_and_performance(harness.ctx) == 3  # every model, even without traffic
    (report,) = await rows_of(harness, DriftReport, "partner")
    assert report.n == 300 and report.features["carrier"]["drifted"]
    assert [r.n for r in await rows_of(harness, DriftReport, "flights")] == [0]


async def test_auto_retrain_skips_a_user_model_whose_training_data_is_not_kept(
    harness: Harness, flights_model: LoggedModel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="driftscope_worker.retrain")
    harness.configure(auto_retrain_enabled=True, auto_retrain_after_s=600)
    async with harness.ctx.sessionmaker() as session, session.begin():
        session.add(
            Alert(
                model_name="flights",
                kind="feature_drift",
                feature="carrier",
                severity="critical",
                status="open",
                first_seen=harness.clock.now - timedelta(hours=1),
                last_seen=harness.clock.now,
                message="carrier drifted",
                details={},
            )
        )

    assert await auto_retrain(harness.ctx) is None
    assert "auto retrain skips flights" in caplog.text
    assert [e for e in await rows_of(harness, Event, "flights") if e.kind == "retrain"] == []


async def test_late_labels_refresh_the_performance_of_every_model(
    harness: Harness, flights_model: LoggedModel
) -> None:
    end = harness.clock.now
    frame = flights(300, seed=87)
    ids = await log_flights(harness, flights_model, frame, end)
    assert await drift_and_performance(harness.ctx) == 2  # fraud's window is empty
    async with harness.ctx.sessionmaker() as session, session.begin():
        delayed = (frame[FLIGHTS_TARGET] == "delayed").astype(int)
        labels = [
            {"prediction_id": pid, "model_name": "flights", "label": int(y), "ts": end}
            for pid, y in zip(ids, delayed, strict=True)
        ]
        await session.execute(insert(Label), labels)

    assert await label_join(harness.ctx) == 2
    (snapshot,) = await rows_of(harness, PerformanceSnapshot, "flights")
    assert (snapshot.n_labelled, snapshot.label_coverage) == (300, 1.0)
    assert snapshot.metrics["realised"]["roc_auc"] > 0.7  # the scores are the true chances


def test_rows_without_a_score_count_for_drift_but_not_for_performance() -> None:
    """A model logged from elsewhere may send no score: NaN in the window, left out of the
    performance metrics (and of prediction drift) but not of the features."""
    data = WindowData(
        features=pd.DataFrame({"carrier": ["A", "B", "C"]}),
        scores=np.array([0.9, np.nan, 0.1]),
        labels=np.array([1.0, 0.0, np.nan]),
        variants={"production": 3},
    )
    metrics = reports.performance(data, threshold=0.5, settings=Settings())
    assert (metrics["n_predictions"], metrics["n_labelled"]) == (2, 1)
    assert metrics["predicted_rate"] == 0.5 and metrics["variants"] == {"production": 3}

"""The `auto_retrain` job (off by default): a drift or performance alert open too long and enough
labelled recent traffic → train a candidate on that traffic, gate it, put it on canary.

Every step is a `retrain` event (started, trained, gate_failed, canary_set, failed) carrying the
alert id; an alert that already started a retrain does not start another one. Each served model
the trainer can rebuild from traffic is looked at (the built-in fraud model); a user model's
training CSV is not kept and an external model is trained elsewhere, so those are only logged.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope import lifecycle
from driftscope.catalog import CatalogEntry, model_catalog
from driftscope.contract import CONTRACTS, FeatureContract, get_contract
from driftscope.db import Alert, Event, Label, Prediction, script_sessions
from driftscope.events import add_event, notify
from driftscope.settings import Settings
from driftscope.training.trainer import TrainConfig, TrainResult, fit, register_trained
from driftscope.variants import SHADOW
from driftscope_worker.context import WorkerContext

log = logging.getLogger(__name__)
ALERT_KINDS = ("feature_drift", "prediction_drift", "performance_drop")
MAX_ROWS = 200_000  # newest labelled rows used for training
MIN_POSITIVES = 20  # the stratified train/val/test split needs frauds in every part
ACTOR = "auto_retrain"


async def _retrained_alerts(session: AsyncSession, model_name: str) -> set[int]:
    events = await session.scalars(
        select(Event.payload)
        .where(Event.model_name == model_name, Event.kind == "retrain")
        .order_by(Event.id.desc())
        .limit(500)
    )
    return {int(p["alert_id"]) for p in events if p.get("alert_id") is not None}


async def stale_alert(ctx: WorkerContext, session: AsyncSession, name: str) -> Alert | None:
    """The oldest drift/performance alert open longer than `auto_retrain_after_s`, not yet acted on."""
    cutoff = ctx.clock() - timedelta(seconds=ctx.settings.auto_retrain_after_s)
    alerts = await session.scalars(
        select(Alert)
        .where(
            Alert.model_name == name,
            Alert.kind.in_(ALERT_KINDS),
            Alert.status.in_(("open", "acknowledged")),
            Alert.first_seen <= cutoff,
        )
        .order_by(Alert.first_seen)
    )
    done = await _retrained_alerts(session, name)
    return next((a for a in alerts if a.id not in done), None)


def _typed(frame: pd.DataFrame, contract: FeatureContract) -> pd.DataFrame:
    """JSON features as training columns: numbers as floats (NaN missing), the rest as objects."""
    for feature in contract.features:
        if feature.kind in ("numeric", "integer"):
            frame[feature.name] = pd.to_numeric(frame[feature.name], errors="coerce")
        else:
            column = frame[feature.name].astype(object)
            frame[feature.name] = column.where(column.notna(), None)
    return frame


async def labelled_traffic(ctx: WorkerContext, session: AsyncSession, name: str) -> pd.DataFrame:
    """Newest labelled online predictions (features + label); shadow rows would repeat them."""
    contract = get_contract(name)
    since = ctx.clock() - timedelta(hours=ctx.settings.auto_retrain_window_h)
    rows = (
        await session.execute(
            select(Prediction.features, Label.label)
            .join(Label, Label.prediction_id == Prediction.id)
            .where(
                Prediction.model_name == contract.model_name,
                Prediction.variant != SHADOW,
                Prediction.ts >= since,
            )
            .order_by(Prediction.ts.desc())
            .limit(MAX_ROWS)
        )
    ).all()
    frame = pd.DataFrame([r.features for r in rows], columns=contract.names)
    frame[contract.label] = [int(r.label) for r in rows]
    return _typed(frame, contract)


def train_candidate(frame: pd.DataFrame, settings: Settings, seed: int) -> TrainResult:
    """Fit and register (alias `candidate`) in this thread, on its own event loop and engine."""
    config = TrainConfig(
        data=None,
        seed=seed,
        kind=settings.model_kind,
        model_name=settings.model_name,
        register_as="candidate",
    )
    trained = fit(frame, get_contract(settings.model_name), config)

    async def register() -> TrainResult:
        # This thread runs its own event loop, so not on the worker's engine; the worker
        # migrated the database when it started.
        async with (
            script_sessions(settings.resolved_database_url, migrate_to=None) as sessions,
            sessions() as session,
            session.begin(),
        ):
            result, _ = await register_trained(session, trained, settings, config)
            return result

    return asyncio.run(register())


async def _event(ctx: WorkerContext, name: str, step: str, payload: dict[str, Any]) -> None:
    async with ctx.sessionmaker() as session:
        await add_event(session, name, "retrain", {"step": step, **payload})
        await session.commit()
        await notify(session)


def retrainable(entry: CatalogEntry) -> bool:
    """Served, in production, and trainable from its labelled traffic alone (a built-in
    contract: the trainer has no copy of a user model's CSV)."""
    return (
        entry.kind == "served" and entry.production_version is not None and entry.name in CONTRACTS
    )


async def auto_retrain(ctx: WorkerContext) -> str | None:
    """One look at every model: returns the step reached (None when there was nothing to do)."""
    if not ctx.settings.auto_retrain_enabled or ctx.retraining:
        return None
    async with ctx.sessionmaker() as session:
        catalog = await model_catalog(session)
    for entry in catalog.values():
        if entry.kind == "external":
            continue  # trained elsewhere: its alerts are for its owners to act on
        step = await _look(ctx, entry)
        if step is not None:
            return step  # one training per run: it holds a thread for minutes
    return None


async def _look(ctx: WorkerContext, entry: CatalogEntry) -> str | None:
    settings, name = ctx.settings, entry.name
    async with ctx.sessionmaker() as session:
        alert = await stale_alert(ctx, session, name)
        if alert is None:
            return None
        if not retrainable(entry):
            log.info(
                "auto retrain skips %s (alert %d): its training data is not kept; "
                "retrain it with `driftscope train --data`",
                name,
                alert.id,
            )
            return None
        frame = await labelled_traffic(ctx, session, name)
    positives = int(frame[get_contract(name).label].sum())
    if len(frame) < settings.auto_retrain_min_labels or positives < MIN_POSITIVES:
        log.info(
            "auto retrain of %s waits for labels: %d rows, %d positives",
            name,
            len(frame),
            positives,
        )
        return None
    ctx.retraining = True
    try:
        return await _retrain(ctx, name, alert, frame, positives)
    finally:
        ctx.retraining = False


async def _retrain(
    ctx: WorkerContext, name: str, alert: Alert, frame: pd.DataFrame, positives: int
) -> str:
    settings = ctx.settings.model_copy(update={"model_name": name})
    cause = {"alert_id": alert.id, "alert_kind": alert.kind, "feature": alert.feature}
    await _event(ctx, name, "started", {**cause, "rows": len(frame), "positives": positives})
    try:
        seed = int(ctx.clock().timestamp())
        result = await asyncio.to_thread(train_candidate, frame, settings, seed)
    except Exception as exc:  # bad data or a trainer error: report it, the alert stays acted on
        log.exception("auto retrain of %s failed", name)
        await _event(ctx, name, "failed", {**cause, "error": f"{type(exc).__name__}: {exc}"[:500]})
        return "failed"
    test = result.metrics.get("test") or {}
    await _event(
        ctx,
        name,
        "trained",
        {**cause, "version": result.version, "roc_auc": test.get("roc_auc"), "f1": test.get("f1")},
    )
    return await _gate_and_canary(ctx, name, cause, result.version)


async def _gate_and_canary(
    ctx: WorkerContext, name: str, cause: dict[str, Any], version: int
) -> str:
    settings = ctx.settings
    percent = settings.auto_retrain_canary_percent
    async with ctx.sessionmaker() as session:
        checks = await lifecycle.gate_checks(session, name, version, settings.gate_config())
        failing = [c.message for c in checks if not c.passed]
        outcome: dict[str, Any]
        if failing:
            step, outcome = "gate_failed", {"failing": failing}
        else:
            await lifecycle.set_canary(
                session, name, version, percent, settings.gate_config(), actor=ACTOR
            )
            step, outcome = "canary_set", {"percent": percent}
        payload = {"step": step, **cause, "version": version, **outcome}
        await add_event(session, name, "retrain", payload)
        await session.commit()
        await notify(session)
    return step

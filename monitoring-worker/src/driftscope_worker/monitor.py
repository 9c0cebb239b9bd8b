"""The `drift_and_performance` and `label_join` jobs: per model and version, one window → report,
snapshot, alerts, events. Every registered model is watched, served or external; a model that
cannot be monitored is logged and skipped, the others go on."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db import DriftReport, ModelVersion
from driftscope.drift import DriftReport as DriftResult
from driftscope.drift import compare_counts_to_profile, compare_to_profile
from driftscope.events import notify
from driftscope.text.vocabulary import vocabulary_features, vocabulary_from_counts
from driftscope_worker import alerts, conditions, reports
from driftscope_worker.context import WorkerContext
from driftscope_worker.models import MonitoredModel, monitored_models
from driftscope_worker.window_data import (
    WindowCounts,
    WindowData,
    load_counts,
    load_profile,
    load_window,
    model_version,
    versions_in_window,
)
from driftscope_worker.windows import Window, due_windows

log = logging.getLogger(__name__)


async def drift_and_performance(ctx: WorkerContext) -> int:
    """Every due window of every model (catching up after downtime); returns reports written."""
    written = 0
    for model in await monitored_models(ctx):
        try:
            written += await monitor_model(ctx, model)
        except Exception:  # one model's failure (bad data, a broken profile) spares the others
            log.exception("monitoring model %s failed; the other models go on", model.name)
    return written


async def monitor_model(ctx: WorkerContext, model: MonitoredModel) -> int:
    settings = ctx.settings
    async with ctx.sessionmaker() as session:
        last_end = await session.scalar(
            select(func.max(DriftReport.window_end)).where(DriftReport.model_name == model.name)
        )
    windows = due_windows(
        ctx.clock(),
        last_end,
        interval_s=settings.monitor_interval_s,
        window_s=model.window_s,
        catch_up=settings.catch_up_windows,
    )
    written = 0
    for window in windows:
        written += await compute_window(ctx, model, window)
    return written


async def compute_window(ctx: WorkerContext, model: MonitoredModel, window: Window) -> int:
    async with ctx.sessionmaker() as session:
        in_window = await versions_in_window(
            session,
            model.name,
            window,
            include_batch=ctx.settings.drift_include_batch,
            counted=ctx.settings.window_counts,
        )
    versions = set(in_window)
    if model.production_version is not None:
        versions.add(model.production_version)  # an empty window is reported: "insufficient data"
    written = 0
    for version in sorted(versions):
        try:
            pages = await _compute_version(ctx, model, window, version)
        except Exception:  # e.g. a profile that no longer reads: the other versions go on
            log.exception("monitoring %s v%d failed; skipped", model.name, version)
            continue
        if pages is None:
            continue
        written += 1
        for alert in pages:
            await ctx.notifier.send(alert)
    return written


async def _compute_version(
    ctx: WorkerContext, model: MonitoredModel, window: Window, version: int
) -> list[dict[str, Any]] | None:
    """Write the report + snapshot + events for one version in one transaction; returns pages."""
    settings, name = ctx.settings, model.name
    async with ctx.sessionmaker() as session:
        profile = await load_profile(session, ctx.profiles, name, version)
        mv = await model_version(session, name, version)
        if profile is None or mv is None:
            log.warning("no reference profile for %s v%d; skipping", name, version)
            return None
        n, report, data, metrics = await _measure(ctx, session, model, window, profile, mv)
        reports.add_error_segments(metrics, data, mv, report.to_dict(), settings)
        key = {"model_name": name, "model_version": version, "window_end": window.end}
        await reports.upsert_report(session, key, window, n, report)
        await reports.upsert_performance(session, key, window, metrics)
        await reports.add_window_events(session, key, window, n, report, metrics)
        serving = report.sufficient and version == model.production_version
        # Alerts are about the model answering clients: canary/shadow versions have their own
        # reports and snapshots, but must not open or resolve production's alerts.
        pages = await _evaluate_alerts(ctx, session, name, mv) if serving else []
        await session.commit()
        await notify(session)
    log.info(
        "window %s %s v%d: n=%d drifted=%s labels=%d",
        window.end.isoformat(),
        name,
        version,
        n,
        report.drifted_features,
        metrics["n_labelled"],
    )
    return pages


async def _measure(
    ctx: WorkerContext,
    session: AsyncSession,
    model: MonitoredModel,
    window: Window,
    profile: dict[str, Any],
    mv: ModelVersion,
) -> tuple[int, DriftResult, WindowData, dict[str, Any]]:
    """(rows, drift report, the rows read, performance) of one version's window: drift from
    the window counts when backends counted it (the labelled rows read for performance),
    from every raw row otherwise."""
    key = (model.name, mv.version)
    data, counted = await _performance_data(session, ctx, key, window, profile, texts=True)
    if counted is None:
        scored = data.scores[~np.isnan(data.scores)]
        vocabulary = vocabulary_features(profile, data.features, model.drift)
        report = compare_to_profile(
            profile, data.features, scored, config=model.drift, extra=vocabulary
        )
        return data.n, report, data, reports.performance(data, mv.threshold, ctx.settings)
    document = counted.document
    report = compare_counts_to_profile(
        profile,
        document,
        config=model.drift,
        extra=vocabulary_from_counts(profile, document, model.drift),
    )
    metrics = reports.performance(data, mv.threshold, ctx.settings, document["moments"])
    return counted.n, report, data, metrics


async def _performance_data(
    session: AsyncSession,
    ctx: WorkerContext,
    key: tuple[str, int],
    window: Window,
    profile: dict[str, Any],
    *,
    texts: bool = False,
) -> tuple[WindowData, WindowCounts | None]:
    """The window's counts and its labelled rows (rows per variant from the counts); without
    counts, every row of the window and None. Rows carry the features the reference profile
    has, and with `texts` (raw drift only) the text features it profiles a vocabulary of."""
    settings = ctx.settings
    counted = None
    if settings.window_counts:
        counted = await load_counts(
            session, *key, window, include_batch=settings.drift_include_batch, sums=ctx.counts
        )
    vocabulary = list(profile.get("vocabulary") or {}) if texts and counted is None else []
    data = await load_window(
        session,
        *key,
        window,
        [*profile["features"], *vocabulary],
        include_batch=settings.drift_include_batch,
        labelled_at_most=None if counted is None else settings.performance_max_labelled_rows,
    )
    return (data, None) if counted is None else (replace(data, variants=counted.variants), counted)


async def _evaluate_alerts(
    ctx: WorkerContext, session: AsyncSession, name: str, mv: ModelVersion
) -> list[dict[str, Any]]:
    settings, version = ctx.settings, mv.version
    k, m = settings.alert_consecutive_windows, settings.alert_resolve_windows
    history = await conditions.drift_history(session, name, version, max(k, m))
    pages = []
    if history:
        for condition in conditions.feature_conditions(history[-1]):
            flags = conditions.flags(history, condition.kind, condition.feature)
            if (
                page := await alerts.apply(
                    session, name, condition, flags, open_after=k, resolve_after=m
                )
            ) is not None:
                pages.append(page)
    snapshots = await conditions.performance_history(session, name, version, max(k, m))
    if snapshots:
        training = mv.metrics.get("test") or {}
        verdicts = [conditions.performance_bad(s.metrics, training, settings) for s in snapshots]
        segments = (snapshots[-1].metrics.get("segments") or []) if verdicts[-1][0] else []
        condition = alerts.Condition(
            kind="performance_drop",
            feature=None,
            bad=verdicts[-1][0],
            severity="critical",
            message=verdicts[-1][1] + "".join(f"; {s['description']}" for s in segments),
            details={"window_end": snapshots[-1].window_end.isoformat(), "segments": segments},
        )
        if (
            page := await alerts.apply(
                session, name, condition, [v[0] for v in verdicts], open_after=k, resolve_after=m
            )
        ) is not None:
            pages.append(page)
    return pages


async def label_join(ctx: WorkerContext, horizon_s: float = 600.0) -> int:
    """Refresh performance of every model's recent windows with labels that arrived since."""
    since = ctx.clock() - timedelta(seconds=horizon_s)
    async with ctx.sessionmaker() as session:
        recent = (
            await session.execute(
                select(
                    DriftReport.model_name,
                    DriftReport.model_version,
                    DriftReport.window_start,
                    DriftReport.window_end,
                ).where(DriftReport.window_end >= since)
            )
        ).all()
        refreshed = 0
        for name, version, start, end in recent:
            refreshed += await _refresh_performance(
                ctx, session, (name, version), Window(start, end)
            )
        await session.commit()
    return refreshed


async def _refresh_performance(
    ctx: WorkerContext, session: AsyncSession, key: tuple[str, int], window: Window
) -> int:
    name, version = key
    profile = await load_profile(session, ctx.profiles, name, version)
    mv = await model_version(session, name, version)
    if profile is None or mv is None:
        return 0
    data, counted = await _performance_data(session, ctx, key, window, profile)
    moments = None if counted is None else counted.document["moments"]
    metrics = reports.performance(data, mv.threshold, ctx.settings, moments)
    row_key = {"model_name": name, "model_version": version, "window_end": window.end}
    drift = await session.scalar(select(DriftReport).filter_by(**row_key))
    if drift is not None:
        stored = {"features": drift.features, "prediction": drift.prediction_drift}
        reports.add_error_segments(metrics, data, mv, stored, ctx.settings)
    await reports.upsert_performance(session, row_key, window, metrics)
    return 1

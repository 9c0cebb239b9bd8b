"""The `drift_and_performance` and `label_join` jobs: one window → report, snapshot, alerts, events."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope import registry
from driftscope.contract import get_contract
from driftscope.db import DriftReport, PerformanceSnapshot
from driftscope.db.upsert import upsert
from driftscope.drift import DriftReport as DriftResult
from driftscope.drift import compare_to_profile
from driftscope.drift.report import strict_json
from driftscope.events import add_event, notify
from driftscope.performance import window_performance
from driftscope_worker import alerts, conditions
from driftscope_worker.context import WorkerContext
from driftscope_worker.window_data import (
    WindowData,
    load_profile,
    load_window,
    model_version,
    versions_in_window,
)
from driftscope_worker.windows import Window, due_windows

log = logging.getLogger(__name__)


async def _last_window_end(session: AsyncSession, model_name: str) -> Any:
    return await session.scalar(
        select(func.max(DriftReport.window_end)).where(DriftReport.model_name == model_name)
    )


async def drift_and_performance(ctx: WorkerContext) -> int:
    """Compute every due window (catching up after downtime); returns how many reports were written."""
    settings, name = ctx.settings, ctx.settings.model_name
    async with ctx.sessionmaker() as session:
        last_end = await _last_window_end(session, name)
    windows = due_windows(
        ctx.clock(),
        last_end,
        interval_s=settings.monitor_interval_s,
        window_s=settings.window_s,
        catch_up=settings.catch_up_windows,
    )
    written = 0
    for window in windows:
        written += await compute_window(ctx, window)
    return written


async def _versions(
    session: AsyncSession, model_name: str, window: Window, include_batch: bool
) -> list[int]:
    versions = set(
        await versions_in_window(session, model_name, window, include_batch=include_batch)
    )
    production = await registry.get_alias(session, model_name, registry.PRODUCTION)
    if production is not None:
        versions.add(production.version)  # an empty window is reported too: "insufficient data"
    return sorted(versions)


async def compute_window(ctx: WorkerContext, window: Window) -> int:
    name = ctx.settings.model_name
    async with ctx.sessionmaker() as session:
        versions = await _versions(session, name, window, ctx.settings.drift_include_batch)
    written = 0
    for version in versions:
        pages = await _compute_version(ctx, window, version)
        if pages is None:
            continue
        written += 1
        for alert in pages:
            await ctx.notifier.send(alert)
    return written


def _dataset_verdict(report: DriftResult) -> dict[str, Any]:
    """The window's overall verdict: stored on the report row and repeated in the drift event."""
    return {
        "dataset_drift_share": report.dataset_drift_share,
        "dataset_drifted": report.dataset_drifted,
        "sufficient": report.sufficient,
    }


def _drift_summary(report: DriftResult) -> dict[str, Any]:
    return {
        **_dataset_verdict(report),
        "drifted_features": report.drifted_features,
        "features": {
            n: {"psi": f.psi, "drifted": f.drifted, "severity": f.severity, "q_value": f.q_value}
            for n, f in report.features.items()
        },
        "prediction": None
        if report.prediction is None
        else {"psi": report.prediction.psi, "drifted": report.prediction.drifted},
    }


async def _compute_version(
    ctx: WorkerContext, window: Window, version: int
) -> list[dict[str, Any]] | None:
    """Write the report + snapshot + events for one version in one transaction; returns pages."""
    settings, name = ctx.settings, ctx.settings.model_name
    async with ctx.sessionmaker() as session:
        profile = await load_profile(session, ctx.profiles, name, version)
        mv = await model_version(session, name, version)
        if profile is None or mv is None:
            log.warning("no reference profile for %s v%d; skipping", name, version)
            return None
        data = await _window_data(session, ctx, version, window)
        report = compare_to_profile(
            profile, data.features, data.scores, config=settings.drift_config()
        )
        performance = _performance(data, mv.threshold, settings.performance_min_labels)
        key = {"model_name": name, "model_version": version, "window_end": window.end}
        await _upsert_report(session, key, window, data.n, report)
        await _upsert_performance(session, key, window, performance)
        await _add_window_events(session, key, window, data.n, report, performance)
        pages = await _serving_pages(ctx, session, version, mv.metrics) if report.sufficient else []
        await session.commit()
        await notify(session)
    log.info(
        "window %s v%d: n=%d drifted=%s labels=%d",
        window.end.isoformat(),
        version,
        data.n,
        report.drifted_features,
        performance["n_labelled"],
    )
    return pages


async def _window_data(
    session: AsyncSession, ctx: WorkerContext, version: int, window: Window
) -> WindowData:
    name = ctx.settings.model_name
    return await load_window(
        session,
        name,
        version,
        window,
        get_contract(name).names,
        include_batch=ctx.settings.drift_include_batch,
    )


async def _upsert_report(
    session: AsyncSession, key: dict[str, Any], window: Window, n: int, report: DriftResult
) -> None:
    row = {
        **key,
        "window_start": window.start,
        "n": n,
        "features": {name: f.to_dict() for name, f in report.features.items()},
        "prediction_drift": report.prediction.to_dict() if report.prediction else {},
        **_dataset_verdict(report),
    }
    await upsert(session, DriftReport, row, conflict=list(key))


async def _add_window_events(
    session: AsyncSession,
    key: dict[str, Any],
    window: Window,
    n: int,
    report: DriftResult,
    performance: dict[str, Any],
) -> None:
    stamp = {
        "model_version": key["model_version"],
        "window_start": window.start.isoformat(),
        "window_end": window.end.isoformat(),
        "n": n,
    }
    name = key["model_name"]
    await add_event(session, name, "drift", strict_json({**stamp, **_drift_summary(report)}))
    await add_event(session, name, "performance", {**stamp, **performance})


async def _serving_pages(
    ctx: WorkerContext, session: AsyncSession, version: int, training_metrics: dict[str, Any]
) -> list[dict[str, Any]]:
    """Alerts of a sufficient window, for the production version only."""
    # Alerts are about the model answering clients: canary/shadow versions have their own
    # reports and snapshots, but must not open or resolve production's alerts.
    production = await registry.get_alias(session, ctx.settings.model_name, registry.PRODUCTION)
    if production is None or production.version != version:
        return []
    return await _evaluate_alerts(ctx, session, version, training_metrics)


def _performance(data: WindowData, threshold: float, min_labels: int) -> dict[str, Any]:
    """Window metrics plus the rows per variant, so the history shows canary/shadow A/B."""
    metrics = window_performance(data.scores, data.labels, threshold, min_labels=min_labels)
    return strict_json({**metrics, "variants": data.variants})


async def _upsert_performance(
    session: AsyncSession, key: dict[str, Any], window: Window, performance: dict[str, Any]
) -> None:
    await upsert(
        session,
        PerformanceSnapshot,
        {
            **key,
            "window_start": window.start,
            "n_predictions": performance["n_predictions"],
            "n_labelled": performance["n_labelled"],
            "label_coverage": performance["label_coverage"],
            "metrics": performance,
        },
        conflict=list(key),
    )


async def _evaluate_alerts(
    ctx: WorkerContext, session: AsyncSession, version: int, training_metrics: dict[str, Any]
) -> list[dict[str, Any]]:
    settings, name = ctx.settings, ctx.settings.model_name
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
        training_f1 = (training_metrics.get("test") or {}).get("f1")
        verdicts = [conditions.performance_bad(s.metrics, training_f1, settings) for s in snapshots]
        condition = alerts.Condition(
            kind="performance_drop",
            feature=None,
            bad=verdicts[-1][0],
            severity="critical",
            message=verdicts[-1][1],
            details={"window_end": snapshots[-1].window_end.isoformat()},
        )
        if (
            page := await alerts.apply(
                session, name, condition, [v[0] for v in verdicts], open_after=k, resolve_after=m
            )
        ) is not None:
            pages.append(page)
    return pages


async def label_join(ctx: WorkerContext, horizon_s: float = 600.0) -> int:
    """Refresh performance of recent windows with labels that arrived since they were computed."""
    settings, name = ctx.settings, ctx.settings.model_name
    since = ctx.clock() - timedelta(seconds=horizon_s)
    async with ctx.sessionmaker() as session:
        reports = (
            await session.execute(
                select(
                    DriftReport.model_version, DriftReport.window_start, DriftReport.window_end
                ).where(DriftReport.model_name == name, DriftReport.window_end >= since)
            )
        ).all()
        refreshed = 0
        for version, start, end in reports:
            mv = await model_version(session, name, version)
            if mv is None:
                continue
            data = await _window_data(session, ctx, version, Window(start, end))
            performance = _performance(data, mv.threshold, settings.performance_min_labels)
            key = {"model_name": name, "model_version": version, "window_end": end}
            await _upsert_performance(session, key, Window(start, end), performance)
            refreshed += 1
        await session.commit()
    return refreshed

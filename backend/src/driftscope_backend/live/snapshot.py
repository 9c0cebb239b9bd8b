"""The `snapshot` message: everything a dashboard needs to draw at once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from driftscope import registry
from driftscope.db import Alert, PerformanceSnapshot
from driftscope.errors import NotFoundError, UnknownModelError
from driftscope_backend.monitoring import service as monitoring
from driftscope_backend.runtime import Runtime
from driftscope_backend.simulator.service import get_state

CARD_METRICS = ("roc_auc", "pr_auc", "precision", "recall", "f1", "brier", "ece")


async def build_snapshot(runtime: Runtime) -> dict[str, Any]:
    name = runtime.settings.model_name
    async with runtime.sessionmaker() as session:
        model = None
        if runtime.model is not None:
            version = await registry.get_version(session, name, runtime.model.version)
            if version is not None:
                test = version.metrics.get("test") or {}
                model = {
                    "name": name,
                    "version": version.version,
                    "kind": version.kind,
                    "created_at": version.created_at.isoformat(),
                    "threshold": version.threshold,
                    "metrics": {k: test.get(k) for k in CARD_METRICS},
                    "evaluator": version.metrics.get("evaluator"),
                    "alias": registry.PRODUCTION,
                }
        try:
            spec = await runtime.catalog.spec(name)
            drift = monitoring.report_body(await monitoring.latest_report(session, name), spec)
        except (NotFoundError, UnknownModelError):  # no report yet, or no such model yet
            drift = None
        perf = await session.scalar(
            select(PerformanceSnapshot)
            .where(PerformanceSnapshot.model_name == name)
            .order_by(PerformanceSnapshot.window_end.desc())
            .limit(1)
        )
        alerts = await session.scalars(
            select(Alert)
            .where(Alert.model_name == name, Alert.status.in_(("open", "acknowledged")))
            .order_by(Alert.last_seen.desc())
            .limit(200)
        )
        alert_list = [monitoring.alert_body(a) for a in alerts]
        simulator = (await get_state(session)).model_dump(mode="json")
    performance = None
    if perf is not None:
        performance = {
            "window_start": perf.window_start,
            "window_end": perf.window_end,
            "model_version": perf.model_version,
            "n_predictions": perf.n_predictions,
            "n_labelled": perf.n_labelled,
            "label_coverage": perf.label_coverage,
            "realised": perf.metrics.get("realised"),
            "estimated": perf.metrics.get("estimated"),
            "predicted_rate": perf.metrics.get("predicted_rate"),
        }
    return {
        "model": model,
        "drift": drift,
        "performance": performance,
        "alerts": alert_list,
        "simulator": simulator,
        "stats_history": runtime.live.history(name),
    }

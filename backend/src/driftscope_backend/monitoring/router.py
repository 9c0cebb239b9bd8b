"""Read API for drift reports, performance snapshots and alerts; acknowledging alerts (admin)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BeforeValidator

from driftscope.spec import ModelSpec
from driftscope_backend.monitoring import service
from driftscope_backend.monitoring.schemas import (
    AlertOut,
    AlertsPage,
    DriftHistory,
    DriftReportOut,
    FeatureDistribution,
    PerformanceHistory,
)
from driftscope_backend.runtime import ModelQuery, Runtime, RuntimeDep, SessionDep
from driftscope_backend.security import AdminDep

router = APIRouter(prefix="/api/v1", tags=["monitoring"])


def _iso_8601_only(value: object) -> object:
    """Pydantic reads a bare number as Unix seconds; the API documents ISO 8601 date-times, so a
    number is refused (422 naming `since`) rather than read as some moment in 1970 or 2082."""
    if isinstance(value, str) and _is_number(value):
        raise ValueError("expected an ISO 8601 date-time such as 2026-12-04T10:00:00Z")
    return value


def _is_number(text: str) -> bool:
    """Any spelling Python reads as a number: 17, -1.5, 1.3e-292, inf, nan."""
    try:
        float(text)
    except ValueError:
        return False
    return True


SinceQuery = Annotated[
    datetime | None,
    BeforeValidator(_iso_8601_only),
    Query(description="Only windows ending at or after (ISO 8601)"),
]
LimitQuery = Annotated[int, Query(ge=1, le=5_000, description="Most recent N points")]
# Largest ids the columns hold (INTEGER versions, BIGINT alert ids): a larger number cannot
# exist, and passing it on would overflow the database driver (a 500 instead of a 422).
MAX_VERSION = 2**31 - 1
MAX_ALERT_ID = 2**63 - 1
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown model (`unknown_model`) or feature, or no data yet"}
}


async def _spec(runtime: Runtime, model: str | None) -> ModelSpec:
    """The spec of `?model=` (default DRIFTSCOPE_MODEL_NAME) from the cached catalog; an
    unknown model is a 404 `unknown_model`, distinct from a known one with no report yet."""
    return await runtime.catalog.spec(model or runtime.settings.model_name)


@router.get(
    "/drift/latest",
    responses=NOT_FOUND,
    summary="Latest drift report",
    response_model_exclude_unset=True,  # stored statistics keep their own keys
)
async def drift_latest(
    runtime: RuntimeDep,
    session: SessionDep,
    model: ModelQuery = None,
    version: Annotated[int | None, Query(ge=1, le=MAX_VERSION)] = None,
) -> DriftReportOut:
    """Per-feature PSI, KS/χ², q-values and decisions of the newest window."""
    spec = await _spec(runtime, model)
    report = await service.latest_report(session, spec.name, version)
    body = service.report_body(report, spec)
    body["error_segments"] = await service.error_segments(session, report)
    return DriftReportOut.model_validate(body)


@router.get(
    "/drift/history",
    responses=NOT_FOUND,
    summary="Drift over time",
    response_model_exclude_unset=True,  # feature statistics only when a feature was asked for
)
async def drift_history(
    runtime: RuntimeDep,
    session: SessionDep,
    model: ModelQuery = None,
    feature: Annotated[str | None, Query(examples=["amount"])] = None,
    since: SinceQuery = None,
    limit: LimitQuery = 240,
) -> DriftHistory:
    """Dataset drift share and prediction PSI per window; with `feature`, that feature's statistics."""
    spec = await _spec(runtime, model)
    if feature is not None:
        service.check_feature(spec, feature)
    points = await service.drift_history(session, spec.name, feature, since, limit)
    body = {"model_name": spec.name, "feature": feature, "points": points}
    return DriftHistory.model_validate(body)


@router.get(
    "/drift/features/{name}", responses=NOT_FOUND, summary="Reference vs current distribution"
)
async def drift_feature(
    runtime: RuntimeDep,
    session: SessionDep,
    name: Annotated[str, Path(examples=["amount"])],
    model: ModelQuery = None,
) -> FeatureDistribution:
    """Bins with reference and current counts/shares from the latest report, for an overlay chart."""
    spec = await _spec(runtime, model)
    service.check_feature(spec, name, field="name")
    report = await service.latest_report(session, spec.name)
    return FeatureDistribution.model_validate(service.distribution(report, name))


@router.get("/performance/history", responses=NOT_FOUND, summary="Performance over time")
async def performance_history(
    runtime: RuntimeDep,
    session: SessionDep,
    model: ModelQuery = None,
    since: SinceQuery = None,
    limit: LimitQuery = 240,
) -> PerformanceHistory:
    """Realised metrics on late labels, label coverage, and the label-free estimate per window."""
    spec = await _spec(runtime, model)
    points = await service.performance_history(session, spec.name, since, limit)
    return PerformanceHistory.model_validate({"model_name": spec.name, "points": points})


@router.get("/alerts", responses=NOT_FOUND, summary="Alerts")
async def alerts(
    runtime: RuntimeDep,
    session: SessionDep,
    model: ModelQuery = None,
    status: Annotated[Literal["open", "acknowledged", "resolved"] | None, Query()] = None,
    limit: LimitQuery = 200,
) -> AlertsPage:
    spec = await _spec(runtime, model)
    rows = await service.list_alerts(session, spec.name, status, limit)
    return AlertsPage.model_validate({"model_name": spec.name, "alerts": rows})


@router.post(
    "/alerts/{alert_id}/ack",
    responses={
        **NOT_FOUND,
        401: {"description": "No X-API-Key"},
        403: {"description": "Wrong key"},
    },
    summary="Acknowledge an alert (admin)",
)
async def acknowledge(
    alert_id: Annotated[int, Path(ge=1, le=MAX_ALERT_ID)], session: SessionDep, _admin: AdminDep
) -> AlertOut:
    return AlertOut.model_validate(await service.acknowledge(session, alert_id))

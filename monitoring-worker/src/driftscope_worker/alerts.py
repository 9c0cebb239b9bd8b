"""Alert lifecycle with hysteresis: open after K consecutive bad windows, resolve after M good.

The state is derived from the stored reports each run (not held in memory), so a restarted
worker continues where it stopped. Windows with insufficient data carry no information and
are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db import Alert, utcnow
from driftscope.events import add_event

Transition = Literal["open", "resolve", "update", None]


@dataclass(frozen=True)
class Condition:
    """One monitored condition in one window: bad or not, how bad, and what to say."""

    kind: str  # feature_drift | prediction_drift | performance_drop
    feature: str | None
    bad: bool
    severity: str  # warning | critical
    message: str
    details: dict[str, Any]


def transition(
    history: Sequence[bool], is_open: bool, *, open_after: int, resolve_after: int
) -> Transition:
    """What to do given the newest-last flags of consecutive informative windows."""
    if not is_open:
        recent = history[-open_after:]
        return "open" if len(recent) == open_after and all(recent) else None
    recent = history[-resolve_after:]
    if len(recent) == resolve_after and not any(recent):
        return "resolve"
    return "update" if history and history[-1] else None


async def open_alert(
    session: AsyncSession, model_name: str, kind: str, feature: str | None
) -> Alert | None:
    return await session.scalar(
        select(Alert).where(
            Alert.model_name == model_name,
            Alert.kind == kind,
            Alert.feature == feature if feature else Alert.feature.is_(None),
            Alert.status.in_(("open", "acknowledged")),
        )
    )


def _payload(alert: Alert, change: str) -> dict[str, Any]:
    return {
        "change": change,
        "id": alert.id,
        "model": alert.model_name,
        "kind": alert.kind,
        "feature": alert.feature,
        "severity": alert.severity,
        "status": alert.status,
        "message": alert.message,
        "details": alert.details,
        "first_seen": alert.first_seen.isoformat(),
        "last_seen": alert.last_seen.isoformat(),
    }


async def apply(
    session: AsyncSession,
    model_name: str,
    condition: Condition,
    history: Sequence[bool],
    *,
    open_after: int,
    resolve_after: int,
) -> dict[str, Any] | None:
    """Open, update or resolve the alert for `condition`; returns the event payload if changed."""
    current = await open_alert(session, model_name, condition.kind, condition.feature)
    action = transition(
        history, current is not None, open_after=open_after, resolve_after=resolve_after
    )
    now = utcnow()
    if action == "open":
        current = Alert(
            model_name=model_name,
            kind=condition.kind,
            feature=condition.feature,
            severity=condition.severity,
            status="open",
            first_seen=now,
            last_seen=now,
            message=condition.message,
            details=condition.details,
        )
        session.add(current)
    elif action == "resolve" and current is not None:
        current.status, current.resolved_at, current.last_seen = "resolved", now, now
    elif action == "update" and current is not None:
        current.last_seen, current.message, current.details = (
            now,
            condition.message,
            condition.details,
        )
        if condition.severity == "critical":
            current.severity = "critical"
        return None  # still firing: no new event, no new page
    else:
        return None
    await session.flush()
    payload = _payload(current, "opened" if action == "open" else "resolved")
    await add_event(session, model_name, "alert", payload)
    return payload

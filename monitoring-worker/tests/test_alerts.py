"""Alert hysteresis: transition() table, and apply() opening, updating and resolving in the DB."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from driftscope.db import Alert, Event
from driftscope_worker.alerts import Condition, apply, transition

K, M = 3, 2


@pytest.mark.parametrize(
    ("history", "is_open", "expected"),
    [
        ([], False, None),
        ([True], False, None),
        ([True, True], False, None),
        ([True, True, True], False, "open"),
        ([False, True, True, True], False, "open"),
        ([True, True, False], False, None),
        ([True, False, True, True], False, None),
        ([True], True, "update"),
        ([False, False, True], True, "update"),
        ([True, False], True, None),
        ([False], True, None),  # one clean window is not enough
        ([True, False, False], True, "resolve"),
        ([False, False], True, "resolve"),
    ],
)
def test_transition_table(history: list[bool], is_open: bool, expected: str | None) -> None:
    assert transition(history, is_open, open_after=K, resolve_after=M) == expected


def test_transition_with_k_and_m_of_one() -> None:
    assert transition([True], False, open_after=1, resolve_after=1) == "open"
    assert transition([False], True, open_after=1, resolve_after=1) == "resolve"


def condition(
    feature: str | None = "amount", *, bad: bool = True, kind: str = "feature_drift"
) -> Condition:
    return Condition(kind, feature, bad, "warning", f"{feature} drifted", {"psi": 0.3})


async def step(
    sessions: async_sessionmaker[AsyncSession], cond: Condition, history: list[bool]
) -> dict[str, Any] | None:
    async with sessions() as session, session.begin():
        return await apply(session, "fraud", cond, history, open_after=2, resolve_after=2)


async def alerts_and_events(
    sessions: async_sessionmaker[AsyncSession],
) -> tuple[list[Alert], list[Event]]:
    async with sessions() as session:
        alerts = list(await session.scalars(select(Alert).order_by(Alert.id)))
        events = list(await session.scalars(select(Event).order_by(Event.id)))
    return alerts, events


async def test_apply_lifecycle(session_factory: async_sessionmaker[AsyncSession]) -> None:
    amount = condition("amount")
    assert await step(session_factory, amount, [True]) is None
    assert await alerts_and_events(session_factory) == ([], [])

    opened = await step(session_factory, amount, [True, True])
    assert opened is not None and opened["change"] == "opened"
    assert await step(session_factory, amount, [True, True, True]) is None  # still firing
    assert await step(session_factory, amount, [True, True, False]) is None

    alerts, events = await alerts_and_events(session_factory)
    assert [(a.kind, a.feature, a.status) for a in alerts] == [("feature_drift", "amount", "open")]
    assert alerts[0].id == opened["id"] and alerts[0].last_seen >= alerts[0].first_seen
    assert [(e.kind, e.payload["change"], e.payload["id"]) for e in events] == [
        ("alert", "opened", opened["id"])
    ]

    resolved = await step(session_factory, amount, [True, False, False])
    assert resolved is not None and resolved["change"] == "resolved"
    alerts, events = await alerts_and_events(session_factory)
    assert alerts[0].status == "resolved" and alerts[0].resolved_at is not None
    assert [e.payload["change"] for e in events] == ["opened", "resolved"]

    reopened = await step(session_factory, amount, [False, True, True])
    assert reopened is not None and reopened["id"] != opened["id"]
    alerts, events = await alerts_and_events(session_factory)
    assert [a.status for a in alerts] == ["resolved", "open"]
    assert len(events) == 3


async def test_one_alert_per_kind_and_feature(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    conditions = [
        condition("amount"),
        condition("channel"),
        condition(None, kind="prediction_drift"),
        condition(None, kind="performance_drop"),
    ]
    for _ in range(3):
        for cond in conditions:
            await step(session_factory, cond, [True, True])

    alerts, events = await alerts_and_events(session_factory)
    assert sorted((a.kind, a.feature or "") for a in alerts) == [
        ("feature_drift", "amount"),
        ("feature_drift", "channel"),
        ("performance_drop", ""),
        ("prediction_drift", ""),
    ]
    assert len(events) == 4


async def test_update_keeps_the_worst_severity_and_refreshes_the_message(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await step(session_factory, condition("amount"), [True, True])
    critical = Condition("feature_drift", "amount", True, "critical", "worse", {"psi": 0.9})
    await step(session_factory, critical, [True, True, True])
    await step(session_factory, condition("amount"), [True, True, True, True])

    (alert,), events = await alerts_and_events(session_factory)
    assert (alert.severity, alert.message, alert.details) == (
        "critical",
        "amount drifted",
        {"psi": 0.3},
    )
    assert len(events) == 1


async def test_acknowledged_alert_is_not_duplicated_and_still_resolves(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await step(session_factory, condition("amount"), [True, True])
    async with session_factory() as session, session.begin():
        alert = await session.scalar(select(Alert))
        assert alert is not None
        alert.status = "acknowledged"

    assert await step(session_factory, condition("amount"), [True, True]) is None
    resolved = await step(session_factory, condition("amount", bad=False), [False, False])

    alerts, _ = await alerts_and_events(session_factory)
    assert len(alerts) == 1 and alerts[0].status == "resolved"
    assert resolved is not None and resolved["status"] == "resolved"

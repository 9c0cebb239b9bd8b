"""The events outbox: rows written in the same transaction as what they announce.

PostgreSQL listeners are woken with NOTIFY on channel `driftscope_events` after commit;
SQLite readers poll by id.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db.models import Event, utcnow

CHANNEL = "driftscope_events"


async def add_event(
    session: AsyncSession, model_name: str, kind: str, payload: dict[str, Any]
) -> Event:
    """Stage an event in the caller's transaction (commit makes it visible with its cause)."""
    event = Event(model_name=model_name, kind=kind, payload=payload, ts=utcnow())
    session.add(event)
    await session.flush()
    return event


async def notify(session: AsyncSession, event_id: int | None = None) -> None:
    """Wake PostgreSQL listeners (call after commit); a no-op on SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_notify(:channel, :payload)"),
            {"channel": CHANNEL, "payload": str(event_id or "")},
        )
        await session.commit()


async def events_after(session: AsyncSession, last_id: int, limit: int = 500) -> list[Event]:
    rows = await session.scalars(
        select(Event).where(Event.id > last_id).order_by(Event.id).limit(limit)
    )
    return list(rows)

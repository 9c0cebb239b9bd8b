"""Simulator control state in the database, shared by every backend replica and the simulator."""

from __future__ import annotations

from datetime import timedelta

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db import SimulatorControl, utcnow
from driftscope.db.upsert import insert_ignore
from driftscope.events import add_event, notify
from driftscope_backend.http import contract_error
from driftscope_backend.simulator.schemas import (
    SimulatorDesired,
    SimulatorState,
    SimulatorStatus,
    SimulatorUpdate,
)

ROW = "default"
ONLINE_WITHIN = timedelta(seconds=5)


async def _row(session: AsyncSession) -> SimulatorControl:
    """The control row, made with the defaults on first use. Two requests (or replicas) may
    both find it missing: the INSERT skips a row another one made meanwhile."""
    row = await session.get(SimulatorControl, ROW)
    if row is None:
        default = {
            "name": ROW,
            "desired": SimulatorDesired().model_dump(),
            "status": {},
            "desired_updated_at": utcnow(),
        }
        dialect = session.get_bind().dialect.name
        await session.execute(insert_ignore(dialect, SimulatorControl.__table__, [default]))
        row = await session.get_one(SimulatorControl, ROW, populate_existing=True)
    return row


def _state(row: SimulatorControl) -> SimulatorState:
    online = row.heartbeat_at is not None and utcnow() - row.heartbeat_at < ONLINE_WITHIN
    return SimulatorState(
        desired=SimulatorDesired.model_validate(row.desired),
        status=SimulatorStatus.model_validate(row.status) if row.status else None,
        online=online,
        heartbeat_at=row.heartbeat_at,
        desired_updated_at=row.desired_updated_at,
    )


async def get_state(session: AsyncSession) -> SimulatorState:
    state = _state(await _row(session))
    await session.commit()
    return state


async def update_desired(
    session: AsyncSession, model_name: str, update: SimulatorUpdate
) -> SimulatorState:
    """Merge the given fields into the desired state (validated as a whole) and announce it."""
    row = await _row(session)
    changes = update.model_dump(exclude_unset=True)
    if "scenario" in changes and "features" not in changes:
        changes["features"] = None  # a new scenario starts from its own default features
    if changes.get("content") is not None:  # merged field by field, like the top level
        changes["content"] = {**row.desired.get("content", {}), **changes["content"]}
    try:
        desired = SimulatorDesired.model_validate({**row.desired, **changes})
    except ValidationError as exc:
        raise contract_error(exc) from exc
    row.desired, row.desired_updated_at = desired.model_dump(), utcnow()
    event = await add_event(
        session, model_name, "simulator", {"desired": row.desired, "changed": sorted(changes)}
    )
    state = _state(row)
    await session.commit()
    await notify(session, event.id)
    return state


async def report_status(session: AsyncSession, status: SimulatorStatus) -> SimulatorState:
    row = await _row(session)
    row.status, row.heartbeat_at = status.model_dump(mode="json"), utcnow()
    state = _state(row)
    await session.commit()
    return state

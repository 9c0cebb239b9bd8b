"""GET/PUT /api/v1/simulator: live control of the traffic simulator (PUT needs the admin key)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from driftscope_backend.runtime import RuntimeDep, SessionDep
from driftscope_backend.security import AdminDep
from driftscope_backend.simulator import service
from driftscope_backend.simulator.schemas import SimulatorState, SimulatorStatus, SimulatorUpdate

router = APIRouter(prefix="/api/v1/simulator", tags=["simulator"])
ADMIN_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed JSON body"},
    401: {"description": "No X-API-Key"},
    403: {"description": "Wrong key or admin API disabled"},
    422: {"description": "Invalid value, e.g. a negative rate or an unknown scenario"},
}


@router.get("", response_model=SimulatorState, summary="Simulator desired state and live status")
async def get_simulator(session: SessionDep) -> SimulatorState:
    return await service.get_state(session)


@router.put(
    "",
    response_model=SimulatorState,
    responses=ADMIN_ERRORS,
    summary="Change rate/scenario (admin)",
)
async def put_simulator(
    update: SimulatorUpdate, session: SessionDep, runtime: RuntimeDep, _admin: AdminDep
) -> SimulatorState:
    """Fields left out keep their value; the running simulator applies changes within a second."""
    return await service.update_desired(session, runtime.settings.model_name, update)


@router.put(
    "/status",
    response_model=SimulatorState,
    responses=ADMIN_ERRORS,
    summary="Simulator heartbeat (admin)",
)
async def put_status(
    status: SimulatorStatus, session: SessionDep, _admin: AdminDep
) -> SimulatorState:
    """Called by the simulator about once a second; returns the desired state to apply."""
    return await service.report_status(session, status)

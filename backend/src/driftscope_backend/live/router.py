"""WS /ws/live: snapshot on connect (or the missed events on resume), then live messages."""

from __future__ import annotations

import asyncio
import contextlib

import orjson
from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from driftscope_backend.live.hub import Client
from driftscope_backend.live.snapshot import build_snapshot
from driftscope_backend.live.tail import now_iso
from driftscope_backend.runtime import Runtime

router = APIRouter(tags=["live"])


async def _drain(websocket: WebSocket) -> None:
    """Read (and ignore) client messages so a closed connection is noticed promptly."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            await websocket.receive_text()


@router.websocket("/ws/live")
async def live(websocket: WebSocket) -> None:
    """Query `last_id` resumes after that event id; otherwise (or if too old) a fresh snapshot."""
    runtime: Runtime = websocket.app.state.runtime
    hub = runtime.hub
    await websocket.accept()
    raw_last = websocket.query_params.get("last_id", "")
    missed = hub.missed_since(int(raw_last)) if raw_last.isdigit() else None
    client = Client(websocket)
    hub.clients.add(client)  # queue live messages from now on, so none falls between the two
    if missed is None:
        last_id = hub.last_event_id
        snapshot = {
            "type": "snapshot",
            "ts": now_iso(),
            "id": last_id,
            "model": runtime.settings.model_name,  # the snapshot is of the default model
            "data": await build_snapshot(runtime),
        }
        first = [orjson.dumps(snapshot).decode()]
    else:
        first = [orjson.dumps(m).decode() for m in missed]
    reader = asyncio.create_task(_drain(websocket))
    sender = asyncio.create_task(hub.serve(client, first))
    try:
        await asyncio.wait({reader, sender}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (reader, sender):
            task.cancel()
        await asyncio.gather(reader, sender, return_exceptions=True)
        hub.clients.discard(client)

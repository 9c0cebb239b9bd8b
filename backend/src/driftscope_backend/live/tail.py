"""Background tasks of the live stream: tail the events outbox, publish stats, heartbeats.

Events: PostgreSQL wakes us with LISTEN/NOTIFY (polled every 2 s as a safety net); SQLite is
polled every second. Every backend replica tails on its own, so every client sees every event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from driftscope.db import Event
from driftscope.events import CHANNEL, events_after
from driftscope_backend.live.hub import LiveHub
from driftscope_backend.registry.service import sync_models
from driftscope_backend.runtime import Runtime

log = logging.getLogger(__name__)
HEARTBEAT_S = 15.0
ALIAS_CHECK_S = 2.0
CONNECT_TIMEOUT_S = 10.0  # the LISTEN connection; on failure the tail polls and tries again
CLOSE_TIMEOUT_S = 5.0


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def event_message(event: Event) -> dict[str, Any]:
    """An outbox event as sent: `model` names the model it is about, as in every message."""
    return {
        "type": event.kind,
        "id": event.id,
        "ts": event.ts.isoformat(),
        "model": event.model_name,
        "data": event.payload,
    }


class EventTail:
    def __init__(self, runtime: Runtime, hub: LiveHub) -> None:
        self.runtime = runtime
        self.hub = hub
        self.wake = asyncio.Event()
        self.postgres = runtime.engine.dialect.name == "postgresql"
        self.poll_s = 2.0 if self.postgres else 1.0
        self._listener: Any = None
        self._last_alias_check = time.monotonic()

    async def start_position(self) -> None:
        async with self.runtime.sessionmaker() as session:
            self.hub.last_event_id = int(await session.scalar(select(func.max(Event.id))) or 0)

    async def _listen(self) -> None:
        import asyncpg

        url = make_url(self.runtime.engine.url.render_as_string(hide_password=False))
        self._listener = await asyncpg.connect(
            timeout=CONNECT_TIMEOUT_S,
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            database=url.database,
        )
        await self._listener.add_listener(CHANNEL, lambda *_: self.wake.set())

    async def poll_once(self) -> int:
        async with self.runtime.sessionmaker() as session:
            events = await events_after(session, self.hub.last_event_id)
        named = {e.model_name for e in events if e.kind == "model"}
        if named:  # swap (or start serving a new model) before announcing it
            self.runtime.catalog.invalidate()  # a model registered or promoted: `?model=` knows
            await sync_models(self.runtime, named)
        for event in events:
            self.hub.publish(event_message(event))
        return len(events)

    async def run(self) -> None:
        while True:
            # A connection lost with the database (outage, failover) is closed, not None:
            # listen again, else events arrive only by the slow poll from then on.
            if self.postgres and (self._listener is None or self._listener.is_closed()):
                try:
                    await self._listen()
                except Exception as exc:  # fall back to polling until LISTEN works again
                    log.warning("LISTEN %s failed (%s); polling", CHANNEL, exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout=self.poll_s)
            self.wake.clear()
            try:
                while await self.poll_once() >= 500:
                    pass
                if time.monotonic() - self._last_alias_check > ALIAS_CHECK_S:
                    self._last_alias_check = time.monotonic()
                    await sync_models(self.runtime)  # safety net if an event was missed
            except Exception as exc:
                log.warning("reading events failed: %s", exc)

    async def close(self) -> None:
        """Close the LISTEN connection: gracefully within CLOSE_TIMEOUT_S, else abruptly (a
        server that does not answer must not hold the shutdown)."""
        if self._listener is not None:
            try:
                await self._listener.close(timeout=CLOSE_TIMEOUT_S)
            except Exception:
                self._listener.terminate()


async def simulator_summary(runtime: Runtime) -> dict[str, Any] | None:
    from driftscope_backend.simulator.service import get_state

    try:
        async with runtime.sessionmaker() as session:
            state = await get_state(session)
    except Exception:
        return None
    status = state.status
    return {
        "online": state.online,
        "rate": state.desired.rate,
        "scenario": state.desired.scenario,
        "intensity": state.desired.intensity,
        "running": state.desired.running,
        "actual_rate": status.actual_rate if status else None,
        "phase": status.phase if status else None,
    }


async def publish_stats(runtime: Runtime, hub: LiveHub) -> None:
    """Every second: roll the counters and publish a `stats` message per model; every 15 s a
    heartbeat (about no model: `model` null)."""
    last, last_heartbeat, simulator = time.monotonic(), time.monotonic(), None
    tick = 0
    while True:
        await asyncio.sleep(1.0 - (time.monotonic() - last) % 1.0)
        now = time.monotonic()
        if tick % 2 == 0:  # the simulator reports once a second; reading it every 2 s is enough
            simulator = await simulator_summary(runtime)
        tick += 1
        writer = runtime.writer
        per_model = runtime.live.roll(
            now - last,
            {
                "queue_depth": writer.depth,
                "rows_written": writer.rows_written,
                "simulator": simulator,
            },
        )
        last = now
        for model, stats in per_model.items():
            await hub.broadcast({"type": "stats", "ts": now_iso(), "model": model, "data": stats})
        if now - last_heartbeat >= HEARTBEAT_S:
            heartbeat = {"clients": len(hub.clients)}
            await hub.broadcast(
                {"type": "heartbeat", "ts": now_iso(), "model": None, "data": heartbeat}
            )
            last_heartbeat = now

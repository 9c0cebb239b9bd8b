"""Database outage under load: predictions keep flowing, /ready says why, no row lost or doubled.

PostgreSQL is cut through a TCP proxy (connections dropped, new ones refused); SQLite is held
under an exclusive lock by another connection. See docs/RELIABILITY.md for measured numbers.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

import pytest
from backend.tests.conftest import error_of, transaction
from backend.tests.prediction.test_writer import counted_rows
from backend.tests.reliability.conftest import DatabaseFault, drive, wait_written
from sqlalchemy import select

from driftscope.db import Prediction, create_engine
from driftscope.events import add_event, notify
from driftscope.settings import Settings
from driftscope.testing.waiting import wait_until
from driftscope_backend.live.tail import EventTail
from driftscope_backend.prediction.writer import spilled_rows

if TYPE_CHECKING:
    from backend.tests.conftest import Api

    Serve = Callable[[Settings], AbstractAsyncContextManager[Api]]

pytestmark = pytest.mark.slow

RATE = 200  # requests per second
SECONDS = 20.0


def outage_s(fault: DatabaseFault) -> float:
    # SQLite writes wait out busy_timeout (10 s) before they fail: hold the lock past it.
    return 12.0 if fault.settings.resolved_database_url.startswith("sqlite") else 10.0


async def stored_ids(settings: Settings) -> list[str]:
    """Every prediction id in the table, read directly (not through the proxy)."""
    engine = create_engine(settings.resolved_database_url)
    try:
        async with engine.connect() as conn:
            return [str(i) for i in await conn.scalars(select(Prediction.id))]
    finally:
        await engine.dispose()


Readiness = list[tuple[int, dict[str, Any]]]


async def poll_ready(api: Api, until: asyncio.Event, seen: Readiness) -> Readiness:
    """GET /ready every 0.5 s into `seen` until `until` is set."""
    while not until.is_set():
        response = await api.client.get("/ready")
        seen.append((response.status_code, response.json()))
        await asyncio.sleep(0.5)
    return seen


def degraded(seen: Readiness) -> list[dict[str, Any]]:
    return [body for _, body in seen if body["status"] == "degraded"]


async def test_predictions_survive_an_outage_under_load(
    serve: Serve, fault: DatabaseFault, registered_settings: Settings
) -> None:
    async with serve(fault.settings) as api:
        load = asyncio.create_task(drive(api, rate=RATE, seconds=SECONDS, prefix="outage"))
        await asyncio.sleep(4.0)
        await fault.cut()
        cut_at, restored, seen = time.monotonic(), asyncio.Event(), Readiness()
        polling = asyncio.create_task(poll_ready(api, restored, seen))
        await asyncio.sleep(outage_s(fault))
        # Lasts until /ready has told: on a busy machine the first write to fail may end late.
        await wait_until(lambda: degraded(seen), what="/ready to report the outage", timeout_s=120)
        await fault.restore()
        outage = time.monotonic() - cut_at
        restored.set()
        during = await polling
        traffic = await load
        catch_up = await wait_written(api)
        after = await api.client.get("/ready")
        writer = api.writer

    assert traffic.errors == []
    assert traffic.statuses == {200: int(RATE * SECONDS)}, traffic.statuses
    assert all(status == 200 for status, _ in during), during  # still in the load balancer
    # /ready named the fault (an answer just after the restore may name only the writer's
    # last failed flush: the database answers again before the writer's next flush succeeds)
    reasons = [r for body in degraded(during) for r in body["reasons"]]
    assert any(r.startswith(fault.expected_reason) for r in reasons), during
    assert after.status_code == 200 and after.json()["status"] == "ready", after.text
    assert writer.failed_flushes >= 1  # the outage was real: writes failed and were retried

    ids = await stored_ids(registered_settings)
    assert len(ids) == len(set(ids)) == int(RATE * SECONDS)  # exact, no duplicates
    assert set(ids) == set(traffic.accepted_ids)
    print(
        f"\n[outage] {fault.settings.resolved_database_url.split(':')[0]}: "
        f"{len(traffic.responses)} requests in {traffic.seconds:.1f} s, "
        f"{traffic.statuses[200]} x 200, outage {outage:.1f} s, "
        f"max buffered {max(b['writer']['queue_depth'] for _, b in during)}, "
        f"failed flushes {writer.failed_flushes}, caught up in {catch_up:.2f} s, "
        f"rows {len(ids)}"
    )


async def test_a_full_buffer_rejects_with_503_and_counts_every_rejection(
    serve: Serve, fault: DatabaseFault, registered_settings: Settings
) -> None:
    """Past the buffer bound requests get 503 + Retry-After; rejected == 503s; the rest stored."""
    settings = fault.settings.model_copy(update={"writer_queue_size": 100})
    async with serve(settings) as api:
        load = asyncio.create_task(drive(api, rate=RATE, seconds=6.0, prefix="tiny"))
        await asyncio.sleep(1.0)
        await fault.cut()
        # Full once the first request is refused; it stays full while the database is away.
        await wait_until(lambda: api.writer.rejected, what="a request refused by a full buffer")
        ready_when_full = await api.client.get("/ready")
        await fault.restore()
        traffic = await load
        await wait_written(api)
        rejected = api.writer.rejected
        reported = (await api.client.get("/ready")).json()["writer"]["rejected"]

    assert traffic.errors == []
    assert set(traffic.statuses) == {200, 503}, traffic.statuses
    for response in traffic.overloaded:
        error_of(response, 503, "overloaded")
        assert response.headers["retry-after"] == "1"
    assert rejected == reported == len(traffic.overloaded)  # nothing dropped silently
    assert ready_when_full.status_code == 503  # full: out of the load balancer
    assert any("queue" in r for r in ready_when_full.json()["reasons"])
    ids = await stored_ids(registered_settings)
    assert len(ids) == len(set(ids)) == traffic.statuses[200]
    assert set(ids) == set(traffic.accepted_ids)
    print(
        f"\n[tiny queue] {len(traffic.responses)} requests: {traffic.statuses[200]} x 200, "
        f"{len(traffic.overloaded)} x 503, writer.rejected {rejected}, rows {len(ids)}"
    )


def spilled(settings: Settings) -> int:
    return spilled_rows(settings.data_dir / "spill")


async def test_stop_during_an_outage_spills_and_the_next_start_replays(
    serve: Serve, fault: DatabaseFault, registered_settings: Settings
) -> None:
    async with serve(fault.settings) as api:
        before = [(await api.predict(transaction(transaction_id=f"pre-{i}"))) for i in range(20)]
        await wait_written(api)
        await fault.cut()
        during = await asyncio.gather(
            *(api.predict(transaction(transaction_id=f"down-{i}")) for i in range(150)),
            *(api.predict(transaction()) for _ in range(150)),
        )
        assert {r.status_code for r in [*before, *during]} == {200}
        # As on SIGTERM: the lifespan stops the writer, bounded so a hung write cannot eat the
        # whole grace period.
        stop = functools.partial(api.writer.stop, timeout_s=1.0)
        api.writer.stop = stop  # type: ignore[method-assign]
        stopping = time.monotonic()

        async def spilled_then_restore() -> int:
            # The database comes back while the app closes its connections (SQLite ones wait
            # out the lock), after the writer gave up and spilled.
            await wait_until(
                lambda: spilled(registered_settings) == 300,
                what="the writer to spill the 300 buffered rows",
                detail=lambda: f"{spilled(registered_settings)} rows spilled",
            )
            rows = spilled(registered_settings)
            await fault.restore()
            return rows

        restoring = asyncio.create_task(spilled_then_restore())
    stop_s = time.monotonic() - stopping

    assert await restoring == 300
    assert spilled(registered_settings) == 300
    async with serve(fault.settings) as api:
        assert spilled(registered_settings) == 0
        retry = (await api.predict(transaction(transaction_id="down-7"))).json()

    ids = await stored_ids(registered_settings)
    assert len(ids) == len(set(ids)) == 320
    # every acknowledged prediction is in the window counts once: counted at flush or replay
    assert await counted_rows(registered_settings) == 320
    expected = {r.json()["prediction_id"] for r in [*before, *during]}
    assert set(ids) == expected
    assert retry["replayed"] is True and retry["prediction_id"] in expected
    print(f"\n[spill] 300 rows spilled, app closed in {stop_s:.1f} s, replayed: {len(ids)} rows")


def record_listens(monkeypatch: pytest.MonkeyPatch) -> list[EventTail]:
    """Every LISTEN an event tail starts, in order. From its second one (listening again after
    an outage) the tail's safety-net poll is an hour away: whatever it delivers from then on,
    NOTIFY woke it for — whatever the latency on a busy machine."""
    listens: list[EventTail] = []
    listen = EventTail._listen

    async def recorded(tail: EventTail) -> None:
        await listen(tail)
        listens.append(tail)
        if len(listens) > 1:
            tail.poll_s = 3600.0

    monkeypatch.setattr(EventTail, "_listen", recorded)
    return listens


@pytest.mark.postgres
async def test_live_events_are_pushed_again_after_an_outage(
    serve: Serve, fault: DatabaseFault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The event tail's LISTEN connection dies with the database; once it is back, NOTIFY must
    wake the tail again (not only its 2 s safety-net poll)."""
    if not fault.settings.resolved_database_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL only")
    listens = record_listens(monkeypatch)
    async with serve(fault.settings) as api:
        await wait_until(lambda: listens, what="the event tail to LISTEN")
        await fault.cut()
        await asyncio.sleep(2.0)  # the outage
        await fault.restore()
        await wait_until(
            lambda: len(listens) > 1, what="the event tail to LISTEN again", timeout_s=120
        )
        hub = api.app.state.runtime.hub
        latencies = []
        for _ in range(3):
            async with api.app.state.runtime.sessionmaker() as session:
                event = await add_event(session, "fraud", "heartbeat", {"probe": True})
                await session.commit()
                await notify(session, event.id)
            latencies.append(
                await wait_until(
                    lambda: hub.last_event_id >= event.id,  # noqa: B023 - awaited in the loop
                    what=f"event {event.id} pushed after NOTIFY",
                    interval_s=0.01,
                )
            )

    print(f"\n[events after outage] NOTIFY latencies {[round(x, 3) for x in latencies]} s")

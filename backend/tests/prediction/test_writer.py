"""The prediction log writer: bounded buffer (503), batching, shutdown flush, spill and replay."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

import pytest
from backend.tests.conftest import error_of, transaction
from sqlalchemy import func, select

from driftscope.db import Prediction, WindowCount, create_engine
from driftscope.db.copy import CopyRows
from driftscope.settings import Settings
from driftscope.testing.waiting import wait_until
from driftscope_backend.prediction.writer import spilled_rows as writer_spilled_rows

if TYPE_CHECKING:
    from backend.tests.conftest import Api

    Serve = Callable[[Settings], AbstractAsyncContextManager[Api]]


def hold_writes(
    api: Api,
    monkeypatch: pytest.MonkeyPatch,
    written: list[int] | None = None,
    held: list[int] | None = None,
) -> asyncio.Event:
    """Make every database write wait for the returned event, so buffered rows stay buffered.

    `held` collects the size of each batch as it reaches the gate, `written` as it is sent on
    to the database.
    """
    gate = asyncio.Event()
    write = api.writer._write

    async def gated(rows: list[dict[str, Any]], *bound: Any) -> None:
        if held is not None:
            held.append(len(rows))
        await gate.wait()
        if written is not None:
            written.append(len(rows))
        await write(rows, *bound)

    monkeypatch.setattr(api.writer, "_write", gated)
    return gate


async def count_rows(settings: Settings, what: Any = None) -> int:
    """Rows in the predictions table (or `what`, e.g. a sum), read through a fresh engine
    (after the app has stopped)."""
    engine = create_engine(settings.resolved_database_url)
    query = select(func.count()).select_from(Prediction) if what is None else select(what)
    try:
        async with engine.connect() as conn:
            return int(await conn.scalar(query) or 0)
    finally:
        await engine.dispose()


async def counted_rows(settings: Settings) -> int:
    """Predictions the window counts hold (the sum of their rows' n)."""
    return await count_rows(settings, func.sum(WindowCount.n))


def spilled_rows(settings: Settings) -> int:
    """Rows waiting in the spill files (data_dir/spill/*.jsonl)."""
    return writer_spilled_rows(settings.data_dir / "spill")


@pytest.fixture
def small_queue(registered_settings: Settings) -> Settings:
    return registered_settings.model_copy(update={"writer_queue_size": 5})


async def test_full_buffer_answers_503_with_retry_after(
    serve: Serve, small_queue: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with serve(small_queue) as api:
        gate = hold_writes(api, monkeypatch)
        for _ in range(5):
            assert (await api.predict(transaction())).status_code == 200

        response = await api.predict(transaction())

        error = error_of(response, 503, "overloaded")
        assert response.headers["retry-after"] == "1"
        assert error["details"] == {"retry_after_s": 1}
        gate.set()
        await api.flush()
        assert await api.count() == 5
        assert (await api.predict(transaction())).status_code == 200  # room again


async def test_a_list_that_does_not_fit_is_not_stored_in_part(
    serve: Serve, small_queue: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with serve(small_queue) as api:
        gate = hold_writes(api, monkeypatch)
        error_of(await api.predict([transaction()] * 6), 503, "overloaded")
        assert (await api.predict([transaction()] * 3)).status_code == 200

        response = await api.predict([transaction(amount=999.0)] * 3)

        error_of(response, 503, "overloaded")
        gate.set()
        await api.flush()
        assert [row.features["amount"] for row in await api.predictions()] == [129.99] * 3


async def test_concurrent_lists_never_half_fit(
    serve: Serve, small_queue: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both lists pass the early size check; the one that no longer fits is refused whole."""
    async with serve(small_queue) as api:
        gate = hold_writes(api, monkeypatch)
        lists = [[transaction(transaction_id=f"{who}-{i}") for i in range(3)] for who in "ab"]

        responses = await asyncio.gather(*(api.predict(items) for items in lists))

        assert sorted(r.status_code for r in responses) == [200, 503]
        accepted = lists[[r.status_code for r in responses].index(200)]
        gate.set()
        await api.flush()
        stored = sorted(row.transaction_id for row in await api.predictions())
        assert stored == sorted(t["transaction_id"] for t in accepted)


async def test_ready_reports_a_nearly_full_queue(
    serve: Serve, small_queue: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with serve(small_queue) as api:
        gate = hold_writes(api, monkeypatch)
        await api.predict([transaction()] * 5)

        response = await api.client.get("/ready")

        assert response.status_code == 503
        assert any("queue" in reason for reason in response.json()["reasons"])
        gate.set()
        await api.flush()
        assert (await api.client.get("/ready")).status_code == 200


async def test_rows_are_written_in_one_statement_a_flush(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: one multi-row INSERT a flush; PostgreSQL: one binary COPY of the whole flush."""
    writes: list[int] = []
    execute, copy = api.writer._execute, api.writer._copy

    async def recorded(statements: list[tuple[str, Any]]) -> None:
        writes.extend(
            len(params) // len(api.writer.bulk.names)
            for sql, params in statements
            if sql.upper().startswith("INSERT INTO PREDICTIONS")
        )
        await execute(statements)

    async def copied(block: CopyRows, then: list[tuple[str, Any]]) -> None:
        assert not any(sql.upper().startswith("INSERT INTO PREDICTIONS") for sql, _ in then)
        writes.append(len(block))
        await copy(block, then)

    monkeypatch.setattr(api.writer, "_execute", recorded)
    monkeypatch.setattr(api.writer, "_copy", copied)
    responses = await asyncio.gather(*(api.predict(transaction()) for _ in range(500)))
    assert {r.status_code for r in responses} == {200}
    await api.flush()

    assert await api.count() == 500
    assert api.writer.rows_written == 500
    assert 1 <= api.writer.flushes <= 25
    assert len(writes) == api.writer.flushes and sum(writes) == 500  # one write a flush


async def test_concurrent_flushes_write_each_row_once(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A flush() called while another is writing waits for it instead of re-writing its rows."""
    written: list[int] = []
    held: list[int] = []
    gate = hold_writes(api, monkeypatch, written, held)
    await api.predict([transaction()] * 10)
    first = asyncio.create_task(api.writer.flush())
    # 10 rows in flight at the gate (written by `first`, or by a background flush it waits for)
    await wait_until(lambda: held == [10], what="the first 10 rows held at the write gate")
    await api.predict([transaction()] * 7)
    second = asyncio.create_task(api.writer.flush())
    await asyncio.sleep(0)  # second starts, and waits for the flush in progress
    assert held == [10] and not second.done()

    gate.set()

    assert await second  # returns only once every buffered row is stored
    assert await api.count() == 17
    assert await first
    assert sum(written) == 17
    assert api.writer.rows_written == 17
    assert api.writer.depth == 0


async def test_periodic_flush_leaves_rows_that_arrive_while_it_writes_to_the_next_tick(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under sustained load the periodic flush writes one batch a tick, not back-to-back small
    batches of what arrived during the previous write; flush() still drains everything."""
    task = api.writer._task
    assert task is not None
    task.cancel()  # only the flushes called below write
    written: list[int] = []
    held: list[int] = []
    gate = hold_writes(api, monkeypatch, written, held)
    await api.predict([transaction()] * 6)
    periodic = asyncio.create_task(api.writer.flush(until_empty=False))
    await wait_until(lambda: held == [6], what="the 6 buffered rows held at the write gate")
    await api.predict([transaction()] * 4)  # arrives while the periodic flush writes
    gate.set()

    assert await periodic
    assert written == [6]
    assert api.writer.depth == 4  # for the next tick
    assert await api.writer.flush()
    assert written == [6, 4]
    assert api.writer.depth == 0
    assert await api.count() == 10


async def test_shutdown_writes_buffered_rows(serve: Serve, registered_settings: Settings) -> None:
    async with serve(registered_settings) as api:
        task = api.writer._task
        assert task is not None
        task.cancel()  # no periodic flush: only shutdown can write these rows
        response = await api.predict([transaction()] * 40)
        assert response.status_code == 200
        assert api.writer.depth == 40

    assert await count_rows(registered_settings) == 40


async def test_rows_unwritable_at_shutdown_are_spilled_and_replayed(
    serve: Serve, registered_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with serve(registered_settings) as api:

        async def database_down(rows: list[dict[str, Any]], *bound: Any) -> None:
            raise OSError("connection refused")

        monkeypatch.setattr(api.writer, "_write", database_down)
        monkeypatch.setattr(api.writer, "stop", functools.partial(api.writer.stop, timeout_s=0.3))
        results = (
            await api.predict([transaction(transaction_id=f"s-{i}") for i in range(25)])
        ).json()

    assert await count_rows(registered_settings) == 0
    assert spilled_rows(registered_settings) == 25

    async with serve(registered_settings) as api:
        assert await api.count() == 25
        assert spilled_rows(registered_settings) == 0
        assert await counted_rows(registered_settings) == 25  # counted at replay
        rows = {str(row.id): row for row in await api.predictions()}
        for result in results:
            row = rows[result["prediction_id"]]
            assert row.score == pytest.approx(result["fraud_probability"], abs=1e-6)
            assert row.transaction_id == result["transaction_id"]
            assert row.ts.tzinfo is not None
        retry = (await api.predict(transaction(transaction_id="s-3"))).json()
        assert retry["replayed"] and retry["prediction_id"] == results[3]["prediction_id"]


async def test_replay_skips_rows_already_stored(
    serve: Serve, registered_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that committed but reported failure is spilled too: replay must not duplicate it."""
    async with serve(registered_settings) as api:
        write, committed = api.writer._write, list[int]()

        async def commit_then_fail(rows: list[dict[str, Any]], *bound: Any) -> None:
            await write(rows, *bound)
            committed.append(len(rows))
            raise TimeoutError("connection lost after commit")

        monkeypatch.setattr(api.writer, "_write", commit_then_fail)
        monkeypatch.setattr(api.writer, "stop", functools.partial(api.writer.stop, timeout_s=0.3))
        await api.predict([transaction()] * 10)
        # Committed before the stop: its short flush deadline is for the retries, which fail.
        await wait_until(lambda: committed, what="a background write that commits, then fails")

    assert await count_rows(registered_settings) == 10
    assert await counted_rows(registered_settings) == 10  # the counts went with their rows
    assert spilled_rows(registered_settings) == 10
    async with serve(registered_settings) as api:
        assert await api.count() == 10
        assert await counted_rows(registered_settings) == 10  # same counts ids: not again

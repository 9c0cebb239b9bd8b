"""Fault injection for the backend reliability tests: a database that goes away and comes back.

- `fault`: a `DatabaseFault` for the test's database. PostgreSQL: the backend reaches the server
  through a loopback `TcpProxy` that `cut()` closes (connections dropped, new ones refused).
  SQLite: `cut()` holds an exclusive lock from a separate sqlite3 connection, so writes wait
  out the busy timeout and fail.
- `drive`: paced /predict traffic (every other request carries a transaction_id) whose
  responses are kept for the assertions.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from backend.tests.conftest import transaction
from sqlalchemy.engine import make_url

from driftscope.settings import Settings
from driftscope.testing.waiting import wait_until
from driftscope.testing_proxy import TcpProxy

if TYPE_CHECKING:
    from backend.tests.conftest import Api


class DatabaseFault:
    """Takes the database away from the backend (`cut`) and gives it back (`restore`)."""

    settings: Settings  # what the backend under test must use
    expected_reason: str  # how /ready names this fault

    async def cut(self) -> None:
        raise NotImplementedError

    async def restore(self) -> None:
        raise NotImplementedError


class ProxyFault(DatabaseFault):
    expected_reason = "database unreachable"

    def __init__(self, settings: Settings, proxy: TcpProxy) -> None:
        url = make_url(settings.resolved_database_url).set(host="127.0.0.1", port=proxy.port)
        self.settings = settings.model_copy(
            update={"database_url": url.render_as_string(hide_password=False)}
        )
        self.proxy = proxy

    async def cut(self) -> None:
        await self.proxy.cut()

    async def restore(self) -> None:
        await self.proxy.restore()


class SqliteLockFault(DatabaseFault):
    expected_reason = "prediction log writes failing"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        path = make_url(settings.resolved_database_url).database
        assert path is not None
        self.path = path
        self._conn: sqlite3.Connection | None = None

    def _lock(self) -> None:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("BEGIN EXCLUSIVE")
        self._conn = conn

    def _unlock(self) -> None:
        if self._conn is not None:
            self._conn.execute("ROLLBACK")
            self._conn.close()
            self._conn = None

    async def cut(self) -> None:
        await asyncio.to_thread(self._lock)  # may wait for a write in progress

    async def restore(self) -> None:
        await asyncio.to_thread(self._unlock)


@pytest.fixture
async def fault(registered_settings: Settings) -> AsyncIterator[DatabaseFault]:
    url = make_url(registered_settings.resolved_database_url)
    if url.get_backend_name() == "sqlite":
        lock = SqliteLockFault(registered_settings)
        try:
            yield lock
        finally:
            await lock.restore()
        return
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    try:
        yield ProxyFault(registered_settings, proxy)
    finally:
        await proxy.close()


@dataclass
class Traffic:
    """Responses of paced /predict traffic, by outcome."""

    responses: list[httpx.Response] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)  # exceptions raised by the app
    seconds: float = 0.0

    @property
    def statuses(self) -> Counter[int]:
        return Counter(r.status_code for r in self.responses)

    @property
    def accepted_ids(self) -> list[str]:
        return [r.json()["prediction_id"] for r in self.responses if r.status_code == 200]

    @property
    def overloaded(self) -> list[httpx.Response]:
        return [r for r in self.responses if r.status_code == 503]


async def drive(api: Api, *, rate: float, seconds: float, prefix: str) -> Traffic:
    """Send `rate` requests a second for `seconds` without waiting for answers (an open loop,
    as real clients do); every other request carries a unique transaction_id."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    tasks: list[asyncio.Task[httpx.Response]] = []
    for i in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, start + i / rate - loop.time()))
        body: dict[str, Any] = (
            transaction(transaction_id=f"{prefix}-{i}") if i % 2 else transaction()
        )
        tasks.append(asyncio.create_task(api.predict(body)))
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    traffic = Traffic(seconds=loop.time() - start)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            traffic.errors.append(outcome)
        else:
            traffic.responses.append(outcome)
    return traffic


async def wait_written(api: Api, timeout_s: float = 120.0) -> float:
    """Seconds until the writer has stored everything buffered (fails after `timeout_s`)."""
    writer = api.writer
    return await wait_until(
        lambda: not writer.depth and writer.last_error is None,
        what="the prediction log to store every buffered row",
        timeout_s=timeout_s,
        interval_s=0.1,
        detail=lambda: f"{writer.depth} rows still buffered: {writer.last_error}",
    )

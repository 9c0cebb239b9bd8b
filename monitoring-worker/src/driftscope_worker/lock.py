"""One active worker at a time: a PostgreSQL advisory lock, or a file lock next to SQLite."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)
ADVISORY_KEY = 0x44524946  # "DRIF"


class LeaderLock:
    """`await acquire()` returns once this process is the active worker (standby until then)."""

    def __init__(self, engine: AsyncEngine, lock_file: Path, *, retry_s: float = 2.0) -> None:
        self.engine = engine
        self.lock_file = lock_file
        self.retry_s = retry_s
        self._conn: AsyncConnection | None = None
        self._fd: int | None = None

    async def try_acquire(self) -> bool:
        if self.engine.dialect.name == "postgresql":
            if self._conn is None:
                self._conn = await self.engine.connect()
            got = await self._conn.scalar(
                text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}
            )
            await self._conn.commit()
            return bool(got)
        self.lock_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_file, os.O_CREAT | os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    async def acquire(self) -> None:
        announced = False
        while not await self.try_acquire():
            if not announced:
                log.info("another worker is active; standing by")
                announced = True
            await asyncio.sleep(self.retry_s)

    async def release(self) -> None:
        if self._conn is not None:
            conn: Any = self._conn
            self._conn = None
            try:
                await conn.execute(text("SELECT pg_advisory_unlock_all()"))
            finally:
                await conn.close()
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

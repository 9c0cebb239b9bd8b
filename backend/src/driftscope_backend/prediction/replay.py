"""The stored prediction of a retried `transaction_id`: looked up on every request that has one.

Most transaction ids are new, so the lookup mostly proves absence, and it has to be cheap:
through the async session it cost ≈ 600 µs of CPU on SQLite (aiosqlite hands each step to
its thread), which more than doubled `/predict`'s latency for clients that send ids. On SQLite
it is therefore one indexed SELECT on a plain `sqlite3` connection of its own, on the event
loop (≈ 5 µs): WAL readers never wait for the writer, and the connection never waits for a
lock either (timeout 0) — when SQLite answers "busy", the async path below takes over.
PostgreSQL (and an in-memory SQLite) go through the async session, bounded by a timeout.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import uuid

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from driftscope.db import Prediction
from driftscope_backend.prediction.writer import PredictionWriter, Row

log = logging.getLogger(__name__)
LOOKUP_TIMEOUT_S = 1.0  # a retried transaction_id must not hang on a lost database
# What a replayed answer needs (service.result_from_row).
COLUMNS = (
    "id",
    "transaction_id",
    "score",
    "decision",
    "threshold",
    "model_name",
    "model_version",
    "variant",
    "path",
    "latency_us",
)
_SQLITE_QUERY = (
    f"SELECT {', '.join(COLUMNS)} FROM predictions WHERE model_name = ? AND transaction_id = ?"
)


class ReplayLookup:
    def __init__(
        self,
        writer: PredictionWriter,
        sessionmaker: async_sessionmaker[AsyncSession],
        engine: AsyncEngine,
    ) -> None:
        self.writer = writer
        self.sessionmaker = sessionmaker
        url = engine.url
        file = url.database if url.get_backend_name() == "sqlite" else None
        self._sqlite_path = file if file and file != ":memory:" else None
        self._sqlite: sqlite3.Connection | None = None

    async def find(self, model_name: str, transaction_id: str) -> Row | None:
        """The stored (or still buffered) prediction for `transaction_id`, if any."""
        pending = self.writer.pending_by_transaction.get((model_name, transaction_id))
        if pending is not None:
            return pending
        if self.writer.last_error is not None:
            return None  # the database is failing the writer too: do not queue behind it
        if self._sqlite_path is not None:
            try:
                return self._find_sqlite(model_name, transaction_id)
            except sqlite3.Error as exc:  # busy, or the file went away: the async path decides
                log.debug("direct replay lookup failed (%s); using the session", exc)
                self.close()
        return await self._find_async(model_name, transaction_id)

    def _find_sqlite(self, model_name: str, transaction_id: str) -> Row | None:
        if self._sqlite is None:
            assert self._sqlite_path is not None
            # autocommit, so no read transaction outlives a query (it would hold back WAL
            # checkpoints); never wait for a lock on the event loop
            self._sqlite = sqlite3.connect(
                self._sqlite_path, timeout=0, isolation_level=None, check_same_thread=False
            )
            self._sqlite.execute("PRAGMA query_only = 1")
        # fetchall: the statement runs to its end and releases its snapshot (the unique index
        # allows at most one row)
        found = self._sqlite.execute(_SQLITE_QUERY, (model_name, transaction_id)).fetchall()
        if not found:
            return None
        row = dict(zip(COLUMNS, found[0], strict=True))
        row["id"] = uuid.UUID(hex=row["id"])  # SQLAlchemy's Uuid on SQLite: 32 hex digits
        row["decision"] = bool(row["decision"])
        return row

    async def _find_async(self, model_name: str, transaction_id: str) -> Row | None:
        try:
            async with asyncio.timeout(LOOKUP_TIMEOUT_S), self.sessionmaker() as session:
                stored = await session.scalar(
                    select(Prediction).where(
                        Prediction.model_name == model_name,
                        Prediction.transaction_id == transaction_id,
                    )
                )
        except (OSError, TimeoutError, SQLAlchemyError) as exc:
            # Database down: score afresh rather than fail. The id derives from transaction_id,
            # so if the original was stored the writer's ON CONFLICT keeps it, no duplicate.
            log.warning("replay lookup failed, scoring afresh: %s", exc)
            return None
        if stored is None:
            return None
        return {c: getattr(stored, c) for c in COLUMNS}

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None

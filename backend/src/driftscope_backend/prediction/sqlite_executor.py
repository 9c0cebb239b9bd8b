"""The prediction writer's transactions on a SQLite file: a plain `sqlite3` connection in a thread of its own.

Through SQLAlchemy's async engine each flush cost the event loop ≈ 10–13 µs a logged row under
load (docs/BENCHMARKS.md, "Request edge, second pass"): a pool check-out, BEGIN, each execute,
COMMIT and the pool's reset ROLLBACK, each a hand-off to aiosqlite's thread and back. Here the
loop hands a whole flush over once and is woken once when it is stored. The connection takes
the engine's pragmas (WAL, synchronous NORMAL, busy_timeout 10 s), so a locked database fails a
flush exactly as before and the writer keeps its rows for the next attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
from concurrent.futures import Future
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

Statements = list[tuple[str, Any]]  # (sql, parameters) pairs, as PredictionWriter._execute
BUSY_TIMEOUT_MS = 10_000  # as the engine's connections (driftscope.db.session)


class SqliteExecutor:
    """Runs each batch of statements in one transaction, one batch at a time, off the event loop.

    The thread is a daemon: a write still waiting on a locked database when the app stops must
    not hold the process past its shutdown grace period (the writer has spilled its rows by
    then; if the write commits after all, the replay skips them: ON CONFLICT DO NOTHING).
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._jobs: queue.SimpleQueue[tuple[Statements, Future[None]] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    @classmethod
    def for_engine(cls, engine: AsyncEngine) -> SqliteExecutor | None:
        """An executor for `engine`'s database if it is a SQLite file, else None."""
        url = engine.url
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        return cls(str(url.database))

    async def execute(self, statements: Statements) -> None:
        """Run `statements` in one transaction; raises what SQLite raised (nothing is stored)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._serve, name="prediction-writer-sqlite", daemon=True
            )
            self._thread.start()
        done: Future[None] = Future()
        self._jobs.put((statements, done))
        await asyncio.wrap_future(done)

    def close(self) -> None:
        """Close the connection once the batch in progress (if any) is done; no wait."""
        if self._thread is not None:
            self._jobs.put(None)
            self._thread = None

    def _serve(self) -> None:
        conn: sqlite3.Connection | None = None
        while (job := self._jobs.get()) is not None:
            statements, done = job
            if not done.set_running_or_notify_cancel():
                continue
            try:
                conn = conn or self._connect()
                _transaction(conn, statements)
            except BaseException as exc:  # handed to the awaiting flush, which retries
                done.set_exception(exc)
                _discard(conn)  # rolled back; a fresh connection for the next attempt
                conn = None
            else:
                done.set_result(None)
        _discard(conn)

    def _connect(self) -> sqlite3.Connection:
        # autocommit: transactions are explicit, so nothing stays open between flushes
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, cached_statements=256
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return conn


def _transaction(conn: sqlite3.Connection, statements: Statements) -> None:
    # IMMEDIATE: the write lock is taken (or waited for) before the first INSERT. On an error
    # the caller closes the connection, which rolls the transaction back.
    conn.execute("BEGIN IMMEDIATE")
    for sql, params in statements:
        conn.execute(sql, params)
    conn.execute("COMMIT")


def _discard(conn: sqlite3.Connection | None) -> None:
    if conn is not None:
        with contextlib.suppress(sqlite3.Error):
            conn.close()

"""Async batched writer of prediction rows: bounded buffer, multi-row INSERT, nothing lost silently."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from driftscope.db import Prediction, WindowCount
from driftscope.db.bulk import BulkInsert
from driftscope.db.copy import CopyRows, copy_rows
from driftscope.errors import OverloadedError
from driftscope.ids import uuid7
from driftscope.sampling import keeps_row
from driftscope.settings import Settings
from driftscope_backend.prediction.counting import Profiles, counts_rows
from driftscope_backend.prediction.sqlite_executor import SqliteExecutor

log = logging.getLogger(__name__)
Row = dict[str, Any]
Statements = list[tuple[str, Any]]  # (sql, parameters) pairs from BulkInsert
Bound = tuple[Any, ...]  # a row's values as the driver takes them (BulkInsert.bind)


class PredictionWriter:
    """Buffers rows in memory and writes them in batches every `flush_interval_s` or `batch_rows`.

    `submit` never blocks: a full buffer raises OverloadedError (the API answers 503 with
    Retry-After). Rows are bound to driver values as they are buffered (a few µs inside each
    request), so a flush holds the event loop only to join them, not to bind hundreds of rows
    at once while requests wait. Failed writes are retried; rows still unwritten at shutdown are spilled to
    JSON lines in `spill_dir` and replayed on the next start. Batch blocks skip the buffer
    (`write_now`): their caller waits for the database instead.

    With `profiles`, each batch written also writes its window counts (prediction.counting),
    made once when the batch is taken from the buffer, in the same transaction as its rows.
    With `sample_rate` below 1 each row is marked `kept` or not (driftscope.sampling) as it is
    buffered; a row its batch's counts do not cover is kept whatever its hash.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        capacity: int,
        batch_rows: int,
        flush_interval_s: float,
        spill_dir: Path,
        profiles: Profiles | None = None,
        sample_rate: float = 1.0,
    ) -> None:
        self.engine = engine
        self.profiles = profiles
        self.sample_rate = sample_rate
        self.capacity = capacity
        self.batch_rows = batch_rows
        self.flush_interval_s = flush_interval_s
        self.spill_dir = spill_dir
        self._rows: deque[Row] = deque()
        self._bound: deque[Bound] = deque()  # `_rows`, bound; the two move together
        self._inflight: list[Row] = []
        self._inflight_bound: list[Bound] = []
        self._inflight_counts: list[Row] = []  # window counts of `_inflight`
        self._wakeup = asyncio.Event()
        self._flush_lock = asyncio.Lock()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self.pending_by_id: dict[uuid.UUID, Row] = {}
        self.pending_by_transaction: dict[tuple[str, str], Row] = {}
        self.rows_written = 0
        self.flushes = 0
        self.failed_flushes = 0
        self.rejected = 0
        self.last_error: str | None = None
        self._bulk: BulkInsert | None = None
        self._counts_bulk: BulkInsert | None = None
        self._sqlite = SqliteExecutor.for_engine(engine)  # None: through the async engine

    @property
    def depth(self) -> int:
        return len(self._rows) + len(self._inflight)

    def submit(self, row: Row) -> None:
        self.submit_many([row])

    def submit_many(self, rows: list[Row]) -> None:
        """Buffer all `rows` or none: a list that does not fit is refused whole."""
        if self.depth + len(rows) > self.capacity or self._stopping:
            self.rejected += 1
            raise OverloadedError("prediction log is full; retry shortly", retry_after_s=1)
        self._sample(rows)
        bound = [self.bulk.bind(row) for row in rows]  # raises before anything is buffered
        self._bound.extend(bound)
        for row in rows:
            self._rows.append(row)
            self.pending_by_id[row["id"]] = row
            if row.get("transaction_id"):
                self.pending_by_transaction[(row["model_name"], row["transaction_id"])] = row
        if len(self._rows) >= self.batch_rows:
            self._wakeup.set()

    def _sample(self, rows: list[Row]) -> None:
        rate = self.sample_rate
        for row in rows:  # every row gets the column: a row missing one binds the slow way
            row["kept"] = keeps_row(row["id"], row["variant"], row["decision"], rate)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="prediction-writer")

    async def _run(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=self.flush_interval_s)
            self._wakeup.clear()
            await self.flush(until_empty=False)

    async def flush(self, *, until_empty: bool = True) -> bool:
        """Write everything buffered now; on failure keep it for the next attempt.

        `until_empty`: also the rows buffered while writing, until none is left. The periodic
        flush passes False: rows that arrive during a write wait for the next tick (or a full
        batch). Looping until empty under load wrote back-to-back batches of a few rows, each a
        transaction and a hand-off to the database thread (docs/BENCHMARKS.md, "Request edge,
        third pass")."""
        # One flush at a time: a concurrent one would rewrite `_inflight` and clear it while the
        # other is still writing it (returning before those rows are stored, or losing them).
        async with self._flush_lock:
            return await self._flush_buffered(None if until_empty else len(self._rows))

    async def _flush_buffered(self, limit: int | None) -> bool:
        """Write batches until the buffer is empty, or until `limit` rows have been taken."""
        while self._inflight or (self._rows and (limit is None or limit > 0)):
            if not self._inflight:
                count = min(
                    len(self._rows), self.batch_rows, len(self._rows) if limit is None else limit
                )
                if limit is not None:
                    limit -= count
                self._inflight = [self._rows.popleft() for _ in range(count)]
                self._inflight_bound = [self._bound.popleft() for _ in range(count)]
                self._inflight_counts = await self.count(self._inflight)
                for index in keep_uncounted(self._inflight, self._inflight_counts):
                    self._inflight_bound[index] = self.bulk.bind(self._inflight[index])
            try:
                await self._write(self._inflight, self._inflight_bound, self._inflight_counts)
            except Exception as exc:  # DB down or locked: keep rows, report, retry later
                self._failed(exc, len(self._inflight))
                return False
            self._forget(self._inflight)
            self.rows_written += len(self._inflight)
            self.flushes += 1
            self._inflight, self._inflight_bound, self._inflight_counts = [], [], []
        self.last_error = None
        return True

    def _failed(self, exc: Exception, rows: int) -> None:
        self.failed_flushes += 1
        self.last_error = f"{type(exc).__name__}: {exc}"[:500]
        log.warning("prediction write of %d rows failed (to be retried): %s", rows, exc)

    @property
    def bulk(self) -> BulkInsert:
        """INSERT statements for the predictions table on this engine's database."""
        if self._bulk is None:
            self._bulk = BulkInsert(Prediction.__table__, self.engine.dialect)  # type: ignore[arg-type]
        return self._bulk

    @property
    def counts_bulk(self) -> BulkInsert:
        """INSERT statements for the window_counts table."""
        if self._counts_bulk is None:
            self._counts_bulk = BulkInsert(WindowCount.__table__, self.engine.dialect)  # type: ignore[arg-type]
        return self._counts_bulk

    async def profile_of(self, model_name: str, version: int) -> Mapping[str, Any] | None:
        """The reference profile a version's rows are counted into (None: not counted)."""
        if self.profiles is None:
            return None
        return (await self.profiles.get_many([(model_name, version)])).get((model_name, version))

    async def count(self, rows: list[Row]) -> list[Row]:
        """The window counts rows of `rows` (none without profiles). Counting never costs a
        row: if it fails, the rows are written without counts (the worker reads them raw)."""
        if self.profiles is None or not rows:
            return []
        try:
            profiles = await self.profiles.get_many(
                {(r["model_name"], r["model_version"]) for r in rows}
            )
            if not profiles:
                return []
            return await asyncio.to_thread(counts_rows, rows, profiles, uuid7())
        except Exception:
            log.exception("counting %d prediction rows failed; written without counts", len(rows))
            return []

    async def _write(
        self, rows: list[Row], bound: list[Bound] | None = None, counts: list[Row] | None = None
    ) -> None:
        """Insert `rows` (given `bound`, their `bulk.bind` values, nothing is bound here) and
        their window `counts` rows, in one transaction: a binary COPY on PostgreSQL (more rows/s
        than `unnest` INSERTs at flush sizes of 50 to 2,000 rows, docs/SCALING.md "Window
        counts"; a row already stored sends the flush through the skipping path, so a retry
        stores nothing twice), multi-row INSERTs on SQLite."""
        also = self.counts_bulk.statements(counts) if counts else []
        if bound is None:
            bound = [self.bulk.bind(row) for row in rows]
        if self.bulk.postgres:
            await self._copy(CopyRows(self.bulk.table.name, self.bulk.column_names, bound), also)
            return
        await self._execute([*self.bulk.insert_bound(bound), *also])

    async def _execute(self, statements: Statements) -> None:
        if self._sqlite is not None:
            await self._sqlite.execute(statements)
            return
        async with self.engine.begin() as conn:
            for sql, params in statements:
                await conn.exec_driver_sql(sql, params)

    async def write_now(
        self, write: Statements | CopyRows, rows: int, counts: list[Row] | None = None
    ) -> None:
        """Store a batch block of `rows` rows past the buffer, with their window `counts` rows,
        in one transaction: prepared INSERTs (from `bulk`), or COPY records (`bulk.copy_columns`,
        PostgreSQL: a retried block storing nothing twice, driftscope.db.copy). Counted as
        written rows; on failure nothing is stored and the error is raised for the caller to
        retry (with the same `counts`: their ids make a retry that committed after all add
        nothing)."""
        also = self.counts_bulk.statements(counts) if counts else []
        if isinstance(write, CopyRows):
            await self._past_buffer(lambda: self._copy(write, also), rows)
        else:
            await self._past_buffer(lambda: self._execute([*write, *also]), rows)

    async def _copy(self, block: CopyRows, then: Statements) -> None:
        async with self.engine.connect() as conn:
            await copy_rows(conn, block, then)

    async def _past_buffer(self, write: Callable[[], Awaitable[None]], rows: int) -> None:
        # Taken per attempt, between flushes: SQLite has one writer at a time, and waiting on
        # the lock beats the busy handler's polling.
        async with self._flush_lock:
            try:
                await write()
            except Exception as exc:
                self._failed(exc, rows)
                raise
        self.rows_written += rows
        self.flushes += 1

    def _forget(self, rows: list[Row]) -> None:
        for row in rows:
            self.pending_by_id.pop(row["id"], None)
            if row.get("transaction_id"):
                self.pending_by_transaction.pop((row["model_name"], row["transaction_id"]), None)

    async def stop(self, timeout_s: float = 10.0) -> None:
        """Stop accepting rows, flush with retries until `timeout_s`, spill what is left."""
        self._stopping = True
        self._wakeup.set()
        # Bounded as a whole: a write that hangs (connect timeout, SQLite busy wait) must not eat
        # the shutdown grace period before SIGKILL. Rows not stored by then are spilled; if the
        # write still in flight commits them after all, the replay skips them (ON CONFLICT DO
        # NOTHING). That write is left to end on its own, not cancelled: cancelling an aiosqlite
        # call that waits on a lock, then cancelling again at loop shutdown, leaves SQLAlchemy's
        # connection close awaiting a driver thread that has exited, and the process hangs.
        drain = asyncio.create_task(self._drain(time.monotonic() + timeout_s))
        await asyncio.wait({drain}, timeout=timeout_s)
        left = [*self._inflight, *self._rows]
        if left:
            path = self._spill(left, self._inflight_counts)
            log.error(
                "database unreachable at shutdown: %d prediction rows saved to %s", len(left), path
            )
        if self._sqlite is not None:
            self._sqlite.close()

    async def _drain(self, deadline: float) -> None:
        if self._task is not None:
            # `wait`, not `gather`: cancelling the drain must not cancel a write in flight too
            await asyncio.wait({self._task})
        while not await self.flush() and time.monotonic() < deadline:  # noqa: ASYNC110 - backoff
            await asyncio.sleep(0.2)

    def _spill(self, rows: list[Row], counts: list[Row]) -> Path:
        """Rows to JSON lines; the counts already made of some of them go along (a line
        `{"window_counts": …}`, its rows marked counted), so a replay writes those same counts
        rows (same ids: nothing counted twice if the write in flight committed after all)."""
        self.spill_dir.mkdir(parents=True, exist_ok=True)
        path = self.spill_dir / f"predictions-{time.time_ns()}.jsonl"
        counted = {row["id"] for row in self._inflight} if counts else set()
        with path.open("wb") as fh:
            for count in counts:
                fh.write(orjson.dumps({WINDOW_COUNTS: count}) + b"\n")
            for row in rows:
                fh.write(
                    orjson.dumps({**row, COUNTED: True} if row["id"] in counted else row) + b"\n"
                )
        self._rows.clear()
        self._bound.clear()
        self._inflight, self._inflight_bound, self._inflight_counts = [], [], []
        return path

    async def replay_spilled(self) -> int:
        """Insert rows spilled by an earlier shutdown (duplicates are skipped), then delete files."""
        replayed = 0
        for path in sorted(self.spill_dir.glob("predictions-*.jsonl")):
            lines = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
            counts = [
                _counts_from_json(line[WINDOW_COUNTS]) for line in lines if WINDOW_COUNTS in line
            ]
            rows = [_row_from_json(line) for line in lines if WINDOW_COUNTS not in line]
            counts += await self.count([row for row in rows if not row.pop(COUNTED, False)])
            keep_uncounted(rows, counts)
            await self._write(rows, None, counts)
            path.unlink(missing_ok=True)  # another replica sharing the dir got there first
            replayed += len(rows)
        if replayed:
            log.warning("replayed %d spilled prediction rows", replayed)
        return replayed


WINDOW_COUNTS = "window_counts"  # a spill line holding a counts row
COUNTED = "_counted"  # a spilled row whose counts were made before the spill


def keep_uncounted(rows: list[Row], counts: list[Row]) -> list[int]:
    """Mark kept the unkept rows of versions no `counts` row covers (no reference profile, or
    counting failed): their raw rows are their only record. Returns the indices changed."""
    counted = {(c["model_name"], c["model_version"]) for c in counts}
    changed = [
        index
        for index, row in enumerate(rows)
        if row.get("kept") is False and (row["model_name"], row["model_version"]) not in counted
    ]
    for index in changed:
        rows[index]["kept"] = True
    return changed


def spilled_rows(spill_dir: Path) -> int:
    """Prediction rows waiting in the spill files of `spill_dir` (counts lines not counted)."""
    lines = [line for path in spill_dir.glob("*.jsonl") for line in path.read_bytes().splitlines()]
    return sum(not line.startswith(b'{"%s"' % WINDOW_COUNTS.encode()) for line in lines)


def _row_from_json(row: Row) -> Row:
    row["id"] = uuid.UUID(row["id"])
    row["ts"] = datetime.fromisoformat(row["ts"])
    return row


def _counts_from_json(row: Row) -> Row:
    row["id"] = uuid.UUID(row["id"])
    row["bucket"] = datetime.fromisoformat(row["bucket"])
    return row


def make_writer(settings: Settings, engine: AsyncEngine) -> PredictionWriter:
    """The deployment's writer (settings: buffer, batch, flush interval, spill dir, counts)."""
    return PredictionWriter(
        engine,
        capacity=settings.writer_queue_size,
        batch_rows=settings.writer_batch_rows,
        flush_interval_s=settings.writer_flush_interval_ms / 1000,
        spill_dir=settings.data_dir / "spill",
        profiles=Profiles(engine) if settings.window_counts else None,
        sample_rate=settings.log_sample_rate,
    )

"""The worker process: leader lock, then APScheduler running the jobs registered in JOBS."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from driftscope.db import create_engine, make_sessionmaker, upgrade
from driftscope.settings import Settings
from driftscope_worker.compaction import compact_counts
from driftscope_worker.context import WorkerContext
from driftscope_worker.lock import LeaderLock
from driftscope_worker.log_sample import prune_unkept
from driftscope_worker.monitor import drift_and_performance, label_join
from driftscope_worker.notify import WebhookNotifier
from driftscope_worker.partitions import partitions_ahead
from driftscope_worker.retention import retention
from driftscope_worker.retrain import auto_retrain

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    run: Callable[[WorkerContext], Awaitable[Any]]
    every_s: Callable[[Settings], float]


# Every scheduled job, by name: the one place to add or change a job.
JOBS: dict[str, Job] = {
    "drift_and_performance": Job(drift_and_performance, lambda s: s.monitor_interval_s),
    "label_join": Job(label_join, lambda s: max(60.0, s.monitor_interval_s)),
    "retention": Job(retention, lambda s: 3600.0),
    # A closed 10 s bucket's counts rows (one per backend flush) rolled into one.
    "compact_counts": Job(compact_counts, lambda s: s.monitor_interval_s),
    # Off unless DRIFTSCOPE_LOG_SAMPLE_RATE < 1: unkept raw rows past the hold, unlabelled, go.
    "log_sample": Job(prune_unkept, lambda s: 600.0),
    # PostgreSQL: day partitions of the prediction log for today and the days ahead.
    "partitions": Job(partitions_ahead, lambda s: 3600.0),
    # Off unless DRIFTSCOPE_AUTO_RETRAIN_ENABLED; training runs in a thread, one at a time.
    "auto_retrain": Job(auto_retrain, lambda s: s.auto_retrain_interval_s),
}


def make_context(settings: Settings) -> WorkerContext:
    engine = create_engine(settings.resolved_database_url)
    notifier = WebhookNotifier(
        settings.alert_webhook_url, timeout_s=settings.alert_webhook_timeout_s
    )
    return WorkerContext(settings, engine, make_sessionmaker(engine), notifier)


async def _guarded(name: str, ctx: WorkerContext) -> None:
    try:
        result = await JOBS[name].run(ctx)
        log.debug("job %s done: %s", name, result)
    except Exception:  # a failing run must not kill the scheduler; the next run retries
        log.exception("job %s failed", name)


def build_scheduler(ctx: WorkerContext) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    for name, job in JOBS.items():
        scheduler.add_job(
            _guarded,
            IntervalTrigger(seconds=job.every_s(ctx.settings)),
            args=[name, ctx],
            id=name,
            name=name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=30,
        )
    return scheduler


async def run_once(ctx: WorkerContext, names: list[str] | None = None) -> None:
    for name in names or list(JOBS):
        await _guarded(name, ctx)


async def _acquire_unless_stopped(lock: LeaderLock, stop: asyncio.Event) -> bool:
    """Wait to become the active worker; False if asked to stop first (a standby must obey
    SIGTERM too, not only once it is leader)."""
    acquiring = asyncio.create_task(lock.acquire())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({acquiring, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not acquiring.done():
        acquiring.cancel()
        await asyncio.gather(acquiring, return_exceptions=True)
        return False
    acquiring.result()  # re-raise a failure to reach the database
    return True


async def run_worker(settings: Settings, *, once: bool = False) -> None:
    ctx = make_context(settings)
    await upgrade(ctx.engine)
    # A standby polls the lock often enough to take over within a fraction of one interval.
    retry_s = min(2.0, settings.monitor_interval_s / 4)
    lock = LeaderLock(ctx.engine, settings.data_dir / "worker.lock", retry_s=retry_s)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        if not await _acquire_unless_stopped(lock, stop):
            log.info("stopped while standing by")
            return
        log.info("worker active: jobs %s", ", ".join(JOBS))
        if once:
            await run_once(ctx)
            return
        await run_once(ctx, ["drift_and_performance"])  # report right away, then on schedule
        scheduler = build_scheduler(ctx)
        scheduler.start()
        await stop.wait()
        scheduler.shutdown(wait=False)
    finally:
        await lock.release()
        await ctx.engine.dispose()

"""Waiting in tests for a condition, not for a fixed time: CI may share 2 busy cores.

A fixed sleep is either too short on a loaded machine (the test fails) or too long on a quiet
one (the suite crawls). `wait_until` polls a condition often and gives up only after a generous
deadline, failing with what it waited for; on a quiet machine it returns as soon as it holds.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable

__all__ = ["DEADLINE_S", "wait_until", "wait_until_sync"]

# Far beyond what any condition takes on a quiet machine: only a real failure waits this long.
DEADLINE_S = 30.0
Detail = Callable[[], object]


def _timed_out(what: str, timeout_s: float, detail: Detail | None) -> AssertionError:
    message = f"timed out after {timeout_s:g} s waiting for {what}"
    if detail is not None:
        message += f"\n{detail()}"
    return AssertionError(message)


async def wait_until(
    predicate: Callable[[], object],
    *,
    what: str,
    timeout_s: float = DEADLINE_S,
    interval_s: float = 0.02,
    detail: Detail | None = None,
) -> float:
    """Seconds until `predicate()` (a plain or async callable) is truthy, checked every
    `interval_s`; raises AssertionError naming `what` (and `detail()`, e.g. a log tail)
    after `timeout_s`."""
    started = time.monotonic()
    while True:
        held = predicate()
        if inspect.isawaitable(held):
            held = await held
        if held:
            return time.monotonic() - started
        if time.monotonic() - started >= timeout_s:
            raise _timed_out(what, timeout_s, detail)
        await asyncio.sleep(interval_s)


def wait_until_sync(
    predicate: Callable[[], object],
    *,
    what: str,
    timeout_s: float = DEADLINE_S,
    interval_s: float = 0.02,
    detail: Detail | None = None,
) -> float:
    """`wait_until` for code without an event loop (threads, child processes, a browser)."""
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started >= timeout_s:
            raise _timed_out(what, timeout_s, detail)
        time.sleep(interval_s)
    return time.monotonic() - started

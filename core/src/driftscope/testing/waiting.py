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
from typing import NotRequired, TypedDict, Unpack

__all__ = ["DEADLINE_S", "wait_until", "wait_until_sync"]

# Far beyond what any condition takes on a quiet machine: only a real failure waits this long.
DEADLINE_S = 30.0
Detail = Callable[[], object]


class DeadlineOptions(TypedDict):
    what: str
    timeout_s: NotRequired[float]
    detail: NotRequired[Detail | None]


class _Deadline:
    """How long to poll and how to fail: shared by the async and the blocking wait."""

    def __init__(
        self, what: str, timeout_s: float = DEADLINE_S, detail: Detail | None = None
    ) -> None:
        self.what, self.timeout_s, self.detail = what, timeout_s, detail
        self.started = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def check(self) -> None:
        """Raise AssertionError naming what was awaited (and `detail()`) once it is past."""
        if self.elapsed() < self.timeout_s:
            return
        message = f"timed out after {self.timeout_s:g} s waiting for {self.what}"
        if self.detail is not None:
            message += f"\n{self.detail()}"
        raise AssertionError(message)


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
    deadline = _Deadline(what, timeout_s, detail)
    while True:
        held = predicate()
        if inspect.isawaitable(held):
            held = await held
        if held:
            return deadline.elapsed()
        deadline.check()
        await asyncio.sleep(interval_s)


def wait_until_sync(
    predicate: Callable[[], object],
    *,
    interval_s: float = 0.02,
    **deadline: Unpack[DeadlineOptions],
) -> float:
    """`wait_until` for code without an event loop (threads, child processes, a browser);
    `deadline`: its `what`, `timeout_s` and `detail`."""
    waiting = _Deadline(**deadline)
    while not predicate():
        waiting.check()
        time.sleep(interval_s)
    return waiting.elapsed()

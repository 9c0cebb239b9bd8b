"""A stuck test says where it waits: the asyncio tasks' stacks, before faulthandler ends the run.

pytest's faulthandler_timeout (pyproject.toml) dumps every *thread's* stack and exits; a test
stuck on an `await` that never returns shows only the event loop's select() there. So, a
little earlier, this plugin prints each running event loop's tasks with their coroutine
stacks (the await each one is parked on), for the test's setup, call and teardown alike.
"""

from __future__ import annotations

import asyncio
import gc
import io
import os
import sys
import threading
from collections.abc import Iterator

import pytest

TASKS_DUMP_AFTER_S = 240.0  # before faulthandler_timeout (300 s)
# The process's stderr as it was before pytest captured it, duplicated as pytest's faulthandler
# plugin does: under fd capture (and in xdist workers) `sys.__stderr__` writes into the
# capture file, which is lost with a worker that faulthandler ends.
_stderr: io.TextIOWrapper | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _stderr
    try:
        fileno = sys.stderr.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):
        if sys.__stderr__ is None:
            return
        fileno = sys.__stderr__.fileno()
    _stderr = open(os.dup(fileno), "w", encoding="utf-8", errors="replace")  # noqa: SIM115


def pytest_unconfigure(config: pytest.Config) -> None:
    global _stderr
    if _stderr is not None:
        _stderr.close()
        _stderr = None


def dump_tasks(nodeid: str) -> None:
    out = _stderr
    if out is None:
        return
    print(
        f"\n=== {nodeid}: still running after {TASKS_DUMP_AFTER_S:.0f} s; asyncio tasks:", file=out
    )
    loops = [o for o in gc.get_objects() if isinstance(o, asyncio.AbstractEventLoop)]
    for loop in loops:
        if loop.is_closed() or not loop.is_running():
            continue
        try:
            tasks = list(asyncio.all_tasks(loop))
        except RuntimeError:  # the set changed while read from this thread: once more
            tasks = list(asyncio.all_tasks(loop))
        for task in tasks:
            print(f"--- {task.get_name()} ({task.get_coro()!r})", file=out)
            task.print_stack(file=out)
    out.flush()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    timer = threading.Timer(TASKS_DUMP_AFTER_S, dump_tasks, args=(item.nodeid,))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()

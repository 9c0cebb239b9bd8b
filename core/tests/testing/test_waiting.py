"""wait_until / wait_until_sync: return once the condition holds, fail naming what was awaited."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from driftscope.testing.waiting import wait_until, wait_until_sync


async def test_returns_once_the_condition_holds() -> None:
    calls = itertools.count(1)

    await wait_until(lambda: next(calls) >= 3, what="the third check", interval_s=0)

    assert next(calls) == 4  # checked exactly until it held


async def test_awaits_an_async_condition() -> None:
    done = asyncio.Event()
    asyncio.get_running_loop().call_soon(done.set)

    async def is_done() -> bool:
        return done.is_set()

    assert await wait_until(is_done, what="the event") >= 0.0


async def test_fails_naming_what_it_waited_for_and_the_detail() -> None:
    with pytest.raises(AssertionError, match=r"after 0.05 s waiting for rows stored\nqueue: 3"):
        await wait_until(
            lambda: False, what="rows stored", timeout_s=0.05, detail=lambda: "queue: 3"
        )


def test_sync_version_polls_then_fails_the_same_way() -> None:
    calls = itertools.count(1)
    wait_until_sync(lambda: next(calls) >= 2, what="the second check", interval_s=0)
    assert next(calls) == 3

    with pytest.raises(AssertionError, match=r"waiting for a server that never starts$"):
        wait_until_sync(lambda: False, what="a server that never starts", timeout_s=0.05)

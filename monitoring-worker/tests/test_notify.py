"""WebhookNotifier against a local HTTP server: retries on 5xx, gives up quietly, times out."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from driftscope.testing.waiting import DEADLINE_S, wait_until
from driftscope_worker.notify import WebhookNotifier

ALERT = {
    "change": "opened",
    "id": 7,
    "kind": "feature_drift",
    "feature": "amount",
    "severity": "critical",
    "status": "open",
    "message": "amount drifted: PSI 0.400",
}


class Hook:
    """A tiny HTTP/1.1 server; `respond(attempt)` gives the status (or sleeps) per request."""

    def __init__(self, respond: Callable[[int], Any]) -> None:
        self.respond = respond
        self.bodies: list[dict[str, Any]] = []
        self.answered = 0  # requests whose handler has finished (answer sent or client gone)
        self.url = ""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        )
        self.bodies.append(json.loads(await reader.readexactly(length)))
        status = self.respond(len(self.bodies))
        if asyncio.iscoroutine(status):
            status = await status
        with contextlib.suppress(ConnectionError):  # a client that timed out has gone
            writer.write(
                f"HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()
            )
            await writer.drain()
        writer.close()
        self.answered += 1

    @property
    def attempts(self) -> int:
        return len(self.bodies)


@asynccontextmanager
async def hook_server(respond: Callable[[int], Any]) -> AsyncIterator[Hook]:
    hook = Hook(respond)
    server = await asyncio.start_server(hook.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    hook.url = f"http://127.0.0.1:{port}/hook"
    try:
        yield hook
    finally:
        server.close()
        await server.wait_closed()


def notifier(url: str, **kwargs: Any) -> WebhookNotifier:
    # A generous timeout: a local answer can take seconds on a busy machine.
    return WebhookNotifier(url, **{"timeout_s": 30.0, "backoff_s": 0.01, **kwargs})


async def test_retries_until_the_server_recovers() -> None:
    async with hook_server(lambda attempt: 500 if attempt <= 2 else 200) as hook:
        webhook = notifier(hook.url)
        assert await webhook.send(ALERT) is True
    assert hook.attempts == 3
    assert (webhook.sent, webhook.failed) == (1, 0)
    body = hook.bodies[-1]
    assert body["alert"] == ALERT
    assert "critical alert opened: feature_drift on amount" in body["text"]


async def test_a_server_that_always_fails_is_not_fatal() -> None:
    async with hook_server(lambda _attempt: 503) as hook:
        webhook = notifier(hook.url, retries=3)
        assert await webhook.send(ALERT) is False
    assert hook.attempts == 3
    assert (webhook.sent, webhook.failed) == (0, 1)


async def test_client_errors_are_not_retried() -> None:
    async with hook_server(lambda _attempt: 404) as hook:
        webhook = notifier(hook.url)
        assert await webhook.send(ALERT) is False
    assert hook.attempts == 1 and webhook.failed == 1


async def test_rate_limit_is_retried() -> None:
    async with hook_server(lambda attempt: 429 if attempt == 1 else 204) as hook:
        assert await notifier(hook.url).send(ALERT) is True
    assert hook.attempts == 2


async def test_a_slow_server_times_out_and_is_retried() -> None:
    answer = asyncio.Event()  # the server answers nothing until the client has given up

    async def slow(_attempt: int) -> int:
        await answer.wait()
        return 200

    async with hook_server(slow) as hook:
        webhook = notifier(hook.url, timeout_s=0.1, retries=2)
        try:
            # Returns only if each attempt gave up after its own timeout: no answer ever came.
            assert await asyncio.wait_for(webhook.send(ALERT), DEADLINE_S) is False
        finally:
            answer.set()
        await wait_until(lambda: hook.answered == hook.attempts, what="the held requests to end")
    assert hook.attempts == 2
    assert webhook.failed == 1


async def test_unreachable_url_fails_quietly() -> None:
    async with hook_server(lambda _attempt: 200) as hook:
        url = hook.url  # the port is closed once the server stops
    webhook = notifier(url, retries=2)
    assert await webhook.send(ALERT) is False
    assert webhook.failed == 1


async def test_resolved_message_and_no_url() -> None:
    resolved = {**ALERT, "change": "resolved", "feature": None, "kind": "prediction_drift"}
    text = WebhookNotifier.message(resolved)["text"]
    assert text.startswith(":white_check_mark:") and "prediction_drift." in text
    webhook = WebhookNotifier(None)
    assert await webhook.send(ALERT) is False
    assert (webhook.sent, webhook.failed) == (0, 0)

"""LiveHub: fan-out without waiting, slow clients dropped, bounded resume window."""

from __future__ import annotations

import asyncio

from driftscope.testing.waiting import DEADLINE_S, wait_until
from driftscope_backend.live.hub import CLIENT_QUEUE, REPLAY_EVENTS, Client, LiveHub


class _Socket:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self.closed: int | None = None

    async def send_text(self, text: str) -> None:
        self.sent.append(text)

    async def close(self, code: int, reason: str = "") -> None:
        self.closed = code


def _client() -> Client:
    return Client(_Socket())  # type: ignore[arg-type]


async def test_slow_client_is_dropped_and_others_keep_receiving() -> None:
    hub = LiveHub()
    slow, fast = _client(), _client()
    hub.clients.update({slow, fast})
    for i in range(CLIENT_QUEUE + 10):
        hub.publish({"type": "stats", "data": {"i": i}})
        if not fast.queue.empty():
            fast.queue.get_nowait()  # the fast client keeps up
    assert slow.dropped and slow not in hub.clients
    assert fast in hub.clients and not fast.dropped
    assert hub.dropped_clients == 1
    # The dropped client's sender is woken with a close marker (else it would wait forever).
    await asyncio.wait_for(hub.serve(slow, []), timeout=DEADLINE_S)
    assert slow.websocket.closed == 1013  # type: ignore[attr-defined]


def test_resume_returns_missed_events_or_none_when_too_old() -> None:
    hub = LiveHub()
    for event_id in range(1, REPLAY_EVENTS + 51):
        hub.publish({"type": "drift", "id": event_id, "data": {}})
    assert hub.last_event_id == REPLAY_EVENTS + 50
    missed = hub.missed_since(REPLAY_EVENTS + 40)
    assert missed is not None and [m["id"] for m in missed] == list(
        range(REPLAY_EVENTS + 41, REPLAY_EVENTS + 51)
    )
    assert hub.missed_since(hub.last_event_id) == []
    assert hub.missed_since(10) is None  # older than what is held: the client gets a snapshot


async def test_serve_sends_first_messages_then_published_ones() -> None:
    hub = LiveHub()
    client = _client()
    task = asyncio.create_task(hub.serve(client, ['{"type":"snapshot"}']))
    await asyncio.sleep(0)
    hub.publish({"type": "alert", "id": 5, "data": {"change": "opened"}})
    sent = client.websocket.sent  # type: ignore[attr-defined]
    await wait_until(lambda: len(sent) >= 2, what="the snapshot and the alert sent")
    task.cancel()
    assert sent[0] == '{"type":"snapshot"}'
    assert '"type":"alert"' in sent[1] and '"id":5' in sent[1]

"""The content stream beside the fraud stream: its own endpoint, rate and scenario; its labels."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import orjson

from driftscope.testing.waiting import wait_until
from driftscope.text.traffic import ContentTraffic, Message
from driftscope_simulator.messages import CONTENT_PATH
from driftscope_simulator.runner import Desired

from .conftest import Running

FRAUD_PATH = "/api/v1/predict"
TRAFFIC = ContentTraffic(
    clean=(Message("lunch tomorrow?", 0), Message("cheap meds online", 1)),
    mixed_in={
        "campaign": (Message("URGENT: claim your prize", 1),),
        "hard_ham": (Message("Weekly deals from our store", 0),),
        "sms": (Message("u coming 2nite?", 0),),
    },
)
LABEL_OF = {m.text: m.label for pool in (TRAFFIC.clean, *TRAFFIC.mixed_in.values()) for m in pool}


class Backend:
    """Records predictions per endpoint and labels; `content_served` False answers 404."""

    def __init__(self, content_served: bool = True) -> None:
        self.content_served = content_served
        self.predictions: dict[str, list[tuple[float, dict[str, Any], str]]] = {}
        self.labels: dict[str, int] = {}

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handle), base_url="http://stub")

    def handle(self, request: httpx.Request) -> httpx.Response:
        body = orjson.loads(request.content) if request.content else {}
        if request.url.path == "/api/v1/feedback":
            self.labels.update({b["prediction_id"]: b["label"] for b in body["labels"]})
            return httpx.Response(200, json={})
        if request.url.path == CONTENT_PATH and not self.content_served:
            return httpx.Response(404, json={"error": {"code": "not_found"}})
        prediction_id = str(uuid.uuid4())
        calls = self.predictions.setdefault(request.url.path, [])
        calls.append((time.monotonic(), body, prediction_id))
        return httpx.Response(200, json={"prediction_id": prediction_id})

    def count(self, path: str) -> int:
        return len(self.predictions.get(path, []))

    def texts(self, path: str = CONTENT_PATH) -> list[str]:
        return [body["text"] for _, body, _ in self.predictions.get(path, [])]


def start(run_simulator: Callable[..., Running], backend: Backend, **initial: Any) -> Running:
    return run_simulator(
        client=backend.client(),
        seed=41,
        control=False,
        initial=initial,
        label_delay_s=(0.0, 0.1),
        label_coverage=1.0,
        content_traffic=lambda: TRAFFIC,
    )


async def test_both_streams_run_at_their_own_rates_and_labels_follow(
    run_simulator: Callable[..., Running],
) -> None:
    backend = Backend()
    running = start(
        run_simulator,
        backend,
        rate=20,
        scenario="none",
        content={"running": True, "rate": 80, "scenario": "none"},
    )
    sim = running.sim
    await wait_until(lambda: backend.count(CONTENT_PATH) >= 400, what="400 messages")
    content, fraud = backend.count(CONTENT_PATH), backend.count(FRAUD_PATH)
    counters = await running.stop()
    # Poisson arrivals at 80 and 20 per second: about four messages per transaction.
    assert 2.5 < content / fraud < 6.5, (content, fraud)
    assert counters.ok == backend.count(CONTENT_PATH) + backend.count(FRAUD_PATH)
    assert set(backend.texts()) <= {m.text for m in TRAFFIC.clean}
    # Every prediction got its true label (coverage 1, flushed at stop), spam as 1.
    for _, body, prediction_id in backend.predictions[CONTENT_PATH]:
        assert backend.labels[prediction_id] == LABEL_OF[body["text"]]
    assert sim.content.status()["sent"] == sim.content.counts.sent == content


async def test_a_content_scenario_changes_only_the_content_stream(
    run_simulator: Callable[..., Running],
) -> None:
    backend = Backend()
    running = start(
        run_simulator, backend, rate=20, scenario="none", content={"rate": 100, "intensity": 2.0}
    )
    sim = running.sim
    await wait_until(lambda: backend.count(CONTENT_PATH) >= 50, what="clean messages")
    # What the control loop does with the backend's desired state: the campaign arrives.
    sim.apply({"rate": 20, "scenario": "none", "content": {"rate": 100, "scenario": "campaign",
                                                            "intensity": 2.0}})  # fmt: skip
    switched = backend.count(CONTENT_PATH)
    await wait_until(lambda: backend.count(CONTENT_PATH) >= switched + 50, what="campaign")
    await running.stop()
    texts = backend.texts()
    campaign = {m.text for m in TRAFFIC.mixed_in["campaign"]}
    assert not campaign & set(texts[:switched])
    # Intensity 2: every message after the switch (but those already in flight) is campaign.
    assert sum(t in campaign for t in texts[switched + 5 :]) == len(texts) - switched - 5
    assert (sim.fraud.source.phase, sim.content.source.phase) == ("none", "campaign")
    assert sim.status()["content"]["scenario"] == "campaign"


async def test_an_unserved_content_model_pauses_its_stream_not_the_fraud_one(
    run_simulator: Callable[..., Running],
) -> None:
    backend = Backend(content_served=False)
    running = start(
        run_simulator, backend, rate=50, scenario="none", content={"running": True, "rate": 50}
    )
    sim = running.sim
    await wait_until(lambda: not sim.content.served, what="the content stream's 404")
    await wait_until(lambda: backend.count(FRAUD_PATH) >= 100, what="100 transactions")
    await running.stop()
    # The 404s came in one burst (the requests in flight together), then a 15 s pause.
    assert sim.content.counts.failed == sim.content.counts.sent < 10
    assert sim.content.status()["served"] is False
    assert sim.fraud.counts.failed == 0


def test_desired_state_from_the_api_fills_what_is_left_out() -> None:
    desired = Desired.of({"rate": 7, "content": {"scenario": "sms", "unknown": 1}})
    assert (desired.rate, desired.scenario) == (7, "auto")
    assert (desired.content.scenario, desired.content.rate, desired.content.running) == (
        "sms",
        5.0,
        True,
    )
    assert Desired.of({}).content.scenario == "none"

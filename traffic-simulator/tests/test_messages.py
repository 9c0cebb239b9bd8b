"""The content stream's messages: clean traffic, and the share a scenario mixes in."""

from __future__ import annotations

from collections import Counter

import pytest

from driftscope.text.traffic import CONTENT_SCENARIOS, ContentTraffic, Message, mixed_share
from driftscope_simulator.messages import CONTENT_PATH, MessageStream

TRAFFIC = ContentTraffic(
    clean=(Message("meeting at noon", 0), Message("cheap pills now", 1)),
    mixed_in={
        "campaign": (Message("WIN $$$ click here", 1),),
        "hard_ham": (Message("our spring newsletter: 20% off", 0),),
        "sms": (Message("ok lor c u", 0), Message("FREE ringtone txt 8007", 1)),
    },
)
ORIGIN = {m.text: group for group in CONTENT_SCENARIOS for m in TRAFFIC.pool(group)}


async def stream(scenario: str, intensity: float = 1.0, seed: int = 3) -> MessageStream:
    messages = MessageStream(lambda: TRAFFIC, seed)
    assert await messages.prepare()
    messages.configure(scenario, intensity)
    return messages


def origins(messages: MessageStream, n: int) -> Counter[str]:
    drawn = [messages.next(0.0) for _ in range(n)]
    for body, label in drawn:
        assert set(body) == {"text"}
        assert label == next(
            m.label for m in TRAFFIC.pool(ORIGIN[body["text"]]) if m.text == body["text"]
        )
    return Counter(ORIGIN[body["text"]] for body, _ in drawn)


def test_every_scenario_has_a_pool_and_a_share() -> None:
    assert set(TRAFFIC.mixed_in) == set(CONTENT_SCENARIOS) - {"none"}
    assert [mixed_share("campaign", k) for k in (0, 0.5, 1, 2, 3)] == [0, 0.25, 0.5, 1, 1]
    assert mixed_share("none", 3) == 0


async def test_clean_traffic_replays_only_the_clean_pool() -> None:
    messages = await stream("none")
    assert messages.path == CONTENT_PATH
    assert origins(messages, 200) == {"none": 200}


@pytest.mark.parametrize("scenario", ["campaign", "hard_ham", "sms"])
async def test_a_scenario_mixes_in_its_share(scenario: str) -> None:
    # Intensity 1 → half of the messages; 400 draws: 200 ± 10 (binomial sd), 4 sd of slack.
    counts = origins(await stream(scenario), 400)
    assert set(counts) == {"none", scenario}
    assert counts[scenario] == pytest.approx(200, abs=40)
    assert origins(await stream(scenario, intensity=2.0), 100) == {scenario: 100}
    assert (await stream(scenario)).phase == scenario


async def test_unreadable_corpora_turn_the_stream_off() -> None:
    def missing() -> ContentTraffic:
        raise OSError("no cache and no network")

    assert await MessageStream(missing, 1).prepare() is False

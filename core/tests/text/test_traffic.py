"""Content traffic pools: held-out and later messages only, never a training message."""

from __future__ import annotations

from driftscope.settings import Settings
from driftscope.text.content import content_data
from driftscope.text.traffic import CONTENT_SCENARIOS, traffic_of

SHARE = 0.3


def test_pools_hold_no_training_or_validation_message(settings: Settings) -> None:
    data = content_data(settings.cache_dir, share=SHARE)
    traffic = traffic_of(data)
    assert set(traffic.mixed_in) == set(CONTENT_SCENARIOS) - {"none"}
    seen = {m.text for m in (*data.train, *data.valid)}
    sent = {m.text for scenario in CONTENT_SCENARIOS for m in traffic.pool(scenario)}
    # Identical texts can sit in two groups (a resent mail): only the test split's may match.
    assert not (sent & seen) - {m.text for m in data.test}
    assert len(traffic.clean) == len([m for m in data.test if m.text.strip()])
    assert {m.label for m in traffic.clean} == {0, 1}
    assert {m.label for m in traffic.pool("campaign")} == {1}  # 2003 spam only
    assert {m.label for m in traffic.pool("hard_ham")} == {0}
    assert {m.label for m in traffic.pool("sms")} == {0, 1}
    hard_ham = {m.text for m in data.test if m.group == "hard-ham-1"}
    assert {m.text for m in traffic.pool("hard_ham")} <= hard_ham

"""Raw-row sampling: a prediction's share is fixed by its id, the kept share is the rate, flagged
rows are always kept; the rate setting takes only (0, 1]."""

from __future__ import annotations

import math
import uuid

import pytest
from pydantic import ValidationError

from driftscope.ids import uuid7
from driftscope.sampling import keeps_row, sample_share
from driftscope.settings import Settings
from driftscope.variants import SHADOW, shadow_id

N = 20_000


def test_the_share_is_splitmix64_of_the_ids_halves() -> None:
    # splitmix64 seeded with 0: its first output is 0xE220A8397B1DCDAF (the reference test
    # vector), i.e. the finaliser of 0x9E3779B97F4A7C15; the share keeps its top 53 bits.
    prediction_id = uuid.UUID(int=0x9E3779B97F4A7C15)  # high half 0: the XOR is the low half
    assert sample_share(prediction_id) == (0xE220A8397B1DCDAF >> 11) / 2**53
    assert sample_share(prediction_id) == pytest.approx(0.8833108082136426, abs=1e-15)


def test_the_choice_is_the_same_for_the_same_id() -> None:
    prediction_id = uuid7()
    again = uuid.UUID(str(prediction_id))  # as a retry or another replica would see it
    assert sample_share(prediction_id) == sample_share(again)
    assert keeps_row(prediction_id, "production", False, 0.3) == keeps_row(
        again, "production", False, 0.3
    )


def within_binomial_bound(kept: int, n: int, rate: float) -> bool:
    """`kept` of `n` within 5 standard deviations of a Binomial(n, rate) mean."""
    return abs(kept - n * rate) <= 5 * math.sqrt(n * rate * (1 - rate))


@pytest.mark.parametrize("rate", [0.01, 0.05, 0.5])
@pytest.mark.parametrize(
    "ids",
    [
        pytest.param(lambda k: uuid7(), id="uuid7"),
        pytest.param(lambda k: uuid.uuid5(uuid.NAMESPACE_OID, f"t-{k}"), id="transaction-ids"),
        pytest.param(lambda k: uuid.UUID(int=k), id="sequential-client-ids"),
    ],
)
def test_the_kept_share_is_the_rate_for_every_kind_of_id(ids: object, rate: float) -> None:
    made = [ids(k) for k in range(N)]  # type: ignore[operator]
    kept = sum(keeps_row(pid, "production", False, rate) for pid in made)
    assert within_binomial_bound(kept, N, rate), kept


def test_flagged_rows_are_always_kept_and_rate_one_keeps_everything() -> None:
    made = [uuid7() for _ in range(2_000)]
    assert all(keeps_row(pid, "production", True, 0.01) for pid in made)
    assert all(keeps_row(pid, "production", None, 1.0) for pid in made)
    assert not all(keeps_row(pid, "production", None, 0.01) for pid in made)  # unknown ≠ flagged


def test_a_shadow_row_is_chosen_with_its_online_twin() -> None:
    made = [uuid7() for _ in range(2_000)]
    online = [keeps_row(pid, "production", False, 0.2) for pid in made]
    shadow = [keeps_row(shadow_id(pid), SHADOW, False, 0.2) for pid in made]
    assert shadow == online
    assert 0 < sum(online) < len(made)


@pytest.mark.parametrize("value", ["0", "-0.5", "1.5", "nan"])
def test_the_rate_setting_takes_only_a_share(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRIFTSCOPE_LOG_SAMPLE_RATE", value)
    with pytest.raises(ValidationError, match=r"DRIFTSCOPE_LOG_SAMPLE_RATE must be > 0 and ≤ 1"):
        Settings()


def test_the_rate_setting_defaults_to_every_row(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().log_sample_rate == 1.0
    monkeypatch.setenv("DRIFTSCOPE_LOG_SAMPLE_RATE", "0.02")
    monkeypatch.setenv("DRIFTSCOPE_LOG_SAMPLE_HOLD_S", "3600")
    settings = Settings()
    assert (settings.log_sample_rate, settings.log_sample_hold_s) == (0.02, 3600.0)
    monkeypatch.setenv("DRIFTSCOPE_LOG_SAMPLE_HOLD_S", "0")
    with pytest.raises(ValidationError, match="log_sample_hold_s"):
        Settings()

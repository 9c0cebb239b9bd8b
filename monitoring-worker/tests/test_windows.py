"""Closed windows aligned to the schedule; catch-up after downtime, oldest first, capped."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from driftscope_worker.windows import Window, aligned_end, due_windows

NOON = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
STEP = timedelta(seconds=30)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (NOON + timedelta(seconds=47.9), NOON + timedelta(seconds=30)),
        (NOON + timedelta(seconds=30), NOON + timedelta(seconds=30)),  # on a boundary
        (NOON + timedelta(seconds=29.999), NOON),
    ],
)
def test_aligned_end(now: datetime, expected: datetime) -> None:
    end = aligned_end(now, 30.0)
    assert end == expected
    assert end.tzinfo is not None and end.utcoffset() == timedelta(0)


def test_alignment_is_to_multiples_of_the_interval_since_the_epoch() -> None:
    end = aligned_end(NOON + timedelta(minutes=7, seconds=3), 300.0)
    assert end == NOON + timedelta(minutes=5)
    assert end.timestamp() % 300 == 0


def test_first_run_computes_only_the_latest_window() -> None:
    now = NOON + timedelta(seconds=12)
    windows = due_windows(now, None, interval_s=30, window_s=300, catch_up=20)
    assert windows == [Window(NOON - timedelta(seconds=300), NOON)]


def test_rerun_in_the_same_interval_recomputes_the_same_window() -> None:
    now = NOON + timedelta(seconds=12)
    windows = due_windows(now, NOON, interval_s=30, window_s=30, catch_up=20)
    assert windows == [Window(NOON - STEP, NOON)]


def test_catch_up_returns_every_missed_window_oldest_first() -> None:
    last_end = NOON
    now = NOON + 4 * STEP + timedelta(seconds=5)  # down for four boundaries

    windows = due_windows(now, last_end, interval_s=30, window_s=30, catch_up=20)

    assert [w.end for w in windows] == [NOON + k * STEP for k in (1, 2, 3, 4)]
    assert all(w.end - w.start == STEP for w in windows)
    assert all(a.end == b.start for a, b in itertools.pairwise(windows))  # no gap


def test_catch_up_is_capped_to_the_newest_windows() -> None:
    now = NOON + 100 * STEP
    windows = due_windows(now, NOON, interval_s=30, window_s=60, catch_up=5)
    assert [w.end for w in windows] == [NOON + k * STEP for k in range(96, 101)]
    assert windows[0].start == NOON + 94 * STEP  # windows longer than the interval overlap


def test_clock_behind_the_last_window_computes_the_current_one() -> None:
    windows = due_windows(NOON, NOON + 10 * STEP, interval_s=30, window_s=30, catch_up=20)
    assert [w.end for w in windows] == [NOON]

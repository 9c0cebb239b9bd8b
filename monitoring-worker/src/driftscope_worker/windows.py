"""Closed monitoring windows [start, end), aligned to the schedule so re-runs hit the same key."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def aligned_end(now: datetime, interval_s: float) -> datetime:
    """The latest schedule boundary at or before `now` (boundaries are multiples of the interval)."""
    seconds = math.floor(now.timestamp() / interval_s) * interval_s
    return datetime.fromtimestamp(seconds, UTC)


def due_windows(
    now: datetime, last_end: datetime | None, *, interval_s: float, window_s: float, catch_up: int
) -> list[Window]:
    """Windows to compute now, oldest first: every boundary after `last_end` (at most `catch_up`)."""
    end = aligned_end(now, interval_s)
    step = timedelta(seconds=interval_s)
    ends = [end]
    while len(ends) < catch_up and last_end is not None and ends[-1] - step > last_end:
        ends.append(ends[-1] - step)
    return [Window(e - timedelta(seconds=window_s), e) for e in reversed(ends)]

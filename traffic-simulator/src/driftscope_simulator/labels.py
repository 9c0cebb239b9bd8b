"""Late ground truth: each label waits its delay, then goes to /feedback in batches."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field


@dataclass(order=True)
class PendingLabel:
    due: float
    prediction_id: str = field(compare=False)
    label: int = field(compare=False)


class LabelQueue:
    def __init__(self) -> None:
        self._heap: list[PendingLabel] = []

    def __len__(self) -> int:
        return len(self._heap)

    def push(self, due: float, prediction_id: str, label: int) -> None:
        heapq.heappush(self._heap, PendingLabel(due, prediction_id, label))

    def pop_due(self, now: float, limit: int) -> list[PendingLabel]:
        """Labels whose delay has passed (all of them with now=inf), at most `limit`."""
        out: list[PendingLabel] = []
        while self._heap and self._heap[0].due <= now and len(out) < limit:
            out.append(heapq.heappop(self._heap))
        return out

    def requeue(self, labels: list[PendingLabel], due: float) -> None:
        for item in labels:
            self.push(due, item.prediction_id, item.label)

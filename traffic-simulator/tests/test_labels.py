"""LabelQueue: labels come out when due, earliest first, in bounded batches."""

from __future__ import annotations

from driftscope_simulator.labels import LabelQueue


def test_only_due_labels_come_out_earliest_first() -> None:
    queue = LabelQueue()
    for due, pid in [(3.0, "c"), (1.0, "a"), (2.0, "b"), (9.0, "late")]:
        queue.push(due, pid, 1)
    assert [label.prediction_id for label in queue.pop_due(3.0, limit=10)] == ["a", "b", "c"]
    assert queue.pop_due(8.9, limit=10) == []
    assert len(queue) == 1


def test_batches_are_bounded_and_inf_takes_everything() -> None:
    queue = LabelQueue()
    for i in range(5):
        queue.push(100.0 + i, f"p{i}", i % 2)
    assert len(queue.pop_due(float("inf"), limit=2)) == 2
    rest = queue.pop_due(float("inf"), limit=10)
    assert [(label.prediction_id, label.label) for label in rest] == [
        ("p2", 0),
        ("p3", 1),
        ("p4", 0),
    ]


def test_requeued_labels_wait_for_the_retry_time() -> None:
    queue = LabelQueue()
    queue.push(1.0, "a", 1)
    failed = queue.pop_due(1.0, limit=10)
    queue.requeue(failed, due=5.0)
    assert queue.pop_due(4.0, limit=10) == []
    assert [label.prediction_id for label in queue.pop_due(5.0, limit=10)] == ["a"]

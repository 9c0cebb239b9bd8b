"""auto_retrain end to end: a stale alert + labelled traffic → candidate → gate → canary, as events."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from driftscope.db import Alert, Event, Label
from driftscope.registry import list_aliases
from driftscope_worker.retrain import auto_retrain

if TYPE_CHECKING:
    from conftest import Harness


async def labelled_traffic(harness: Harness, n: int, seed: int) -> None:
    frame = harness.transactions(n, seed=seed)
    ids = await harness.log(frame, harness.clock.now)
    async with harness.ctx.sessionmaker() as session, session.begin():
        await session.execute(
            insert(Label),
            [
                {
                    "prediction_id": pid,
                    "model_name": "fraud",
                    "label": int(y),
                    "ts": harness.clock.now,
                }
                for pid, y in zip(ids, frame["is_fraud"], strict=True)
            ],
        )


async def open_alert(harness: Harness, age: timedelta) -> int:
    async with harness.ctx.sessionmaker() as session, session.begin():
        alert = Alert(
            model_name="fraud",
            kind="performance_drop",
            feature=None,
            severity="critical",
            status="open",
            first_seen=harness.clock.now - age,
            last_seen=harness.clock.now,
            message="F1 dropped",
            details={},
        )
        session.add(alert)
        await session.flush()
        return alert.id


async def retrain_events(harness: Harness) -> list[dict[str, Any]]:
    async with harness.ctx.sessionmaker() as session:
        rows = await session.scalars(
            select(Event).where(Event.kind == "retrain").order_by(Event.id)
        )
        return [e.payload for e in rows]


def enable(harness: Harness, **overrides: Any) -> None:
    settings = {
        "auto_retrain_enabled": True,
        "auto_retrain_after_s": 600,
        "auto_retrain_min_labels": 1_000,
        "auto_retrain_canary_percent": 15,
        # A model trained on a few thousand rows is noisier than the session model.
        "gate_min_roc_auc": 0.7,
        "gate_min_f1": 0.05,
        "gate_max_regression": 0.4,
    }
    harness.configure(**{**settings, **overrides})


async def test_stale_alert_with_labels_trains_a_candidate_and_sets_the_canary(
    harness: Harness,
) -> None:
    await labelled_traffic(harness, 4_000, seed=41)
    alert_id = await open_alert(harness, timedelta(hours=1))
    assert await auto_retrain(harness.ctx) is None  # off by default

    enable(harness)
    assert await auto_retrain(harness.ctx) == "canary_set"
    events = await retrain_events(harness)
    assert [e["step"] for e in events] == ["started", "trained", "canary_set"]
    assert all(e["alert_id"] == alert_id for e in events)
    assert events[0]["rows"] == 4_000 and events[0]["positives"] > 20
    assert (events[1]["version"], events[2]["version"], events[2]["percent"]) == (2, 2, 15)
    async with harness.ctx.sessionmaker() as session:
        aliases = {
            a.alias: (a.version, a.traffic_percent) for a in await list_aliases(session, "fraud")
        }
        model_event = await session.scalar(
            select(Event).where(Event.kind == "model").order_by(Event.id.desc())
        )
    assert aliases["production"] == (1, None)
    assert aliases["canary"] == (2, 15.0) and aliases["candidate"] == (2, None)
    assert model_event is not None
    assert (model_event.payload["action"], model_event.payload["actor"]) == (
        "canary",
        "auto_retrain",
    )

    assert await auto_retrain(harness.ctx) is None  # this alert was acted on already
    assert len(await retrain_events(harness)) == 3


async def test_failing_gate_leaves_traffic_alone(harness: Harness) -> None:
    await labelled_traffic(harness, 3_000, seed=43)
    await open_alert(harness, timedelta(hours=2))
    enable(harness, gate_min_roc_auc=0.999)
    assert await auto_retrain(harness.ctx) == "gate_failed"
    events = await retrain_events(harness)
    assert [e["step"] for e in events] == ["started", "trained", "gate_failed"]
    assert any("ROC AUC" in message for message in events[-1]["failing"])
    async with harness.ctx.sessionmaker() as session:
        assert "canary" not in {a.alias for a in await list_aliases(session, "fraud")}


async def test_waits_for_age_and_labels(harness: Harness) -> None:
    enable(harness)
    await open_alert(harness, timedelta(seconds=60))  # younger than auto_retrain_after_s
    await labelled_traffic(harness, 2_000, seed=45)
    assert await auto_retrain(harness.ctx) is None
    harness.clock.advance(timedelta(hours=1))
    harness.configure(auto_retrain_min_labels=5_000)  # now old enough, but too few labels
    assert await auto_retrain(harness.ctx) is None
    assert await retrain_events(harness) == []

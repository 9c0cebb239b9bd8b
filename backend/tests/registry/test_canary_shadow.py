"""Canary, shadow and candidate aliases through the admin API: routing, gate, audit, shadow rows."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select, update

from driftscope.db import Event, ModelVersion, Prediction, utcnow
from driftscope.events import add_event
from driftscope.generator import generate_frame
from driftscope.settings import Settings
from driftscope.testing import TrainedArtifact, register_artifact
from driftscope.testing.waiting import wait_until
from driftscope.variants import SHADOW, labelled_predictions, shadow_id

if TYPE_CHECKING:
    from backend.tests.conftest import Api

ADMIN = {"x-api-key": "k1"}
MODELS = "/api/v1/models"


@pytest.fixture
async def api2(
    registered_settings: Settings,
    trained_model: TrainedArtifact,
    serve: Callable[[Settings], AbstractAsyncContextManager[Api]],
) -> AsyncIterator[Api]:
    """The app with versions 1 (production) and 2 registered, admin key k1, live gate at 40 labels."""
    settings = registered_settings.model_copy(
        update={"admin_api_keys": "k1", "gate_live_min_labels": 40}
    )
    await register_artifact(settings, trained_model, version=2)
    async with serve(settings) as api:
        yield api


def labelled_transactions(n: int, seed: int) -> tuple[list[dict[str, Any]], list[int]]:
    frame = generate_frame(n, seed=seed)
    columns = frame.drop(columns=["is_fraud"]).astype(object)
    records: list[dict[str, Any]] = columns.where(columns.notna(), None).to_dict("records")  # type: ignore[assignment]
    return records, frame["is_fraud"].astype(int).tolist()


async def model_events(api: Api) -> list[dict[str, Any]]:
    async with api.app.state.runtime.sessionmaker() as session:
        events = await session.scalars(
            select(Event).where(Event.kind == "model").order_by(Event.id)
        )
        return [e.payload for e in events]


async def drain_shadow(api: Api) -> None:
    """Wait until the shadow scorer has handed every queued row to the log, then flush it."""
    scorer = api.app.state.runtime.shadow_scorer
    await wait_until(lambda: scorer.depth == 0, what="the shadow scorer to drain its queue")
    await api.flush()


async def test_canary_routes_a_sticky_share_and_promotion_clears_it(api2: Api) -> None:
    client = api2.client
    assert (
        await client.put(f"{MODELS}/canary", json={"version": 2, "percent": 30})
    ).status_code == 401
    set_ = await client.put(f"{MODELS}/canary", json={"version": 2, "percent": 30}, headers=ADMIN)
    assert set_.status_code == 200, set_.text
    assert (set_.json()["canary"], set_.json()["serving"]) == (2, 1)
    listed = (await client.get(MODELS)).json()
    assert {a["alias"]: (a["version"], a["traffic_percent"]) for a in listed["aliases"]} == {
        "production": (1, None),
        "canary": (2, 30.0),
    }
    assert listed["canary"] == {"version": 2, "percent": 30.0}

    records, _ = labelled_transactions(5_000, seed=11)
    results = []
    for start in range(0, 5_000, 1_000):  # 5,000 predictions with distinct transaction ids
        body = [
            {**r, "transaction_id": f"route-{start + i}"}
            for i, r in enumerate(records[start : start + 1_000])
        ]
        results += (await api2.predict(body)).json()
    canary = [r for r in results if r["variant"] == "canary"]
    assert all(r["model_version"] == 2 for r in canary)
    assert sum(r["model_version"] == 1 and r["variant"] == "production" for r in results) == len(
        results
    ) - len(canary)
    assert abs(len(canary) / len(results) - 0.30) <= 0.03
    await api2.flush()
    stored = {p.transaction_id: (p.variant, p.model_version) for p in await api2.predictions()}
    assert all(stored[r["transaction_id"]] == (r["variant"], r["model_version"]) for r in results)

    # Sticky without a transaction_id: the API key is the routing key.
    for key in ("client-a", "client-b", "client-c"):
        seen = {
            (await api2.predict(records[0], headers={"x-api-key": key})).json()["variant"]
            for _ in range(5)
        }
        assert len(seen) == 1

    promoted = await client.post(f"{MODELS}/2/promote", headers=ADMIN)
    assert promoted.status_code == 200, promoted.text
    assert (promoted.json()["cleared"], promoted.json()["canary"]) == (["canary"], None)
    assert api2.app.state.runtime.canary is None
    assert "canary" not in {a["alias"] for a in (await client.get(MODELS)).json()["aliases"]}


async def test_canary_is_gated_forced_with_a_reason_and_audited(api2: Api) -> None:
    client = api2.client
    async with api2.app.state.runtime.sessionmaker() as session:
        worse = await session.scalar(select(ModelVersion).where(ModelVersion.version == 2))
        assert worse is not None
        worse.metrics = {**worse.metrics, "test": {**worse.metrics["test"], "roc_auc": 0.80}}
        await session.commit()
    canary = {"version": 2, "percent": 10}
    refused = await client.put(f"{MODELS}/canary", json=canary, headers=ADMIN)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "gate_failed"
    assert api2.app.state.runtime.canary is None
    no_reason = await client.put(f"{MODELS}/canary", json={**canary, "force": True}, headers=ADMIN)
    assert no_reason.json()["error"]["code"] == "invalid_input"
    forced = await client.put(
        f"{MODELS}/canary", json={**canary, "force": True, "reason": "incident 42"}, headers=ADMIN
    )
    assert forced.status_code == 200, forced.text
    assert api2.app.state.runtime.canary.version == 2
    last = (await model_events(api2))[-1]
    assert (last["action"], last["forced"], last["reason"], last["actor"]) == (
        "canary",
        True,
        "incident 42",
        "api",
    )
    off = await client.delete(f"{MODELS}/canary", headers=ADMIN)
    assert (off.status_code, off.json()["action"], off.json()["canary"]) == (
        200,
        "canary_off",
        None,
    )
    assert api2.app.state.runtime.canary is None


async def test_aliases_reject_production_and_unknown_versions(api2: Api) -> None:
    client = api2.client
    same = await client.put(f"{MODELS}/canary", json={"version": 1, "percent": 5}, headers=ADMIN)
    assert same.status_code == 422 and same.json()["error"]["details"][0]["field"] == "version"
    assert (
        await client.put(f"{MODELS}/shadow", json={"version": 1}, headers=ADMIN)
    ).status_code == 422
    assert (
        await client.put(f"{MODELS}/shadow", json={"version": 9}, headers=ADMIN)
    ).status_code == 404
    over = await client.put(f"{MODELS}/canary", json={"version": 2, "percent": 101}, headers=ADMIN)
    assert over.status_code == 422
    candidate = await client.put(f"{MODELS}/candidate", json={"version": 2}, headers=ADMIN)
    assert candidate.status_code == 200
    aliases = (await client.get(MODELS)).json()["aliases"]
    assert {"alias": "candidate", "version": 2} in [
        {"alias": a["alias"], "version": a["version"]} for a in aliases
    ]


async def test_shadow_scores_off_path_without_changing_responses(api2: Api) -> None:
    records, labels = labelled_transactions(120, seed=5)
    before = [(await api2.predict(r)).json() for r in records[:20]]
    set_ = await api2.client.put(f"{MODELS}/shadow", json={"version": 2}, headers=ADMIN)
    assert (set_.status_code, set_.json()["shadow"]) == (200, 2)
    after = [(await api2.predict(r)).json() for r in records[:20]]
    volatile = ("prediction_id", "latency_us")
    assert [{k: v for k, v in r.items() if k not in volatile} for r in after] == [
        {k: v for k, v in r.items() if k not in volatile} for r in before
    ]
    online = after + (await api2.predict(records[20:])).json()
    await drain_shadow(api2)
    rows = {p.id: p for p in await api2.predictions()}
    shadows = [p for p in rows.values() if p.variant == SHADOW]
    assert len(shadows) == len(online) == 120
    for result in online:
        original = rows[uuid.UUID(result["prediction_id"])]
        twin = rows[shadow_id(original.id)]
        assert (twin.variant, twin.model_version, twin.source) == (SHADOW, 2, original.source)
        assert twin.features == original.features and twin.transaction_id is None
        if original.path == "model":  # a rule-decided row carries the rule's score, not v1's
            assert twin.score == pytest.approx(original.score, abs=1e-6)  # same trained model

    # Labels sent for the online ids reach the shadow rows.
    pairs = [(r["prediction_id"], y) for r, y in zip(online, labels, strict=True)]
    assert (await api2.feedback(pairs)).status_code == 200
    async with api2.app.state.runtime.sessionmaker() as session:
        frame = await labelled_predictions(
            session, "fraud", 2, utcnow().replace(year=2000), variants=(SHADOW,), limit=1_000
        )
    assert len(frame) == 120 and frame["label"].tolist().count(1) == sum(labels)

    off = await api2.client.delete(f"{MODELS}/shadow", headers=ADMIN)
    assert (off.json()["action"], api2.app.state.runtime.shadow) == ("shadow_off", None)


async def test_live_gate_compares_shadow_traffic_with_production(api2: Api) -> None:
    records, labels = labelled_transactions(400, seed=9)
    await api2.client.put(f"{MODELS}/shadow", json={"version": 2}, headers=ADMIN)
    online = (await api2.predict(records)).json()
    await drain_shadow(api2)
    pairs = [(r["prediction_id"], y) for r, y in zip(online, labels, strict=True)]
    assert (await api2.feedback(pairs)).status_code == 200
    gate = (await api2.client.get(f"{MODELS}/2/gate")).json()
    live = {c["name"]: c for c in gate["checks"] if c["name"].startswith("live_")}
    assert set(live) == {"live_f1_vs_production", "live_roc_auc_vs_production"}
    assert gate["passed"] is True

    async with api2.app.state.runtime.sessionmaker() as session:  # make the shadow rank badly
        await session.execute(
            update(Prediction)
            .where(Prediction.variant == SHADOW)
            .values(score=1 - Prediction.score)
        )
        await session.commit()
    refused = await api2.client.post(f"{MODELS}/2/promote", headers=ADMIN)
    assert refused.status_code == 422
    failing = {c["name"] for c in refused.json()["error"]["details"] if not c["passed"]}
    assert "live_roc_auc_vs_production" in failing


async def test_models_lists_recent_retraining_steps(api2: Api) -> None:
    async with api2.app.state.runtime.sessionmaker() as session:
        for step in ("started", "trained", "canary_set"):
            await add_event(
                session, "fraud", "retrain", {"step": step, "alert_id": 7, "version": 2}
            )
        await session.commit()
    steps = (await api2.client.get(MODELS)).json()["retraining"]
    assert [(s["step"], s["alert_id"], s["version"]) for s in steps] == [
        ("canary_set", 7, 2),
        ("trained", 7, 2),
        ("started", 7, 2),
    ]
    assert all(s["ts"] and s["id"] for s in steps)


async def test_alias_changes_answer_with_the_keys_of_their_action(api2: Api) -> None:
    """The PUT/DELETE routes share one helper; each answer keeps only what its action produced."""
    common = {"action", "version", "actor", "changed", "event_id", "serving", "canary", "shadow"}

    shadow = await api2.client.put(f"{MODELS}/shadow", json={"version": 2}, headers=ADMIN)
    off = await api2.client.delete(f"{MODELS}/shadow", headers=ADMIN)
    no_canary = await api2.client.delete(f"{MODELS}/canary", headers=ADMIN)
    candidate = await api2.client.put(f"{MODELS}/candidate", json={"version": 2}, headers=ADMIN)

    assert shadow.status_code == 200, shadow.text
    assert set(shadow.json()) == common | {"previous"}
    assert (shadow.json()["action"], shadow.json()["shadow"]) == ("shadow", 2)
    assert set(off.json()) == common
    assert (off.json()["action"], off.json()["version"], off.json()["shadow"]) == (
        "shadow_off",
        2,
        None,
    )
    assert (no_canary.json()["action"], no_canary.json()["version"]) == ("canary_off", None)
    assert no_canary.json()["changed"] is False
    assert set(candidate.json()) == common | {"previous"}
    assert candidate.json()["action"] == "candidate"

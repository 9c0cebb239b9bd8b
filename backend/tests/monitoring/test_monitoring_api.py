"""Drift, performance and alert read API, and acknowledging alerts with an admin key."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
from backend.tests.conftest import error_of
from backend.tests.monitoring.conftest import ADMIN_KEY
from sqlalchemy import select

from driftscope.contract import FRAUD_CONTRACT
from driftscope.db import Event

if TYPE_CHECKING:
    from backend.tests.conftest import Api


async def test_latest_report(monitored: Api) -> None:
    response = await monitored.client.get("/api/v1/drift/latest")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["model_name"], body["model_version"], body["n"]) == ("fraud", 1, 500)
    assert body["sufficient"] is True
    assert set(body["features"]) == set(FRAUD_CONTRACT.names)  # JSONB does not keep key order
    assert body["features"]["avg_amount_30d"]["drifted"] is True
    assert body["features"]["avg_amount_30d"]["test"] == "ks"
    assert body["prediction"]["name"] == "prediction"
    assert 0 < body["dataset_drift_share"] < 1
    # What moved: card averages were shifted, so their bins (or the ratio derived from them)
    # lead, largest PSI contribution first, each significant after BH.
    segments = body["segments"]
    assert 0 < len(segments) <= 5
    assert segments[0]["feature"] in {"avg_amount_30d", "amount_to_avg_ratio"}
    assert segments == sorted(segments, key=lambda s: -s["contribution"])
    assert all(s["q_value"] < 0.05 and s["description"].endswith("of traffic") for s in segments)
    assert body["error_segments"] == []  # no performance drop (no labels) to explain


async def test_history_of_a_feature(monitored: Api) -> None:
    response = await monitored.client.get("/api/v1/drift/history", params={"feature": "amount"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["model_name"], body["feature"]) == ("fraud", "amount")
    (point,) = body["points"]
    assert point["n"] == 500 and point["model_version"] == 1
    for key in ("psi", "drifted", "p_value", "q_value", "warn_threshold", "prediction_psi"):
        assert key in point

    overall = (await monitored.client.get("/api/v1/drift/history")).json()
    assert "psi" not in overall["points"][0]


async def test_feature_distribution(monitored: Api) -> None:
    for name in ("amount", "channel", "prediction"):
        response = await monitored.client.get(f"/api/v1/drift/features/{name}")
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["labels"]) == len(body["reference_counts"]) == len(body["current_counts"])
        assert sum(body["current_counts"]) == 500
        assert abs(sum(body["current_share"]) - 1.0) < 1e-9
    assert body["labels"][-1] == "(missing)"
    channel = (await monitored.client.get("/api/v1/drift/features/channel")).json()
    assert channel["labels"] == ["pos", "online", "mobile", "atm", "(unseen)", "(missing)"]


async def test_performance_history(monitored: Api) -> None:
    response = await monitored.client.get("/api/v1/performance/history")
    assert response.status_code == 200, response.text
    (point,) = response.json()["points"]
    assert (point["n_predictions"], point["n_labelled"], point["label_coverage"]) == (500, 0, 0.0)
    assert point["realised"] is None
    assert 0 < point["estimated"]["fraud_rate"] < 1


async def test_open_alerts(monitored: Api) -> None:
    response = await monitored.client.get("/api/v1/alerts", params={"status": "open"})
    assert response.status_code == 200, response.text
    alerts = response.json()["alerts"]
    drifted = {a["feature"]: a for a in alerts if a["kind"] == "feature_drift"}
    assert "avg_amount_30d" in drifted
    assert all(a["status"] == "open" for a in alerts)
    resolved = await monitored.client.get("/api/v1/alerts", params={"status": "resolved"})
    assert resolved.json()["alerts"] == []


async def test_unknown_feature_is_named(monitored: Api) -> None:
    for url, params in (
        ("/api/v1/drift/history", {"feature": "nope"}),
        ("/api/v1/drift/features/nope", {}),
    ):
        error = error_of(await monitored.client.get(url, params=params), 404, "not_found")
        assert "nope" in error["message"]
        assert "amount" in error["details"][0]["allowed"]


async def test_unknown_model(monitored: Api) -> None:
    for url in ("/api/v1/drift/latest", "/api/v1/performance/history", "/api/v1/alerts"):
        response = await monitored.client.get(url, params={"model": "nope"})
        assert "unknown model 'nope'" in error_of(response, 404, "unknown_model")["message"]


async def test_no_reports_yet(fresh: Api) -> None:
    for url in ("/api/v1/drift/latest", "/api/v1/drift/features/amount"):
        error = error_of(await fresh.client.get(url), 404, "not_found")
        assert "no drift report yet" in error["message"]
        assert "worker" in error["message"]
    assert (await fresh.client.get("/api/v1/drift/history")).json()["points"] == []
    assert (await fresh.client.get("/api/v1/alerts")).json()["alerts"] == []


async def _open_alert_id(api: Api) -> int:
    alerts = (await api.client.get("/api/v1/alerts", params={"status": "open"})).json()["alerts"]
    return int(alerts[0]["id"])


async def _ack_events(api: Api) -> list[Event]:
    async with api.app.state.runtime.sessionmaker() as session:
        events = await session.scalars(select(Event).where(Event.kind == "alert"))
        return [e for e in events if e.payload["change"] == "acknowledged"]


async def test_acknowledge_requires_the_admin_key(monitored: Api) -> None:
    alert_id = await _open_alert_id(monitored)
    url = f"/api/v1/alerts/{alert_id}/ack"

    error_of(await monitored.client.post(url), 401, "unauthorized")
    error_of(await monitored.client.post(url, headers={"X-API-Key": "wrong"}), 401, "unauthorized")
    assert await _ack_events(monitored) == []

    response = await monitored.client.post(url, headers={"X-API-Key": ADMIN_KEY})

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["id"], body["status"]) == (alert_id, "acknowledged")
    assert body["acknowledged_at"] is not None
    (event,) = await _ack_events(monitored)
    assert (event.payload["id"], event.payload["status"]) == (alert_id, "acknowledged")
    assert event.payload["model"] == "fraud"  # as in the worker's alert events
    listed = (
        await monitored.client.get("/api/v1/alerts", params={"status": "acknowledged"})
    ).json()
    assert [a["id"] for a in listed["alerts"]] == [alert_id]

    again = await monitored.client.post(url, headers={"X-API-Key": ADMIN_KEY})
    assert again.json()["status"] == "acknowledged"
    assert len(await _ack_events(monitored)) == 1  # acknowledging twice announces it once


async def test_acknowledge_unknown_alert(monitored: Api) -> None:
    response = await monitored.client.post(
        "/api/v1/alerts/999999/ack", headers={"X-API-Key": ADMIN_KEY}
    )
    assert "999999" in error_of(response, 404, "not_found")["message"]


async def test_acknowledge_is_disabled_without_configured_keys(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/alerts/1/ack", headers={"X-API-Key": ADMIN_KEY})
    assert "DRIFTSCOPE_ADMIN_API_KEYS" in error_of(response, 403, "forbidden")["message"]

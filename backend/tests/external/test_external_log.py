"""POST /api/v1/models/{name}/log: predictions of an external model, validated and stored."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import numpy as np
import pandas as pd
import pytest
from backend.tests.conftest import error_fields, error_of
from sqlalchemy import select

from driftscope import registry
from driftscope.db import Prediction, ReferenceProfile, script_sessions
from driftscope.drift.engine import compare_to_profile
from driftscope.external import reference_from_csv, register_external
from driftscope.settings import Settings
from driftscope.testing.external_model import (
    SCORE_COLUMN,
    register_external_flights,
    scored_flights,
    scored_flights_csv,
)
from driftscope.testing.user_model import FLIGHTS_TARGET, train_flights
from driftscope.testing.waiting import wait_until

if TYPE_CHECKING:
    from backend.tests.conftest import Api

NAME = "ext-flights"
LOG = f"/api/v1/models/{NAME}/log"
FEATURES = {"distance_km": 1200.5, "stops": 1, "weekend": False, "carrier": "C"}


def item(**overrides: Any) -> dict[str, Any]:
    return {"features": dict(FEATURES), "score": 0.8, **overrides}


def features(**overrides: Any) -> dict[str, Any]:
    return {"features": {**FEATURES, **overrides}}


async def register_ext(settings: Settings, directory: Path) -> None:
    async with script_sessions(settings.resolved_database_url) as sessions, sessions() as session:
        await register_external_flights(session, directory, NAME)
        await session.commit()


@pytest.fixture
async def api(
    serve: Callable[[Settings], AbstractAsyncContextManager[Api]],
    registered_settings: Settings,
    tmp_path: Path,
) -> AsyncIterator[Api]:
    """The app with fraud (served) and the external flights model registered."""
    await register_ext(registered_settings, tmp_path / "csv")
    async with serve(registered_settings) as started:
        yield started


async def post(api: Api, body: Any, name: str = NAME) -> httpx.Response:
    return await api.client.post(f"/api/v1/models/{name}/log", json=body)


async def stored(api: Api) -> list[Prediction]:
    await api.flush()
    return sorted(await api.predictions(), key=lambda row: row.ts)


async def test_logged_items_are_stored_as_predictions_of_the_external_model(api: Api) -> None:
    ts = datetime.now(UTC) - timedelta(hours=2)
    body = [
        item(score=0.9, transaction_id="f-1", ts=ts.isoformat()),
        item(score=0.1),
        {**features(distance_km=None, weekend=True), "decision": "delayed"},
        features(carrier="A"),  # neither score nor decision
    ]

    response = await post(api, body)

    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["logged"] == 4 and len(set(answer["prediction_ids"])) == 4
    rows = {str(row.id): row for row in await stored(api)}
    assert list(rows) != [] and set(rows) == set(answer["prediction_ids"])
    first, second, third, fourth = (rows[pid] for pid in answer["prediction_ids"])
    assert {(r.model_name, r.model_version, r.variant, r.path) for r in rows.values()} == {
        (NAME, 1, "production", "external")
    }
    assert (first.score, first.decision, first.transaction_id) == (0.9, True, "f-1")
    assert first.ts.replace(tzinfo=UTC) == ts
    assert (second.score, second.decision) == (0.1, False)
    assert (third.score, third.decision) == (None, True)  # the given class
    assert third.features == {"distance_km": None, "stops": 1, "weekend": True, "carrier": "C"}
    assert (fourth.score, fourth.decision) == (None, None)
    assert 0 < first.threshold < 1


async def test_a_single_object_answers_one_id(api: Api) -> None:
    response = await post(api, item())

    assert response.status_code == 200, response.text
    [pid] = response.json()["prediction_ids"]
    assert [str(row.id) for row in await stored(api)] == [pid]


def too_late() -> str:
    return (datetime.now(UTC) + timedelta(minutes=10)).isoformat()


def too_old() -> str:
    return (datetime.now(UTC) - timedelta(days=30)).isoformat()


BAD_ITEMS: dict[str, tuple[Callable[[], Any], str]] = {
    "wrong type": (lambda: features(distance_km="far"), "features.distance_km"),
    "integer as text": (lambda: features(stops="2"), "features.stops"),
    "unknown category": (lambda: features(carrier="Z"), "features.carrier"),
    "missing feature": (
        lambda: {"features": {k: v for k, v in FEATURES.items() if k != "carrier"}},
        "features.carrier",
    ),
    "unknown feature": (lambda: features(altitude=3), "features.altitude"),
    "transaction_id among features": (
        lambda: features(transaction_id="x"),
        "features.transaction_id",
    ),
    "no features": (lambda: {"score": 0.5}, "features"),
    "score above 1": (lambda: item(score=1.5), "score"),
    "negative score": (lambda: item(score=-0.1), "score"),
    "score as text": (lambda: item(score="0.5"), "score"),
    "bad ts": (lambda: item(ts="yesterday"), "ts"),
    "ts without timezone": (lambda: item(ts="2026-12-05T08:00:00"), "ts"),
    "ts as a number": (lambda: item(ts=1_790_000_000), "ts"),
    "ts too far ahead": (lambda: item(ts=too_late()), "ts"),
    "ts beyond retention": (lambda: item(ts=too_old()), "ts"),
    "bad decision class": (lambda: item(decision="late"), "decision"),
    "bad prediction_id": (lambda: item(prediction_id="not-a-uuid"), "prediction_id"),
    "empty transaction_id": (lambda: item(transaction_id=""), "transaction_id"),
    "unknown top-level field": (lambda: item(model="x"), "model"),
}


@pytest.mark.parametrize("case", list(BAD_ITEMS))
async def test_bad_items_are_refused_naming_the_field_and_nothing_is_stored(
    api: Api, case: str
) -> None:
    make, field = BAD_ITEMS[case]

    single = error_of(await post(api, make()), 422, "invalid_input")
    listed = error_of(await post(api, [item(), make()]), 422, "invalid_input")

    assert field in error_fields(single), single
    assert f"[1].{field}" in error_fields(listed), listed
    assert await stored(api) == []


async def test_a_list_too_long_or_empty_is_refused(api: Api) -> None:
    too_long = error_of(await post(api, [item()] * 1001), 422, "invalid_input")
    empty = error_of(await post(api, []), 422, "invalid_input")

    assert "body" in error_fields(too_long) and "1000" in too_long["message"]
    assert "body" in error_fields(empty)
    assert await stored(api) == []


@pytest.mark.parametrize("flush_between", [False, True], ids=["buffered", "stored"])
async def test_retries_are_stored_once(api: Api, flush_between: bool) -> None:
    pid = str(uuid.uuid4())
    first = (await post(api, [item(transaction_id="f-1"), item(prediction_id=pid)])).json()
    if flush_between:
        await api.flush()

    again = (await post(api, [item(transaction_id="f-1"), item(prediction_id=pid)])).json()
    other_id = (await post(api, item(transaction_id="f-1", prediction_id=str(uuid.uuid4())))).json()
    twice = (await post(api, [item(transaction_id="f-2"), item(transaction_id="f-2")])).json()
    same_id = str(uuid.uuid4())
    listed_twice = (
        await post(api, [item(prediction_id=same_id), item(prediction_id=same_id)])
    ).json()

    assert first["prediction_ids"][1] == pid
    assert again["prediction_ids"] == first["prediction_ids"]
    assert other_id["prediction_ids"] == first["prediction_ids"][:1]  # the stored one
    assert twice["prediction_ids"][0] == twice["prediction_ids"][1]
    assert listed_twice["prediction_ids"] == [same_id, same_id]
    rows = await stored(api)
    expected = [*first["prediction_ids"], twice["prediction_ids"][0], same_id]
    assert sorted(str(r.id) for r in rows) == sorted(expected)


async def test_a_served_model_is_409_and_an_unknown_one_404(
    api: Api, registered_settings: Settings
) -> None:
    await train_flights(registered_settings, "flights")

    trained = error_of(await post(api, item(), "flights"), 409, "served_model")
    fraud = error_of(await post(api, item(), "fraud"), 409, "served_model")
    unknown = error_of(await post(api, item(), "nope"), 404, "unknown_model")
    odd = error_of(await post(api, item(), "Not_A_Name"), 404, "unknown_model")

    assert trained["details"] == {"model": "flights"} and fraud["details"] == {"model": "fraud"}
    assert unknown["details"] == {"model": "nope"} and "/predict" in trained["message"]
    assert odd["details"] == {"model": "Not_A_Name"}
    assert await stored(api) == []


async def test_feedback_labels_logged_predictions(api: Api) -> None:
    ids = (await post(api, [item(transaction_id="f-1"), item(score=0.2)])).json()["prediction_ids"]

    response = await api.feedback([(ids[0], 1), (ids[1], 0)])

    assert response.status_code == 200, response.text
    assert response.json()["stored"] == 2
    assert await api.labels() == {ids[0]: 1, ids[1]: 0}


async def test_a_new_registration_is_logged_against_within_seconds(
    api: Api, registered_settings: Settings, tmp_path: Path
) -> None:
    path = scored_flights_csv(tmp_path / "v2", rows=500, seed=5)
    reference = reference_from_csv(
        path, name=NAME, target=FLIGHTS_TARGET, score_column=SCORE_COLUMN, threshold=0.6
    )
    url = registered_settings.resolved_database_url
    async with script_sessions(url) as sessions, sessions() as session:
        await register_external(session, reference)
        await session.commit()

    async def logs_to_v2() -> bool:
        await post(api, item(score=0.5))
        return any(row.model_version == 2 for row in await stored(api))

    await wait_until(logs_to_v2, what="/log to use the re-registered version 2")
    newest = (await stored(api))[-1]
    assert (newest.model_version, newest.threshold, newest.decision) == (2, 0.6, False)


def logged_body(frame: pd.DataFrame, tag: str) -> list[dict[str, Any]]:
    """Rows of a scored flights frame as /log items (JSON types the spec accepts)."""
    out = []
    for i, row in zip(frame.index, frame.to_dict("records"), strict=True):
        distance = row["distance_km"]
        values = {
            "distance_km": None if pd.isna(distance) else float(distance),
            "stops": int(row["stops"]),
            "weekend": row["weekend"] == "true",
            "carrier": row["carrier"],
        }
        score = float(row[SCORE_COLUMN])
        out.append({"features": values, "score": score, "transaction_id": f"{tag}-{i}"})
    return out


async def test_drift_of_logged_rows_against_the_reference(api: Api) -> None:
    """The core drift engine (the worker's) on the stored rows and the registered profile."""
    steady = scored_flights(600, seed=11)
    shifted = scored_flights(600, seed=12)
    shifted["distance_km"] = shifted["distance_km"] * 0.4  # shorter flights than the reference
    shifted[SCORE_COLUMN] = np.clip(shifted[SCORE_COLUMN] + 0.3, 0, 1)
    for tag, frame in (("steady", steady), ("shifted", shifted)):
        for start in range(0, len(frame), 300):
            response = await post(api, logged_body(frame.iloc[start : start + 300], tag))
            assert response.status_code == 200, response.text
    rows = await stored(api)
    by_tag = {
        tag: [r for r in rows if (r.transaction_id or "").startswith(tag)]
        for tag in ("steady", "shifted")
    }
    async with api.app.state.runtime.sessionmaker() as session:
        profile = await session.scalar(
            select(ReferenceProfile.profile).where(ReferenceProfile.model_name == NAME)
        )
        spec = await registry.load_spec(session, NAME)

    def report(part: list[Prediction]) -> Any:
        current = pd.DataFrame([r.features for r in part], columns=[f.name for f in spec.features])
        scores = np.array([r.score for r in part], dtype=np.float64)
        return compare_to_profile(profile, current, scores)

    assert {tag: len(part) for tag, part in by_tag.items()} == {"steady": 600, "shifted": 600}
    quiet, drifted = report(by_tag["steady"]), report(by_tag["shifted"])
    assert quiet.drifted_features == [] and quiet.prediction is not None
    assert not quiet.prediction.drifted
    assert "distance_km" in drifted.drifted_features and "carrier" not in drifted.drifted_features
    assert drifted.prediction is not None and drifted.prediction.drifted

"""POST /api/v1/feedback: late labels stored idempotently, corrected, or reported as unknown."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest
from backend.tests.conftest import FEEDBACK, error_fields, error_of, transaction

from driftscope.db import Label

if TYPE_CHECKING:
    from backend.tests.conftest import Api


async def predicted_ids(api: Api, n: int, *, flush: bool = True) -> list[str]:
    results = (await api.predict([transaction() for _ in range(n)])).json()
    if flush:
        await api.flush()
    return [r["prediction_id"] for r in results]


def statuses(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [r["status"] for r in response.json()["results"]]


async def test_labels_for_known_predictions_are_stored(api: Api) -> None:
    ids = await predicted_ids(api, 3)

    response = await api.feedback([(ids[0], 1), (ids[1], 0), (ids[2], 1)])

    assert statuses(response) == ["stored"] * 3
    body = response.json()
    assert (body["stored"], body["updated"], body["unchanged"], body["unknown"]) == (3, 0, 0, 0)
    assert [r["prediction_id"] for r in body["results"]] == ids
    assert await api.labels() == {ids[0]: 1, ids[1]: 0, ids[2]: 1}


async def test_the_same_labels_again_are_unchanged(api: Api) -> None:
    ids = await predicted_ids(api, 2)
    labels = [(ids[0], 1), (ids[1], 0)]
    await api.feedback(labels)

    response = await api.feedback(labels)

    assert statuses(response) == ["unchanged", "unchanged"]
    assert response.json()["unchanged"] == 2
    assert await api.count(Label) == 2
    assert await api.labels() == {ids[0]: 1, ids[1]: 0}


async def test_a_changed_label_is_updated(api: Api) -> None:
    ids = await predicted_ids(api, 2)
    await api.feedback([(ids[0], 1), (ids[1], 0)])

    response = await api.feedback([(ids[0], 0), (ids[1], 0)])

    assert statuses(response) == ["updated", "unchanged"]
    assert (response.json()["updated"], response.json()["unchanged"]) == (1, 1)
    assert await api.labels() == {ids[0]: 0, ids[1]: 0}
    assert await api.count(Label) == 2


async def test_unknown_ids_are_reported_per_item(api: Api) -> None:
    (known,) = await predicted_ids(api, 1)
    unknown = str(uuid.uuid4())

    response = await api.feedback([(unknown, 1), (known, 1)])

    assert statuses(response) == ["unknown_prediction", "stored"]
    assert (response.json()["unknown"], response.json()["stored"]) == (1, 1)
    assert await api.labels() == {known: 1}


async def test_only_unknown_ids_is_still_a_200(api: Api) -> None:
    response = await api.feedback([(str(uuid.uuid4()), 0), (str(uuid.uuid4()), 1)])

    assert statuses(response) == ["unknown_prediction"] * 2
    assert await api.count(Label) == 0


async def test_label_for_a_prediction_still_in_the_write_buffer(api: Api) -> None:
    (pid,) = await predicted_ids(api, 1, flush=False)
    assert await api.count() == 0  # the prediction row has not been written yet

    response = await api.feedback([(pid, 1)])

    assert statuses(response) == ["stored"]
    await api.flush()
    assert await api.count() == 1
    assert await api.labels() == {pid: 1}


async def test_last_label_wins_within_one_request(api: Api) -> None:
    (pid,) = await predicted_ids(api, 1)

    response = await api.feedback([(pid, 0), (pid, 1)])

    assert response.status_code == 200, response.text
    assert len(response.json()["results"]) == 2
    assert await api.labels() == {pid: 1}


async def test_label_row_carries_the_model_name(api: Api) -> None:
    (pid,) = await predicted_ids(api, 1)
    await api.feedback([(pid, 1)])

    async with api.app.state.runtime.sessionmaker() as session:
        label = await session.get(Label, uuid.UUID(pid))
    assert label is not None
    assert (label.model_name, label.label) == ("fraud", 1)


GOOD_ID = "0b5c3a4e-7f55-4f2b-9a7c-0a8d3e1f2b44"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"labels": [{"prediction_id": GOOD_ID, "label": 2}]}, "labels[0].label", id="label-2"),
        pytest.param({"labels": [{"prediction_id": GOOD_ID, "label": "1"}]}, "labels[0].label", id="string-label"),
        pytest.param({"labels": [{"prediction_id": "not-a-uuid", "label": 1}]}, "labels[0].prediction_id", id="not-a-uuid"),
        pytest.param({"labels": [{"label": 1}]}, "labels[0].prediction_id", id="missing-id"),
        pytest.param({"labels": []}, "labels", id="empty-list"),
        pytest.param({}, "labels", id="no-labels"),
        pytest.param(
            {"labels": [{"prediction_id": GOOD_ID, "label": 1}, {"prediction_id": GOOD_ID, "label": -1}]},
            "labels[1].label",
            id="second-item-bad",
        ),
        pytest.param({"labels": [{"prediction_id": GOOD_ID, "label": 1, "note": "x"}]}, "labels[0].note", id="extra-field"),
    ],
)  # fmt: skip
async def test_bad_feedback_is_refused_naming_the_field(
    api: Api, body: dict[str, Any], field: str
) -> None:
    response = await api.client.post(FEEDBACK, json=body)

    error = error_of(response, 422, "invalid_input")
    assert field in error_fields(error)
    assert await api.count(Label) == 0


async def test_malformed_feedback_json_is_a_400(api: Api) -> None:
    response = await api.client.post(
        FEEDBACK, content=b'{"labels": [', headers={"content-type": "application/json"}
    )

    error = error_of(response, 400, "malformed_json")
    assert error_fields(error) == ["body"]

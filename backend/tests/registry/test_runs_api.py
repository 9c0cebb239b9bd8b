"""GET /api/v1/runs: training runs newest first, filters, and 422s naming the bad parameter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from backend.tests.conftest import error_fields, error_of

from driftscope.training.runs import record_run

if TYPE_CHECKING:
    from backend.tests.conftest import Api

RUNS = "/api/v1/runs"


async def add_runs(api: Api) -> list[int]:
    """Three fraud runs (two of one search) an hour apart, and one of another model."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    ids = []
    async with api.app.state.runtime.sessionmaker() as session, session.begin():
        for i, (model, search) in enumerate(
            [("fraud", None), ("fraud", "search-a"), ("fraud", "search-a"), ("other", None)]
        ):
            run = await record_run(
                session,
                model_name=model,
                kind="logistic",
                params={"C": 0.1 * (i + 1)},
                cv_metrics={"folds": 3, "roc_auc": {"mean": 0.9, "std": 0.01}} if search else {},
                test_metrics={"roc_auc": 0.91 + i / 100},
                duration_s=1.5 + i,
                search_id=search,
                status="completed" if search else "registered",
                model_version=None if search else i + 1,
            )
            run.started_at = start + timedelta(hours=i)
            ids.append(run.id)
    return ids


async def test_runs_are_listed_newest_first(api: Api) -> None:
    ids = await add_runs(api)

    response = await api.client.get(RUNS, params={"model": "fraud"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model"] == "fraud"
    assert [r["id"] for r in body["runs"]] == [ids[2], ids[1], ids[0]]
    newest = body["runs"][0]
    assert newest["search_id"] == "search-a"
    assert newest["params"] == {"C": pytest.approx(0.3)}
    assert newest["cv_metrics"]["roc_auc"]["mean"] == 0.9
    assert newest["test_metrics"] == {"roc_auc": 0.93}
    assert (newest["status"], newest["kind"], newest["duration_s"]) == (
        "completed",
        "logistic",
        3.5,
    )
    assert newest["started_at"].startswith("2026-01-01T02:00:00")


async def test_limit_search_filter_and_default_model(api: Api) -> None:
    ids = await add_runs(api)
    limited = (await api.client.get(RUNS, params={"limit": 1})).json()
    assert [r["id"] for r in limited["runs"]] == [ids[2]]
    assert limited["model"] == "fraud"  # the served model's name by default
    search = (await api.client.get(RUNS, params={"search_id": "search-a"})).json()
    assert [r["id"] for r in search["runs"]] == [ids[2], ids[1]]
    other = (await api.client.get(RUNS, params={"model": "other"})).json()
    assert [r["id"] for r in other["runs"]] == [ids[3]]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": 0}, "limit"), ({"limit": "ten"}, "limit"), ({"model": "Bad Name"}, "model")],
)
async def test_bad_parameters_are_422_naming_the_field(
    api: Api, params: dict[str, object], field: str
) -> None:
    response = await api.client.get(RUNS, params=params)
    error = error_of(response, 422, "invalid_input")
    assert error_fields(error) == [field]

"""POST /api/v1/predict/batch: CSV in, streamed CSV out, per-row errors, logging as source=batch."""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pytest
from backend.tests.conftest import error_fields, error_of, transaction
from sqlalchemy import select

from driftscope.contract import FRAUD_CONTRACT
from driftscope.db import WindowCount
from driftscope.errors import OverloadedError
from driftscope.generator import generate_frame
from driftscope.settings import Settings
from driftscope.window_counts import count_window, merge
from driftscope_backend.prediction.batch import router as batch_router
from driftscope_backend.prediction.batch.reader import parse_header, read_header
from driftscope_backend.prediction.batch.service import OUTPUT_HEADER, BatchScorer

if TYPE_CHECKING:
    from backend.tests.conftest import Api

    Serve = Callable[[Settings], AbstractAsyncContextManager[Api]]

BATCH = "/api/v1/predict/batch"
NAMES = FRAUD_CONTRACT.names
OUTPUT = ["id", "fraud_probability", "decision", "path", "model_version", "error", "prediction_id"]


def frame(n: int, seed: int = 5, ids: str | None = "transaction_id") -> pd.DataFrame:
    data = generate_frame(n, seed=seed)[NAMES]
    if ids:
        data.insert(0, ids, [f"txn-{seed}-{i}" for i in range(n)])
    return data


def to_csv(data: pd.DataFrame) -> bytes:
    return data.to_csv(index=False).encode()


def csv_of(rows: list[dict[str, Any]], columns: list[str] | None = None) -> bytes:
    """A CSV with a header of `columns` (default: transaction_id + the contract)."""
    columns = columns or ["transaction_id", *NAMES]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue().encode()


async def post(api: Api, body: bytes, *, form: bool = False) -> Any:
    if form:
        files = {"file": ("transactions.csv", body, "text/csv")}
        return await api.client.post(BATCH, files=files)
    return await api.client.post(BATCH, content=body, headers={"content-type": "text/csv"})


def results(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    reader = csv.DictReader(io.StringIO(response.text))
    assert reader.fieldnames == OUTPUT
    return list(reader)


async def stored(api: Api) -> dict[str, Any]:
    await api.flush()
    return {str(p.id): p for p in await api.predictions()}


@pytest.mark.parametrize("form", [False, True], ids=["text-csv", "multipart"])
async def test_good_rows_are_scored_in_order_and_logged_as_batch(api: Api, form: bool) -> None:
    data = frame(300)

    out = results(await post(api, to_csv(data), form=form))

    assert [r["id"] for r in out] == data["transaction_id"].tolist()
    model = api.app.state.runtime.model
    by_model = [i for i, r in enumerate(out) if r["path"] == "model"]  # the rest: a rule decided
    assert len(by_model) > 200
    expected = model.probability(FRAUD_CONTRACT.encode_columns(data.iloc[by_model]))
    assert [float(out[i]["fraud_probability"]) for i in by_model] == pytest.approx(
        expected.tolist(), abs=1e-6
    )
    assert [out[i]["decision"] for i in by_model] == [
        "fraud" if p >= model.threshold else "legit" for p in expected
    ]
    assert {r["path"] for r in out} <= {"model", "rules"}
    assert {(r["model_version"], r["error"]) for r in out} == {("1", "")}
    rows = await stored(api)
    assert len(rows) == 300
    assert {p.source for p in rows.values()} == {"batch"}
    for i, r in enumerate(out):  # logged in id order: each row must keep its own values
        logged = rows[r["prediction_id"]]
        assert logged.transaction_id == r["id"]
        assert logged.score == pytest.approx(float(r["fraud_probability"]), abs=1e-6)
        assert logged.decision == (r["decision"] == "fraud")
        assert logged.path == r["path"]
        assert logged.features["hour_of_day"] == int(data.loc[i, "hour_of_day"])
        assert logged.features["amount"] == pytest.approx(float(data.loc[i, "amount"]))


async def test_batch_results_equal_online_results_row_by_row(api: Api) -> None:
    data = frame(400, seed=9, ids=None)
    records = data.astype(object).where(data.notna(), None).to_dict("records")
    online = (await api.predict(records)).json()

    out = results(await post(api, to_csv(data)))

    assert [float(r["fraud_probability"]) for r in out] == pytest.approx(
        [o["fraud_probability"] for o in online], abs=1e-6
    )
    assert [(r["decision"], r["path"]) for r in out] == [(o["decision"], o["path"]) for o in online]


BAD_ROWS = [
    pytest.param({"amount": "12,5"}, "amount", "is not a number", id="bad-number"),
    pytest.param({"amount": "inf"}, "amount", "is not a number", id="infinity"),
    pytest.param({"amount": -3}, "amount", "below the minimum 0", id="below-range"),
    pytest.param({"hour_of_day": 24}, "hour_of_day", "above the maximum 23", id="above-range"),
    pytest.param({"hour_of_day": 14.5}, "hour_of_day", "not an integer", id="not-integer"),
    pytest.param({"channel": "fax"}, "channel", "not an allowed category", id="closed-category"),
    pytest.param(
        {"merchant_category": "Bad Cat!"},
        "merchant_category",
        "not a valid category",
        id="bad-open-category",
    ),
    pytest.param({"channel": None}, "channel", "missing value", id="missing-category"),
    pytest.param({"amount": None}, "amount", "missing value", id="missing-number"),
    pytest.param({"is_foreign": "maybe"}, "is_foreign", "not a boolean", id="bad-boolean"),
]


@pytest.mark.parametrize(("change", "field", "reason"), BAD_ROWS)
async def test_an_invalid_row_is_reported_in_its_error_column(
    api: Api, change: dict[str, Any], field: str, reason: str
) -> None:
    rows = [
        {"transaction_id": "ok-1", **transaction()},
        {"transaction_id": "bad", **transaction(**change)},
        {"transaction_id": "ok-2", **transaction()},
    ]

    out = results(await post(api, csv_of(rows)))

    assert [r["id"] for r in out] == ["ok-1", "bad", "ok-2"]
    bad = out[1]
    assert bad["error"].startswith(f"{field}: ") and reason in bad["error"], bad["error"]
    assert (bad["fraud_probability"], bad["decision"], bad["prediction_id"]) == ("", "", "")
    assert out[0]["error"] == out[2]["error"] == ""
    assert {r.transaction_id for r in (await stored(api)).values()} == {"ok-1", "ok-2"}


async def test_every_problem_of_a_row_is_named(api: Api) -> None:
    row = transaction(amount="x", hour_of_day=99, country_risk="extreme")

    error = results(await post(api, csv_of([{"transaction_id": "t", **row}])))[0]["error"]

    assert error.split("; ") == [
        "amount: 'x' is not a number",
        "hour_of_day: 99 is above the maximum 23",
        "country_risk: 'extreme' is not an allowed category (low, medium, high)",
    ]


async def test_mixed_file_keeps_order_and_logs_exactly_the_valid_rows(api: Api) -> None:
    data = frame(1_000).astype(object)
    bad_rows = np.arange(3, 1_000, 7)
    data.loc[bad_rows, "amount"] = -1.0
    data.loc[bad_rows[::2], "channel"] = "telegraph"

    out = results(await post(api, to_csv(data)))

    assert [r["id"] for r in out] == data["transaction_id"].tolist()
    failed = [i for i, r in enumerate(out) if r["error"]]
    assert failed == bad_rows.tolist()
    assert all("amount: -1 is below the minimum 0" in out[i]["error"] for i in failed)
    rows = await stored(api)
    assert len(rows) == 1_000 - len(bad_rows)
    assert {r["prediction_id"] for r in out if not r["error"]} == set(rows)


async def test_unseen_open_category_is_scored_and_missing_allowed_values_are_null(
    api: Api,
) -> None:
    row = transaction(merchant_category="crypto_atm", distance_from_home_km=None)

    out = results(await post(api, csv_of([{"transaction_id": "t", **row}])))

    assert out[0]["error"] == "" and out[0]["decision"] in ("fraud", "legit")
    logged = (await stored(api))[out[0]["prediction_id"]]
    assert logged.features["merchant_category"] == "crypto_atm"
    assert logged.features["distance_from_home_km"] is None
    assert logged.features["is_foreign"] is False


async def test_wrong_header_is_one_422_naming_missing_and_extra_columns(api: Api) -> None:
    columns = ["transaction_id", *[n for n in NAMES if n not in ("amount", "channel")], "amont"]
    body = ",".join(columns).encode() + b"\n1,2,3\n"

    error = error_of(await post(api, body), 422, "invalid_input")

    assert sorted(error_fields(error)) == ["amont", "amount", "channel"]
    reasons = {d["field"]: d["reason"] for d in error["details"]}
    assert reasons == {
        "amount": "missing column",
        "channel": "missing column",
        "amont": "unexpected column",
    }
    assert await api.count() == 0


@pytest.mark.parametrize("body", [b"", b"\n\n"], ids=["no-bytes", "blank-lines"])
async def test_empty_file_is_422(api: Api, body: bytes) -> None:
    error = error_of(await post(api, body), 422, "invalid_input")
    assert error_fields(error) == ["body"]


async def test_header_only_gives_header_only(api: Api) -> None:
    response = await post(api, ",".join(["id", *NAMES]).encode() + b"\r\n")

    assert results(response) == []
    assert await api.count() == 0


async def test_non_utf8_bytes_are_422_naming_the_line(api: Api) -> None:
    body = csv_of([{"transaction_id": "a", **transaction()}] * 3)
    lines = body.split(b"\n")
    lines[2] = lines[2].replace(b"online", b"onl\xffine")

    error = error_of(await post(api, b"\n".join(lines)), 422, "invalid_input")

    assert error["details"][0]["line"] == 3
    assert "not UTF-8" in error["message"]
    assert await api.count() == 0


@pytest.mark.parametrize("id_column", ["transaction_id", "id", None])
async def test_id_column_is_optional(api: Api, id_column: str | None) -> None:
    data = frame(5, ids=id_column)

    out = results(await post(api, to_csv(data)))

    expected = data[id_column].tolist() if id_column else [""] * 5
    assert [r["id"] for r in out] == expected
    rows = await stored(api)
    assert len(rows) == 5
    ids = {p.transaction_id for p in rows.values()}
    assert ids == (set(expected) if id_column else {None})


async def test_quoted_fields_and_crlf(api: Api) -> None:
    header = ",".join(["transaction_id", *NAMES])
    example = transaction()
    values = ",".join(f'"{example[n]}"' for n in NAMES)
    body = f'{header}\r\n"a,1",{values}\r\n"say ""hi""\nthere",{values}\r\nplain,{values}\r\n'

    out = results(await post(api, body.encode()))

    assert [r["id"] for r in out] == ["a,1", 'say "hi"\nthere', "plain"]
    # as on /predict, an id with a control character cannot be stored
    assert [r["error"] for r in out] == ["", "transaction_id: contains a control character", ""]
    assert out[0]["fraud_probability"] == out[2]["fraud_probability"] != ""


async def test_a_row_with_too_many_fields_is_an_error_row(api: Api) -> None:
    body = csv_of([{"transaction_id": "a", **transaction()}] * 2)
    lines = body.split(b"\n")
    lines[1] += b",extra"

    out = results(await post(api, b"\n".join(lines)))

    assert out[0]["error"] == "row: 14 fields, expected 13"
    assert out[1]["error"] == ""


async def test_form_upload_without_a_file_field_is_422(api: Api) -> None:
    body = to_csv(frame(3))
    misnamed = await api.client.post(BATCH, files={"upload": ("t.csv", body, "text/csv")})
    urlencoded = await api.client.post(BATCH, data={"file": body.decode()})

    for response in (misnamed, urlencoded):
        error = error_of(response, 422, "invalid_input")
        assert error_fields(error) == ["file"]
    assert await api.count() == 0


async def test_reupload_with_ids_logs_nothing_twice(api: Api) -> None:
    body = to_csv(frame(50))

    first = results(await post(api, body))
    second = results(await post(api, body))

    assert [r["prediction_id"] for r in first] == [r["prediction_id"] for r in second]
    assert len(await stored(api)) == 50


@pytest.fixture
def small_settings(registered_settings: Settings) -> Settings:
    return registered_settings.model_copy(
        update={
            "batch_max_bytes": 4_096,
            "batch_chunk_rows": 64,
            "writer_queue_size": 100,
            "writer_batch_rows": 50,
        }
    )


@pytest.fixture
def block_settings(small_settings: Settings) -> Settings:
    """Blocks of 64 rows, a writer buffer of 100 rows, uploads up to 10 MB."""
    return small_settings.model_copy(update={"batch_max_bytes": 10_000_000})


async def test_upload_over_the_limit_is_413(serve: Serve, small_settings: Settings) -> None:
    body = to_csv(frame(100))
    assert len(body) > 4_096

    async with serve(small_settings) as api:
        declared = await post(api, body)
        error_of(declared, 413, "body_too_large")

        async def chunked() -> AsyncIterator[bytes]:  # no Content-Length: counted while read
            for start in range(0, len(body), 1_000):
                yield body[start : start + 1_000]

        streamed = await api.client.post(
            BATCH, content=chunked(), headers={"content-type": "text/csv"}
        )
        error = error_of(streamed, 413, "body_too_large")
        assert error["details"][0]["limit_bytes"] == 4_096
        form = await post(api, body, form=True)
        error_of(form, 413, "body_too_large")
        assert await api.count() == 0


async def test_a_file_larger_than_the_log_buffer_skips_it_and_is_fully_logged(
    serve: Serve, block_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = frame(1_500, ids=None)

    async with serve(block_settings) as api:  # writer capacity 100
        buffered: list[int] = []
        monkeypatch.setattr(api.writer, "submit_many", lambda rows: buffered.append(len(rows)))
        out = results(await post(api, to_csv(data)))
        assert len(out) == 1_500
        assert buffered == [] and api.writer.rejected == 0  # online requests keep the buffer
        assert api.writer.rows_written == 1_500  # in /metrics and /ready
        rows = await stored(api)
        assert len(rows) == 1_500
        assert {p.source for p in rows.values()} == {"batch"}
        assert {str(uuid.UUID(r["prediction_id"])) for r in out} == set(rows)


async def test_a_batch_row_reads_back_like_the_same_online_row(api: Api) -> None:
    row = transaction(distance_from_home_km=None)
    online_id = (await api.predict({"transaction_id": "online", **row})).json()["prediction_id"]
    batch_id = results(await post(api, csv_of([{"transaction_id": "batch", **row}])))[0][
        "prediction_id"
    ]

    rows = await stored(api)
    online, batch = rows[online_id], rows[batch_id]
    assert isinstance(batch.id, uuid.UUID) and str(batch.id) == batch_id
    assert batch.ts.tzinfo is UTC and abs(batch.ts - online.ts) < timedelta(seconds=30)
    assert batch.features == online.features
    assert [type(v) for v in batch.features.values()] == [type(v) for v in online.features.values()]
    assert (batch.source, batch.variant, batch.transaction_id) == ("batch", "production", "batch")
    assert type(batch.decision) is bool and batch.decision == online.decision
    for column in ("model_name", "model_version", "score", "threshold", "path"):
        assert getattr(batch, column) == getattr(online, column), column
    assert type(batch.latency_us) is int and batch.request_id


async def test_batch_prediction_ids_take_feedback_as_soon_as_they_are_sent(api: Api) -> None:
    out = results(await post(api, to_csv(frame(20))))
    ids = [r["prediction_id"] for r in out]

    response = await api.feedback([(pid, i % 2) for i, pid in enumerate(ids)])  # no flush

    assert response.status_code == 200, response.text
    assert response.json()["stored"] == 20
    assert await api.labels() == {pid: i % 2 for i, pid in enumerate(ids)}


def failing_writes(api: Api, monkeypatch: pytest.MonkeyPatch, fail: Callable[[int], bool]) -> None:
    """Make the database refuse the writer's n-th write (from 0) when `fail(n)`: its INSERTs
    (SQLite) or its COPY (a batch block on PostgreSQL)."""
    calls = [0]

    def flaky(write: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        async def maybe_refused(*args: Any) -> None:
            calls[0] += 1
            if fail(calls[0] - 1):
                raise ConnectionRefusedError("database is down")
            await write(*args)

        return maybe_refused

    for method in ("_execute", "_copy"):
        monkeypatch.setattr(api.writer, method, flaky(getattr(api.writer, method)))


async def test_a_block_waits_for_the_database_and_is_then_stored(
    serve: Serve, block_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with serve(block_settings) as api:  # blocks of 64 rows
        failing_writes(api, monkeypatch, lambda n: n in (1, 2))  # the second block, twice

        out = results(await post(api, to_csv(frame(200))))

        assert len(out) == 200 and api.writer.failed_flushes == 2
        assert set(await stored(api)) == {r["prediction_id"] for r in out}


async def batch_counts(api: Api) -> dict[str, Any] | None:
    async with api.app.state.runtime.sessionmaker() as session:
        found = await session.scalars(select(WindowCount).where(WindowCount.source == "batch"))
        return merge(row.counts for row in found)


async def test_batch_blocks_are_counted_once_even_when_a_write_is_retried(
    serve: Serve, block_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = frame(200).astype(object)
    data.loc[[3, 70, 150], "amount"] = "lots"  # invalid rows: answered, neither logged nor counted
    async with serve(block_settings) as api:  # blocks of 64 rows
        # the second block's first write commits, then its acknowledgement is lost: retried
        calls = [0]
        write, copy = api.writer._execute, api.writer._copy

        async def lost_ack(real: Callable[..., Awaitable[None]], *args: Any) -> None:
            calls[0] += 1
            await real(*args)
            if calls[0] == 2:
                raise ConnectionResetError("connection lost after commit")

        monkeypatch.setattr(api.writer, "_execute", lambda *a: lost_ack(write, *a))
        monkeypatch.setattr(api.writer, "_copy", lambda *a: lost_ack(copy, *a))

        out = results(await post(api, to_csv(data)))

        assert api.writer.failed_flushes == 1 and calls[0] == 5  # 4 blocks, one written twice
        rows = list((await stored(api)).values())
        assert len(rows) == 197 == sum(1 for r in out if not r["error"])
        model = api.app.state.runtime.model
        profile = await api.writer.profile_of(model.model_name, model.version)
        assert profile is not None
        columns = {c: [r.features.get(c) for r in rows] for c in profile["features"]}
        direct = count_window(
            profile, columns, [r.score for r in rows], [r.threshold for r in rows]
        )
        counted = await batch_counts(api)
        assert counted is not None and counted["n"] == 197
        assert counted["features"] == direct["features"]
        assert counted["score"] == direct["score"]
        assert counted["moments"] == pytest.approx(direct["moments"])


async def test_batch_rows_of_a_version_without_profile_are_logged_uncounted(
    serve: Serve, block_settings: Settings
) -> None:
    async with serve(block_settings.model_copy(update={"window_counts": False})) as api:
        out = results(await post(api, to_csv(frame(100))))
        assert len(await stored(api)) == 100 == len(out)
        assert await batch_counts(api) is None


async def test_a_batch_ends_early_when_the_database_stays_down(
    serve: Serve, block_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_router, "LOG_WAIT_S", 0.5)
    async with serve(block_settings) as api:  # blocks of 64 rows
        failing_writes(api, monkeypatch, lambda n: n >= 1)  # down after the first block

        # the status line is long sent: the response is cut short (a server drops the connection)
        with pytest.raises(RuntimeError, match="response already started") as ended:
            await post(api, to_csv(frame(200)))

        assert isinstance(ended.value.__cause__, OverloadedError)
        assert "prediction log unavailable: database is down" in str(ended.value.__cause__)

        assert api.writer.failed_flushes >= 2  # retried
        assert await api.count() == 64  # the first block: sent, so stored


async def test_a_block_is_stored_before_it_is_sent_and_a_client_may_go_away(
    serve: Serve, block_settings: Settings
) -> None:
    async with serve(block_settings) as api:  # blocks of 64 rows
        runtime = api.app.state.runtime
        source = io.BytesIO(to_csv(frame(640)))
        layout = parse_header(read_header(source), runtime.model.contract)
        scorer = BatchScorer(runtime.model, layout, log=api.writer.bulk)
        body = batch_router.stream_results(api.writer, scorer, source, 64)

        assert await anext(body) == OUTPUT_HEADER
        first = list(csv.reader(io.StringIO((await anext(body)).decode())))
        assert len(first) == 64 and await api.count() == 64
        await body.aclose()  # the client went away while the second block was being scored

        assert source.closed
        await asyncio.sleep(0.2)  # the second block, if scored after all, is never stored
        assert await api.count() == 64
        assert set(await stored(api)) == {r[6] for r in first}


async def test_rules_decide_first_unless_disabled(
    api: Api, serve: Serve, registered_settings: Settings
) -> None:
    body = to_csv(frame(400, seed=9))
    with_rules = results(await post(api, body))
    assert "rules" in {r["path"] for r in with_rules}

    async with serve(registered_settings.model_copy(update={"rules_enabled": False})) as plain:
        without = results(await post(plain, body))

    assert {r["path"] for r in without} == {"model"}
    for a, b in zip(with_rules, without, strict=True):
        if a["path"] == "model":
            assert a["fraud_probability"] == b["fraud_probability"]


async def test_an_unclosed_quote_costs_rows_not_memory(api: Api) -> None:
    good = csv_of([{"transaction_id": "a", **transaction()}] * 2)
    body = good + b'"never closed,' + b"1," * 12 + b"\n" + b"x" * 1_000 + b"\n"

    out = results(await post(api, body))

    assert [r["error"] for r in out[:2]] == ["", ""]
    assert len(out) == 3 and out[2]["error"]  # the rest of the file is one broken row


async def test_a_header_without_end_is_422(api: Api) -> None:
    error = error_of(await post(api, b"amount," * 20_000), 422, "invalid_input")
    assert error_fields(error) == ["header"]


async def test_openapi_documents_both_upload_forms(api: Api) -> None:
    document = (await api.client.get("/openapi.json")).json()
    operation = document["paths"][BATCH]["post"]

    content = operation["requestBody"]["content"]
    assert content["multipart/form-data"]["schema"]["properties"]["file"]["format"] == "binary"
    assert content["multipart/form-data"]["schema"]["required"] == ["file"]
    assert content["text/csv"]["example"].startswith("transaction_id,amount,")
    example = operation["responses"]["200"]["content"]["text/csv"]["example"]
    assert example.split("\n")[0].split(",") == OUTPUT
    assert {"413", "422"} <= set(operation["responses"])

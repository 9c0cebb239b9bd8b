"""Bad-input catalogue: nasty inputs to every public endpoint get a 4xx naming the field, and
leave the database unchanged.

The endpoints are read from the app's OpenAPI document (built from its routes): a new endpoint
without an entry in CATALOGUE (or in NO_INPUT) fails `test_every_endpoint_is_catalogued`.
`backend/tests/prediction/test_bad_input.py` covers /predict field by field; this is the
cross-endpoint table.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import uuid
from typing import TYPE_CHECKING, Any

import pytest
from backend.tests.conftest import transaction
from sqlalchemy import func, select

from driftscope.db import Alert, Label, ModelAlias, Prediction, script_sessions
from driftscope.settings import Settings
from driftscope.testing.external_model import register_external_flights
from driftscope_backend.app import create_app

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable
    from contextlib import AbstractAsyncContextManager
    from pathlib import Path

    from backend.tests.conftest import Api

    Serve = Callable[[Settings], AbstractAsyncContextManager[Api]]

ADMIN_KEY = "catalogue-admin-key"
TEN_MB = 10 * 1024 * 1024
# Numbers no field may take: NaN and ±∞ as JSON tokens (Python's json accepts them) and as
# strings, a literal beyond float range, an integer beyond any column type.
NASTY_NUMBERS = {
    "nan-token": "NaN",
    "infinity-token": "Infinity",
    "minus-infinity-token": "-Infinity",
    "nan-string": '"NaN"',
    "infinity-string": '"Infinity"',
    "1e309": "1e309",
    "10**400": "1" + "0" * 400,
    "negative": "-1",
}
NASTY_STRINGS = {
    "empty-string": "",
    "rtl-override": "\u202eweb",
    "emoji": "🙂",
    "nul-byte": "web\x00",
}
TABLES = (Prediction, Label, Alert, ModelAlias)


@dataclasses.dataclass(frozen=True)
class Bad:
    """One nasty request: what to send, and the status and field its error must carry."""

    id: str
    status: int
    field: str
    request: dict[str, Any] = dataclasses.field(default_factory=dict)  # httpx request kwargs
    path: dict[str, str] = dataclasses.field(default_factory=dict)  # path parameters


def raw_json(text: str | bytes, content_type: str = "application/json") -> dict[str, Any]:
    body = text.encode() if isinstance(text, str) else text
    return {"content": body, "headers": {"content-type": content_type}}


def with_literal(body: Any, pointer: tuple[Any, ...], literal: str) -> str:
    """`body` as JSON text with the value at `pointer` replaced by a raw JSON `literal`."""
    copy = json.loads(json.dumps(body))
    target = copy
    for key in pointer[:-1]:
        target = target[key]
    target[pointer[-1]] = "@@nasty@@"
    return json.dumps(copy).replace('"@@nasty@@"', literal)


def dotted(pointer: tuple[Any, ...]) -> str:
    """('labels', 0, 'label') → 'labels[0].label', as the API names fields."""
    out = ""
    for key in pointer:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else key)
    return out


def json_body_cases(
    valid: dict[str, Any],
    number: tuple[Any, ...],
    string: tuple[Any, ...] | None,
    *,
    required: str | None,
    lean: bool = False,
) -> list[Bad]:
    """The JSON-body rows of the table for an endpoint whose `valid` body is accepted.

    `lean`: the route reads its body itself (/predict): over-limit bodies get 413 and an
    empty body is malformed JSON (400); FastAPI-parsed routes answer 422 for both.
    """
    cases = [
        Bad(
            f"{name}:{dotted(number)}",
            422,
            dotted(number),
            raw_json(with_literal(valid, number, literal)),
        )
        for name, literal in NASTY_NUMBERS.items()
    ]
    if string is not None:
        cases += [
            Bad(
                f"{name}:{dotted(string)}",
                422,
                dotted(string),
                raw_json(with_literal(valid, string, json.dumps(value))),
            )
            for name, value in NASTY_STRINGS.items()
        ]
    if required is not None:
        without = {k: v for k, v in valid.items() if k != required}
        cases.append(Bad("missing-field", 422, required, {"json": without}))
    padded = json.dumps({**valid, "padding": "x" * TEN_MB})
    cases += [
        Bad("extra-field", 422, "surprise", {"json": {**valid, "surprise": 1}}),
        Bad(
            "nested-junk",
            422,
            dotted(number),
            raw_json(with_literal(valid, number, '{"a": [[[{"b": null}]]]}')),
        ),
        Bad("json-string-for-object", 422, "body", {"json": "hello"}),
        Bad("ten-mb-body", 413, "body", raw_json(padded))
        if lean
        else Bad("ten-mb-body", 422, "padding", raw_json(padded)),
        Bad(
            "wrong-content-type",
            415 if lean else 422,
            "body",
            raw_json(json.dumps(valid), "text/plain"),
        ),
        Bad("empty-body", 400 if lean else 422, "body", raw_json(b"")),
        Bad("malformed-json", 400, "body", raw_json('{"a": 1,')),
    ]
    return cases


def path_int_cases(name: str) -> list[Bad]:
    values = {
        "nan": "NaN",
        "infinity": "Infinity",
        "1e309": "1e309",
        "10**400": "1" + "0" * 400,
        "negative": "-1",
        "zero": "0",
        "emoji": "🙂",
        "rtl": "\u202e1",
        "nul": "1%00",
    }
    return [Bad(f"{key}:{name}", 422, name, path={name: value}) for key, value in values.items()]


def query_cases(name: str, values: dict[str, str], status: int = 422) -> list[Bad]:
    return [
        Bad(f"{key}:{name}", status, name, {"params": {name: value}})
        for key, value in values.items()
    ]


QUERY_INTS = {
    "nan": "NaN",
    "infinity": "Infinity",
    "1e309": "1e309",
    "10**400": "1" + "0" * 400,
    "negative": "-1",
    "empty": "",
    "emoji": "🙂",
    "nul": "1\x00",
}
QUERY_DATES = {
    "nan": "NaN",
    "infinity": "Infinity",
    "empty": "",
    "emoji": "🙂",
    "nul": "2026-01-01\x00",
    "10**400": "1" + "0" * 400,
    "unix seconds": "3542623919",  # pydantic would read it as a timestamp; the API says ISO
    "exponent": "1.3510265948510885e-292",  # schemathesis' find: a float spelling, not a date
    "negative": "-12.5",
}
QUERY_MODEL = {"emoji": "🙂", "rtl": "\u202efraud", "nul": "fraud\x00", "huge": "m" * 30_000}

PREDICTION = transaction()
FEEDBACK = {"labels": [{"prediction_id": str(uuid.uuid4()), "label": 1}]}
SIMULATOR = {"rate": 50, "scenario": "sudden"}
STATUS = {"actual_rate": 10.0, "scenario": "none", "sent": 1, "failed": 0}
CANARY = {"version": 1, "percent": 10}
VERSION = {"version": 1}
PROMOTE = {"force": False, "reason": "catalogue"}
EXTERNAL = "ext-flights"  # an external model registered by `admin_api`
LOGGED = {"features": {"distance_km": 1200.5, "stops": 1, "weekend": False, "carrier": "C"}}


def of_model(cases: list[Bad], name: str = "fraud") -> list[Bad]:
    """The same cases against the per-model route of model `name`."""
    return [dataclasses.replace(bad, path={"name": name, **bad.path}) for bad in cases]


CATALOGUE: dict[str, list[Bad]] = {
    "POST /api/v1/predict": json_body_cases(
        PREDICTION, ("amount",), ("channel",), required="amount", lean=True
    ),
    "POST /api/v1/feedback": json_body_cases(
        FEEDBACK, ("labels", 0, "label"), ("labels", 0, "prediction_id"), required="labels"
    ),
    "PUT /api/v1/simulator": json_body_cases(SIMULATOR, ("rate",), ("scenario",), required=None),
    "PUT /api/v1/simulator/status": json_body_cases(
        STATUS, ("actual_rate",), None, required="actual_rate"
    ),
    "PUT /api/v1/models/canary": json_body_cases(CANARY, ("percent",), None, required="percent")
    + json_body_cases(CANARY, ("version",), None, required="version")[: len(NASTY_NUMBERS)],
    "PUT /api/v1/models/shadow": json_body_cases(VERSION, ("version",), None, required="version"),
    "PUT /api/v1/models/candidate": json_body_cases(
        VERSION, ("version",), None, required="version"
    ),
    "POST /api/v1/models/{name}/log": [
        dataclasses.replace(bad, path={"name": EXTERNAL})
        for bad in json_body_cases(
            LOGGED,
            ("features", "distance_km"),
            ("features", "carrier"),
            required="features",
            lean=True,
        )
        # an inferred range is open: a negative distance is scored with a warning (drift)
        if bad.id != "negative:features.distance_km"
    ]
    + [
        dataclasses.replace(bad, path={"name": EXTERNAL})
        for bad in json_body_cases({**LOGGED, "score": 0.4}, ("score",), None, required=None)
        if bad.id.startswith("negative")
    ],
    "POST /api/v1/models/{version}/promote": path_int_cases("version"),
    "GET /api/v1/models/{version}/gate": path_int_cases("version"),
    "POST /api/v1/alerts/{alert_id}/ack": path_int_cases("alert_id"),
    # Per model: the same endpoints (and the same refusals) under /models/{name}.
    "POST /api/v1/models/{name}/predict": of_model(
        json_body_cases(PREDICTION, ("amount",), ("channel",), required="amount", lean=True)
    ),
    "PUT /api/v1/models/{name}/canary": of_model(
        json_body_cases(CANARY, ("percent",), None, required="percent")
    ),
    "PUT /api/v1/models/{name}/shadow": of_model(
        json_body_cases(VERSION, ("version",), None, required="version")
    ),
    "PUT /api/v1/models/{name}/candidate": of_model(
        json_body_cases(VERSION, ("version",), None, required="version")
    ),
    "POST /api/v1/models/{name}/versions/{version}/promote": of_model(path_int_cases("version")),
    "GET /api/v1/models/{name}/versions/{version}/gate": of_model(path_int_cases("version")),
    # A malformed model name is a 422 naming `model` on every read endpoint (one ModelQuery).
    "GET /api/v1/drift/latest": query_cases("version", QUERY_INTS)
    + query_cases("model", QUERY_MODEL),
    "GET /api/v1/drift/history": query_cases("limit", QUERY_INTS)
    + query_cases("since", QUERY_DATES)
    + query_cases("feature", {k: v for k, v in QUERY_MODEL.items()}, 404),
    "GET /api/v1/drift/features/{name}": [
        Bad(f"{key}:name", 404, "name", path={"name": value})
        for key, value in {"emoji": "🙂", "rtl": "\u202eamount", "nul": "amount%00"}.items()
    ]
    + query_cases("model", QUERY_MODEL),
    "GET /api/v1/performance/history": query_cases("limit", QUERY_INTS)
    + query_cases("since", QUERY_DATES)
    + query_cases("model", QUERY_MODEL),
    "GET /api/v1/runs": query_cases("limit", QUERY_INTS)
    + query_cases("model", QUERY_MODEL)
    + query_cases("search_id", {"nul": "a\x00", "empty": "", "huge": "s" * 30_000}),
    "GET /api/v1/predictions/recent": query_cases(
        "limit", {**QUERY_INTS, "zero": "0", "over_max": "101"}
    )
    + query_cases("model", QUERY_MODEL),
    "GET /api/v1/alerts": query_cases("limit", QUERY_INTS)
    + query_cases("model", QUERY_MODEL)
    + query_cases("status", {"emoji": "🙂", "nul": "open\x00", "empty": "", "case": "OPEN"}),
}
# Endpoints that take no input at all: junk must be ignored harmlessly (checked below).
NO_INPUT = {
    "GET /health",
    "GET /ready",
    "GET /metrics",
    "GET /api/v1/schema",
    "GET /api/v1/models",
    "GET /api/v1/simulator",
    "GET /api/v1/overview",
    "POST /api/v1/models/rollback",
    "DELETE /api/v1/models/canary",
    "DELETE /api/v1/models/shadow",
    # Per model ({name} is the default model's here: what follows it is the same as above).
    "GET /api/v1/models/{name}",
    "GET /api/v1/models/{name}/schema",
    "POST /api/v1/models/{name}/rollback",
    "DELETE /api/v1/models/{name}/canary",
    "DELETE /api/v1/models/{name}/shadow",
}
BATCH = "POST /api/v1/predict/batch"
MODEL_BATCH = "POST /api/v1/models/{name}/predict/batch"


def batch_cases() -> list[Bad]:
    from driftscope.contract import FRAUD_CONTRACT

    header = ",".join(FRAUD_CONTRACT.names)
    csv = {"headers": {"content-type": "text/csv"}}
    return [
        Bad("empty-body", 422, "body", {**csv, "content": b""}),
        Bad("header-only-junk", 422, "amount", {**csv, "content": b"a,b,c\n1,2,3\n"}),
        Bad("unbalanced-quote", 422, "amount", {**csv, "content": b'"amount,hour_of_day\n1,2\n'}),
        Bad(
            "nul-in-header",
            422,
            "amount",
            {**csv, "content": header.replace("amount", "am\x00ount", 1).encode() + b"\n"},
        ),
        Bad("not-utf8", 422, "body", {**csv, "content": header.encode() + b"\n\xff\xfe\n"}),
        Bad(
            "million-columns",
            422,
            "header",
            {**csv, "content": ",".join(f"c{i}" for i in range(1_000_000)).encode() + b"\n"},
        ),
        Bad(
            "multipart-without-file", 422, "file", {"files": {"other": ("x.csv", header.encode())}}
        ),
    ]


def catalogue() -> list[tuple[str, Bad]]:
    rows = [(endpoint, bad) for endpoint, bads in CATALOGUE.items() for bad in bads]
    return (
        rows
        + [(BATCH, bad) for bad in batch_cases()]
        + [(MODEL_BATCH, bad) for bad in of_model(batch_cases())]
    )


@pytest.fixture
async def admin_api(
    serve: Serve, registered_settings: Settings, tmp_path: Path
) -> AsyncIterator[Api]:
    url = registered_settings.resolved_database_url
    async with script_sessions(url) as sessions, sessions() as session:
        await register_external_flights(session, tmp_path / "csv", EXTERNAL)
        await session.commit()
    async with serve(registered_settings.model_copy(update={"admin_api_keys": ADMIN_KEY})) as api:
        yield api


async def row_counts(api: Api) -> dict[str, int]:
    await api.flush()
    async with api.app.state.runtime.sessionmaker() as session:
        return {
            table.__tablename__: int(
                await session.scalar(select(func.count()).select_from(table)) or 0
            )
            for table in TABLES
        }


def test_every_endpoint_is_catalogued() -> None:
    document = create_app(Settings()).openapi()
    endpoints = {f"{m.upper()} {path}" for path, ops in document["paths"].items() for m in ops}

    assert len(endpoints) >= 20
    uncatalogued = endpoints - set(CATALOGUE) - NO_INPUT - {BATCH, MODEL_BATCH}
    assert uncatalogued == set(), "add bad-input cases for these endpoints"
    assert set(CATALOGUE) | NO_INPUT <= endpoints | {BATCH, MODEL_BATCH}  # no stale entries


def url_of(template: str, bad: Bad) -> str:
    defaults = {"version": "1", "alert_id": "1", "name": "amount"}
    return template.format(**{**defaults, **bad.path}) if "{" in template else template


async def refusal_problem(api: Api, endpoint: str, bad: Bad) -> str | None:
    """Why the response to `bad` is not a clean refusal (None when it is)."""
    method, template = endpoint.split(" ")
    headers = {"X-API-Key": ADMIN_KEY, **bad.request.get("headers", {})}
    kwargs = {k: v for k, v in bad.request.items() if k != "headers"}
    response = await api.client.request(method, url_of(template, bad), headers=headers, **kwargs)
    if response.status_code != bad.status:
        return f"status {response.status_code} != {bad.status}: {response.text[:300]}"
    try:
        error = response.json()["error"]
        fields = [d["field"] for d in error["details"] if d.get("reason")]
    except (ValueError, KeyError, TypeError, AttributeError):
        return f"not the error shape: {response.text[:300]}"
    if not (isinstance(error["message"], str) and error["message"]):
        return "no message"
    if bad.field not in fields:
        return f"details name {fields[:5]}, not {bad.field!r}"
    if len(response.content) > 20_000:
        return f"a {len(response.content)}-byte error echoes the input"
    return None


async def test_nasty_inputs_are_refused_naming_the_field(admin_api: Api) -> None:
    """The whole table against one app: every row is checked, all problems reported at once."""
    problems = []
    for endpoint, bad in catalogue():
        before = await row_counts(admin_api)
        try:
            problem = await refusal_problem(admin_api, endpoint, bad)
        except Exception as exc:  # raised by the app through ASGITransport: a 500
            problem = f"server error: {type(exc).__name__}: {str(exc)[:200]}"
        if problem is None and await row_counts(admin_api) != before:
            problem = "the database changed"
        if problem is not None:
            problems.append(f"{endpoint} [{bad.id}]: {problem}")

    assert problems == [], "\n".join(problems)


async def test_endpoints_without_input_ignore_junk(admin_api: Api) -> None:
    problems = []
    for endpoint in sorted(NO_INPUT):
        method, template = endpoint.split(" ")
        url = template.replace("{name}", admin_api.app.state.runtime.default_name)
        before = await row_counts(admin_api)
        response = await admin_api.client.request(
            method,
            url,
            params={"x": "\x00🙂\u202e", "limit": "1e309"},
            content=b"\xff{NaN",
            headers={"content-type": "application/json", "X-API-Key": ADMIN_KEY},
        )
        if response.status_code >= 500:
            problems.append(f"{endpoint}: {response.status_code} {response.text[:200]}")
        elif response.status_code >= 400 and "error" not in response.json():
            problems.append(f"{endpoint}: not the error shape: {response.text[:200]}")
        if await row_counts(admin_api) != before:
            problems.append(f"{endpoint}: the database changed")

    assert problems == [], "\n".join(problems)


async def test_batch_rows_with_nasty_values_are_reported_per_row_and_not_logged(
    admin_api: Api,
) -> None:
    """A batch file is not refused for bad rows: each one carries its reason in `error`, and
    only valid rows are scored and logged."""
    from driftscope.contract import FRAUD_CONTRACT

    names = FRAUD_CONTRACT.names
    example = {k: "" if v is None else str(v) for k, v in FRAUD_CONTRACT.example().items()}
    nasty = ["NaN", "inf", "-inf", "1e309", "1" + "0" * 400, "-1", "🙂", "\u202e5", "5\x00"]
    lines = [",".join(["transaction_id", *names])]
    for i, value in enumerate(nasty):
        lines.append(",".join([f"bad-{i}", *({**example, "amount": value}[n] for n in names)]))
    lines.append(",".join(["extra-field", *(example[n] for n in names), "junk"]))
    lines.append(",".join(["good", *(example[n] for n in names)]))
    before = await row_counts(admin_api)

    response = await admin_api.client.post(
        BATCH.split(" ")[1],
        content="\n".join(lines).encode() + b"\n",
        headers={"content-type": "text/csv", "X-API-Key": ADMIN_KEY},
    )

    assert response.status_code == 200, response.text[:500]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["id"] for r in rows] == [f"bad-{i}" for i in range(len(nasty))] + [
        "extra-field",
        "good",
    ]
    for row in rows[:-1]:
        assert row["error"] and not row["fraud_probability"], row
    assert not rows[-1]["error"] and rows[-1]["fraud_probability"]
    after = await row_counts(admin_api)
    assert after["predictions"] == before["predictions"] + 1  # only the good row is logged

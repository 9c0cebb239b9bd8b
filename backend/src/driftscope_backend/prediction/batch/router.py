"""POST /api/v1/predict/batch: a CSV upload scored block by block, streamed back as CSV."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterator
from typing import IO, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from driftscope.contract import FRAUD_CONTRACT
from driftscope.errors import OverloadedError
from driftscope.logs import request_id_var
from driftscope.serving.artifact import LoadedModel
from driftscope_backend.http import LeanRoute
from driftscope_backend.prediction.batch.reader import parse_header, read_header, row_blocks
from driftscope_backend.prediction.batch.service import (
    BatchScorer,
    BlockLog,
    Processed,
)
from driftscope_backend.prediction.batch.upload import spool_upload
from driftscope_backend.prediction.state import FRAUD_CLASSES
from driftscope_backend.prediction.writer import PredictionWriter
from driftscope_backend.runtime import MODEL_NAME_PARAMETER, Runtime
from driftscope_backend.security import check_client

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1", tags=["prediction"])
# How long a batch waits for the database to take a block (retrying with backoff) before it
# gives up and ends the response early.
LOG_WAIT_S = 60.0
RETRY_MAX_S = 2.0


async def predict_batch(request: Request) -> Response:
    """Score a CSV file; the response streams one CSV row per input row, in input order.

    Rows that fail validation carry the reason in `error` and are not scored; the file is
    never rejected for them. Every scored row is logged with `source=batch`.
    """
    runtime: Runtime = request.app.state.runtime
    check_client(runtime, request)
    return await _score_upload(request, runtime, runtime.require_model(), FRAUD_CLASSES)


async def model_predict_batch(request: Request) -> Response:
    """Score a CSV file with model `name` (its columns: `GET /api/v1/models/{name}/schema`);
    streamed back as for `/api/v1/predict/batch`, the decision named by the model's classes."""
    runtime: Runtime = request.app.state.runtime
    check_client(runtime, request)
    state = runtime.state_of(request.path_params["name"])
    return await _score_upload(request, runtime, state.require(), state.classes)


async def _score_upload(
    request: Request, runtime: Runtime, model: LoadedModel, classes: tuple[str, str]
) -> Response:
    source = await spool_upload(request, runtime.settings.batch_max_bytes)
    try:
        layout = parse_header(read_header(source), model.contract)
        scorer = BatchScorer(
            model,
            layout,
            use_rules=runtime.settings.rules_enabled,
            log=runtime.writer.bulk,
            request_id=request_id_var.get(),
            classes=classes,
            profile=await runtime.writer.profile_of(model.model_name, model.version),
        )
    except BaseException:
        source.close()
        raise
    body = stream_results(runtime.writer, scorer, source, runtime.settings.batch_chunk_rows)
    return StreamingResponse(body, media_type="text/csv; charset=utf-8")


async def stream_results(
    writer: PredictionWriter, scorer: BatchScorer, source: IO[bytes], chunk_rows: int
) -> AsyncIterator[bytes]:
    """Header, then each block's rows once they are stored, so every prediction id sent is in
    the database; the next block is scored in a thread meanwhile, overlapping the write."""
    blocks = row_blocks(source, chunk_rows)
    pending: asyncio.Future[Processed | None] | None = None
    started, logged = time.monotonic(), 0
    try:
        yield scorer.header
        pending = asyncio.ensure_future(asyncio.to_thread(_process_next, scorer, blocks))
        while (processed := await pending) is not None:
            pending = asyncio.ensure_future(asyncio.to_thread(_process_next, scorer, blocks))
            _, out, block_log = processed
            logged += await store_block(writer, block_log)
            yield out
        log.info(
            "batch scored: %d rows logged in %.1f s (model v%d)",
            logged,
            time.monotonic() - started,
            scorer.model.version,
        )
    finally:
        if pending is not None and not pending.done():
            # the client went away: the block being scored is dropped (and was never sent)
            pending.add_done_callback(_discard)
        source.close()


def _discard(future: asyncio.Future[Processed | None]) -> None:
    if not future.cancelled():
        future.exception()  # retrieved: a block read from the closed file fails quietly


def _process_next(scorer: BatchScorer, blocks: Iterator[bytes]) -> Processed | None:
    block = next(blocks, None)
    return None if block is None else scorer.process(block)


async def store_block(writer: PredictionWriter, logged: BlockLog) -> int:
    """Write a block's log rows and counts in one transaction, retrying with backoff while the
    database is unavailable: a batch waits rather than drop rows, up to LOG_WAIT_S, then it
    fails. Returns the rows stored."""
    if not logged.rows:
        return 0
    delay, deadline = 0.1, time.monotonic() + LOG_WAIT_S
    while True:
        try:
            await writer.write_now(logged.write, logged.rows, logged.counts)
            return logged.rows
        except Exception as exc:
            if time.monotonic() + delay > deadline:
                raise OverloadedError(f"prediction log unavailable: {exc}") from exc
        await asyncio.sleep(delay)
        delay = min(2 * delay, RETRY_MAX_S)


_EXAMPLE_HEADER = ",".join(["transaction_id", *FRAUD_CONTRACT.names])
_EXAMPLE_ROW = ",".join(
    ["txn-1", *("" if v is None else str(v) for v in FRAUD_CONTRACT.example().values())]
)
BATCH_BODY_DOC: dict[str, Any] = {
    "required": True,
    "description": "CSV with a header row: the contract's columns (`GET /api/v1/schema`), "
    "optionally `transaction_id` or `id`. Raw body (`text/csv`) or a form upload (field `file`).",
    "content": {
        "text/csv": {
            "schema": {"type": "string", "format": "binary"},
            "example": f"{_EXAMPLE_HEADER}\n{_EXAMPLE_ROW}\n",
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary", "description": "the CSV file"}
                },
                "required": ["file"],
            },
            "example": {"file": "transactions.csv"},
        },
    },
}
BATCH_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "One CSV row per input row, in input order (streamed)",
        "content": {
            "text/csv": {
                "schema": {"type": "string"},
                "example": ",".join(
                    ["id", "fraud_probability", "decision", "path", "model_version", "error"]
                )
                + ",prediction_id\ntxn-1,0.193612,legit,model,1,,0b5c3a4e-7f55-4f2b-9a7c-0a8d3e1f2b44\n"
                'txn-2,,,,1,"amount: -3 is below the minimum 0",\n',
            }
        },
    },
    413: {"description": "Upload larger than DRIFTSCOPE_BATCH_MAX_BYTES"},
    422: {
        "description": "Header does not match the contract, empty file, no `file` field, or bytes "
        'that are not UTF-8: `{"error": {"code", "message", "details": [{"field", "reason"}]}}`'
    },
    503: {"description": "No model loaded"},
}

router.add_api_route(
    "/predict/batch",
    predict_batch,
    methods=["POST"],
    summary="Score a CSV file (streamed CSV back)",
    response_model=None,
    response_class=Response,  # the 200 body is the CSV documented below, never JSON
    responses=BATCH_RESPONSES,
    openapi_extra={"requestBody": BATCH_BODY_DOC},
    route_class_override=LeanRoute,
)
router.add_api_route(
    "/models/{name}/predict/batch",
    model_predict_batch,
    methods=["POST"],
    summary="Score a CSV file with model `name` (streamed CSV back)",
    response_model=None,
    response_class=Response,
    responses={
        **BATCH_RESPONSES,
        404: {"description": "Unknown model (`unknown_model`)"},
        409: {"description": "An external (monitor-only) model: `external_model`"},
    },
    openapi_extra={
        "requestBody": {
            **BATCH_BODY_DOC,
            "description": "CSV with a header row: the model's feature columns "
            "(`GET /api/v1/models/{name}/schema`), optionally `transaction_id` or `id`.",
        },
        "parameters": [MODEL_NAME_PARAMETER],
    },
    route_class_override=LeanRoute,
)

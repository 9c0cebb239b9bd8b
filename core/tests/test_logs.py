"""Structured logs: JSON lines with the request id stamped at record time, readable text on a TTY."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from driftscope.logs import JSONFormatter, TextFormatter, request_id_var, stamp_request_ids


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stamp_request_ids()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    logger = logging.getLogger("driftscope.test-logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_line_has_fields_extras_and_the_request_id(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    token = request_id_var.set("req-1")
    try:
        logger.info("scored %d rows", 3, extra={"path": "/api/v1/predict", "status": 200})
    finally:
        request_id_var.reset(token)
    logger.warning("outside a request")

    inside, outside = lines(stream)
    assert inside["message"] == "scored 3 rows" and inside["level"] == "info"
    assert inside["logger"] == "driftscope.test-logs"
    assert inside["request_id"] == "req-1"
    assert inside["path"] == "/api/v1/predict" and inside["status"] == 200
    assert str(inside["ts"]).endswith("+00:00")
    assert "request_id" not in outside


def test_exceptions_and_odd_values_still_make_one_json_line(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("failed", extra={"value": object(), "ratio": float("nan")})

    (entry,) = lines(stream)
    assert "ValueError: boom" in str(entry["exc"])
    assert entry["level"] == "error"


def test_text_format_is_readable_with_key_values() -> None:
    stamp_request_ids()
    record = logging.getLogger("x").makeRecord(
        "x", logging.INFO, __file__, 1, "hello", (), None, extra={"status": 200}
    )
    assert TextFormatter().format(record).endswith("x: hello status=200")


async def test_json_line_sink_batches_whole_lines_until_flushed() -> None:
    import asyncio
    import os

    from driftscope.logs import JsonLineSink

    read_fd, write_fd = os.pipe()
    os.set_blocking(read_fd, False)
    sink = JsonLineSink(write_fd)
    try:
        sink.emit({"message": "GET /a 200", "latency_ms": 0.4})
        sink.emit({"message": "GET /b 404", "odd": object()})
        with pytest.raises(BlockingIOError):
            os.read(read_fd, 65_536)  # nothing written yet: one write per batch
        await asyncio.sleep(JsonLineSink.FLUSH_AFTER_S * 2)  # the scheduled flush
        first, second = [json.loads(line) for line in os.read(read_fd, 65_536).splitlines()]
    finally:
        os.close(read_fd)
        os.close(write_fd)
    assert first == {"message": "GET /a 200", "latency_ms": 0.4}
    assert second["message"] == "GET /b 404" and "object" in second["odd"]


async def test_deferred_lines_are_rendered_at_flush_in_order() -> None:
    import os

    from driftscope.logs import JsonLineSink

    read_fd, write_fd = os.pipe()
    sink = JsonLineSink(write_fd)
    rendered: list[int] = []

    def render(n: int) -> dict[str, int]:
        rendered.append(n)
        return {"n": n}

    try:
        sink.emit_deferred(render, (1,))
        sink.emit({"n": 2})
        sink.emit_deferred(render, (3,))
        assert rendered == []  # a request pays for an append; rendering waits for the flush
        sink.flush()
        assert rendered == [1, 3]
        data = os.read(read_fd, 65_536)
    finally:
        os.close(read_fd)
        os.close(write_fd)
    assert [json.loads(line)["n"] for line in data.splitlines()] == [1, 2, 3]


def test_utc_timestamp_matches_datetime_isoformat_to_the_millisecond() -> None:
    from datetime import UTC, datetime

    from driftscope.logs import utc_timestamp

    # Whole seconds, the last millisecond of a second, float noise below a millisecond, and a
    # second change between two calls (the cached seconds part must follow).
    for epoch in (0.0, 1.9995, 1733335805.123, 1733335805.9999996, 1733335806.0005):
        expected = datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")
        assert utc_timestamp(epoch) == expected

"""Receiving a batch upload (raw CSV body or multipart `file`) into a bounded, checked spool file."""

from __future__ import annotations

import codecs
from collections.abc import AsyncGenerator, AsyncIterator
from tempfile import SpooledTemporaryFile
from typing import IO

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from driftscope.errors import BodyTooLargeError, ContractError

# Up to this much of an upload stays in memory; the rest goes to a temporary file, so a
# 200 MB upload costs disk, not memory.
SPOOL_MEMORY_BYTES = 4 * 1024 * 1024
READ_BYTES = 1 << 20


async def spool_upload(request: Request, limit: int) -> IO[bytes]:
    """The uploaded CSV bytes, checked (size ≤ `limit`, UTF-8, not empty), rewound to the start.

    The whole upload is received before any output is sent: a client that sends its whole
    body before reading the response (most do) cannot deadlock with a streamed answer.
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        chunks = _form_file(request, limit)
    elif content_type.startswith("application/x-www-form-urlencoded"):
        raise _no_file()  # an HTML form without enctype=multipart/form-data
    else:
        chunks = _bounded(request.stream(), limit)
    spool: IO[bytes] = SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)  # noqa: SIM115
    try:
        size = await _copy_checked(chunks, spool)
    except BaseException:
        spool.close()
        raise
    if size == 0:
        spool.close()
        raise ContractError("empty file", [{"field": "body", "reason": "empty file"}])
    spool.seek(0)
    return spool


async def _bounded(chunks: AsyncIterator[bytes], limit: int) -> AsyncGenerator[bytes, None]:
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        yield chunk


async def _form_file(request: Request, limit: int) -> AsyncIterator[bytes]:
    """The bytes of the form's `file` field (the parser spools it; the limit counts the body)."""
    parser = MultiPartParser(request.headers, _bounded(request.stream(), limit), max_files=1)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise ContractError(
            f"malformed form upload: {exc.message}", [{"field": "body", "reason": exc.message}]
        ) from exc
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        await form.close()
        raise _no_file()
    try:
        while chunk := await upload.read(READ_BYTES):
            yield chunk
    finally:
        await form.close()


async def _copy_checked(chunks: AsyncIterator[bytes], spool: IO[bytes]) -> int:
    """Copy to `spool`, refusing bytes that are not UTF-8 (422 naming the line and offset)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    size = lines = 0
    async for chunk in chunks:
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise _not_utf8(chunk, exc, size, lines) from exc
        spool.write(chunk)
        size += len(chunk)
        lines += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise _not_utf8(b"", exc, size, lines) from exc
    return size


def _not_utf8(chunk: bytes, exc: UnicodeDecodeError, offset: int, lines: int) -> ContractError:
    line = lines + chunk.count(b"\n", 0, max(exc.start, 0)) + 1
    at = offset + max(exc.start, 0)
    reason = f"not UTF-8: invalid byte at line {line} (byte offset {at})"
    return ContractError(
        f"CSV upload is {reason}", [{"field": "body", "reason": reason, "line": line}]
    )


def _no_file() -> ContractError:
    reason = "send the CSV as a text/csv body or as a multipart/form-data file field 'file'"
    return ContractError(reason, [{"field": "file", "reason": reason}])


def _too_large(limit: int) -> BodyTooLargeError:
    reason = f"upload exceeds {limit} bytes (DRIFTSCOPE_BATCH_MAX_BYTES)"
    return BodyTooLargeError(reason, [{"field": "body", "reason": reason, "limit_bytes": limit}])

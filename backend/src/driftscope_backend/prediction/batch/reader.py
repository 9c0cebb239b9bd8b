"""Reading a batch CSV: the header checked against the contract, then blocks of whole rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
import pandas as pd

from driftscope.contract import FeatureContract
from driftscope.errors import ContractError

ID_COLUMNS = ("transaction_id", "id")
READ_BYTES = 1 << 20
MAX_HEADER_BYTES = 64 * 1024
MAX_PENDING_BYTES = 32 * 1024 * 1024  # bytes held while looking for the end of a block
_NEWLINE, _QUOTE = ord("\n"), ord('"')
_SPARE = "\x00spare"


@dataclass(frozen=True)
class CsvLayout:
    """The columns of an uploaded file, in file order, and which one carries the row id."""

    columns: tuple[str, ...]
    id_column: str | None


MAX_HEADER_PROBLEMS = 50


def parse_header(line: bytes, contract: FeatureContract) -> CsvLayout:
    """Check the header row; one ContractError names every missing, extra or repeated column."""
    text = line.decode("utf-8").removeprefix("\ufeff")
    columns = tuple(name.strip() for name in next(csv.reader([text]), []))
    if not any(columns):
        raise ContractError("empty file: no header row", [{"field": "body", "reason": "empty"}])
    present = set(columns)
    id_column = next((c for c in ID_COLUMNS if c in present), None)
    allowed = {*contract.names, contract.label, *([id_column] if id_column else [])}
    details = [
        {"field": name, "reason": "missing column"}
        for name in contract.names
        if name not in present
    ]
    details += [
        {"field": name, "reason": "unexpected column"} for name in columns if name not in allowed
    ]
    seen: set[str] = set()
    for name in columns:
        if name in seen and name in allowed:
            details.append({"field": name, "reason": "repeated column"})
        seen.add(name)
    if details:
        if len(details) > MAX_HEADER_PROBLEMS:  # e.g. a million junk columns: a readable error
            more = len(details) - MAX_HEADER_PROBLEMS
            details = [
                *details[:MAX_HEADER_PROBLEMS],
                {"field": "header", "reason": f"{more} more problems not listed"},
            ]
        listing = "; ".join(f"{d['field'][:64]}: {d['reason']}" for d in details)
        raise ContractError(
            f"CSV header does not match the '{contract.model_name}' contract: {listing}", details
        )
    return CsvLayout(columns, id_column)


def _row_ends(buffer: bytes) -> np.ndarray:
    """Offsets of the newlines that end a row (a newline inside a quoted field does not)."""
    data = np.frombuffer(buffer, dtype=np.uint8)
    ends = np.flatnonzero(data == _NEWLINE)
    if ends.size and buffer.find(b'"') >= 0:
        quoted = np.cumsum(data == _QUOTE)[ends] % 2 == 1
        ends = ends[~quoted]
    return ends


def row_blocks(source: IO[bytes], rows: int) -> Iterator[bytes]:
    """Consecutive blocks of at most `rows` complete rows (bytes) from a binary file.

    Memory stays bounded by MAX_PENDING_BYTES even for rows without an end (an unclosed quote,
    a file without line breaks): such a run is passed on as one row, which fails its checks.
    """
    pending = b""
    while True:
        data = source.read(max(READ_BYTES, rows * 128))
        pending += data
        ends = _row_ends(pending)
        while len(ends) >= rows or (not data and len(ends)):
            cut = int(ends[min(rows, len(ends)) - 1]) + 1
            yield pending[:cut]
            pending = pending[cut:]
            ends = _row_ends(pending)
        if len(pending) > MAX_PENDING_BYTES:
            cut = int(ends[-1]) + 1 if len(ends) else len(pending)
            yield pending[:cut] if len(ends) else pending + b"\n"
            pending = pending[cut:]
        if not data:
            if pending.strip():
                yield pending + b"\n"
            return


def read_header(source: IO[bytes]) -> bytes:
    """The header row (without its newline); leaves `source` positioned after it."""
    start = source.tell()
    head = b""
    while True:
        data = source.read(64 * 1024)
        head += data
        ends = _row_ends(head)
        if not ends.size and len(head) > MAX_HEADER_BYTES:
            reason = f"no header row in the first {MAX_HEADER_BYTES} bytes"
            raise ContractError(reason, [{"field": "header", "reason": reason}])
        if ends.size or not data:
            cut = int(ends[0]) + 1 if ends.size else len(head)
            source.seek(start + cut)
            return head[:cut].rstrip(b"\r\n")


def parse_block(
    block: bytes, layout: CsvLayout, text_columns: dict[str, Any]
) -> tuple[pd.DataFrame, list[str | None]]:
    """A DataFrame of the block's rows, and a per-row structural error (wrong field count)."""
    width = len(layout.columns)
    try:
        frame = pd.read_csv(
            io.BytesIO(block),
            header=None,
            # one spare column catches a row with one field too many; more is a ParserError
            names=[*layout.columns, _SPARE],
            dtype=text_columns,
            keep_default_na=False,
            na_values=[""],
            index_col=False,
            engine="c",
        )
    except pd.errors.ParserError:  # a row with fields to spare: redo this block row by row
        return _parse_block_slowly(block, layout)
    spare = frame.pop(_SPARE).notna().to_numpy()
    if spare.any():
        return frame, [f"row: {width + 1} fields, expected {width}" if s else None for s in spare]
    return frame, [None] * len(frame)


def _parse_block_slowly(block: bytes, layout: CsvLayout) -> tuple[pd.DataFrame, list[str | None]]:
    width = len(layout.columns)
    rows: list[list[str | None]] = []
    errors: list[str | None] = []
    for fields in csv.reader(io.StringIO(block.decode("utf-8"))):
        if not fields:
            continue  # blank line, skipped as the fast path does
        if len(fields) > width:
            errors.append(f"row: {len(fields)} fields, expected {width}")
            fields = [""] * width
        else:
            errors.append(None)
        rows.append([f if f != "" else None for f in fields] + [None] * (width - len(fields)))
    frame = pd.DataFrame(rows, columns=list(layout.columns), dtype=object)
    return frame, errors

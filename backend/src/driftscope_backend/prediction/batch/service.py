"""Batch CSV scoring: vectorised validation, rules and model per block, CSV output, log INSERTs."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from driftscope.contract import FRAUD_CONTRACT
from driftscope.db import BATCH_SOURCE
from driftscope.db.bulk import BulkInsert
from driftscope.db.copy import CopyRows
from driftscope.ids import uuid7
from driftscope.serving.artifact import LoadedModel
from driftscope.window_counts import bucket_of
from driftscope_backend.prediction.batch.checks import check_feature, check_ids
from driftscope_backend.prediction.batch.ids import PredictionIds, prediction_ids
from driftscope_backend.prediction.batch.reader import CsvLayout, parse_block
from driftscope_backend.prediction.counting import counts_row
from driftscope_backend.prediction.service import REQUEST_ID_MAX
from driftscope_backend.prediction.state import FRAUD_CLASSES
from driftscope_backend.prediction.writer import Row, Statements

log = logging.getLogger(__name__)
OUTPUT_COLUMNS = (
    "id",
    "fraud_probability",
    "decision",
    "path",
    "model_version",
    "error",
    "prediction_id",
)
OUTPUT_HEADER = (",".join(OUTPUT_COLUMNS) + "\n").encode()
# Another model's file names the probability by what it is (the positive class's).
MODEL_OUTPUT_HEADER = OUTPUT_HEADER.replace(b"fraud_probability", b"probability")


@dataclass
class ScoredBlock:
    """One block's results: row order as in the file; invalid rows have an error and no score."""

    ids: list[str | None]
    probability: np.ndarray  # NaN where the row is invalid
    fraud: np.ndarray  # bool decision (False where invalid)
    by_rules: np.ndarray  # bool: decided by one of the model's rules, not the model
    errors: list[str | None]
    valid: np.ndarray  # bool mask
    features: dict[str, Any]  # contract column → JSON-ready values per row (valid rows count)
    prediction_ids: PredictionIds | None  # None when the rows are not going to be logged
    elapsed_us: int

    @property
    def n(self) -> int:
        return len(self.errors)


LogWrite = Statements | CopyRows  # a block's log rows: INSERTs (SQLite), COPY records (PostgreSQL)


@dataclass(frozen=True)
class BlockLog:
    """A block's log write and the window counts of its rows, stored in one transaction. The
    counts row's id is fixed when the block is made, so a retried write adds nothing twice."""

    write: LogWrite
    rows: int
    counts: list[Row]


NOTHING_LOGGED = BlockLog([], 0, [])
Processed = tuple[ScoredBlock, bytes, BlockLog]  # a block's result, CSV rows, its log write


class BatchScorer:
    """Scores CSV row blocks against one loaded model (no I/O: callers read and write)."""

    def __init__(
        self,
        model: LoadedModel,
        layout: CsvLayout,
        *,
        use_rules: bool = True,
        log: BulkInsert | None = None,
        request_id: str | None = None,
        classes: tuple[str, str] = FRAUD_CLASSES,
        profile: Mapping[str, Any] | None = None,
    ) -> None:
        self.model = model
        self.profile = profile  # the version's reference profile: logged blocks are counted
        # Decisions are named by the model's classes (positive first), as CSV fields.
        self.classes = (_cell(classes[0]), _cell(classes[1]))
        self.header = OUTPUT_HEADER if classes == FRAUD_CLASSES else MODEL_OUTPUT_HEADER
        self.use_rules = use_rules  # DRIFTSCOPE_RULES_ENABLED, as on /predict
        self.log = log  # rows get prediction ids (and INSERTs) only when they are logged
        self.request_id = request_id[:REQUEST_ID_MAX] if request_id else None
        self.contract = model.contract
        self._lenient = model.contract.model_name != FRAUD_CONTRACT.model_name
        self.layout = layout
        text = [f.name for f in self.contract.features if f.is_categorical or f.kind == "text"]
        # A text model reads its one text column whole (driftscope.text.serving).
        self._texts = any(f.kind == "text" for f in self.contract.features)
        if layout.id_column:
            text.append(layout.id_column)
        self._text_columns = {name: object for name in text}

    def score(self, block: bytes) -> ScoredBlock:
        started = time.perf_counter_ns()
        frame, structural = parse_block(block, self.layout, self._text_columns)
        n = len(frame)
        problems: dict[int, list[str]] = {i: [r] for i, r in enumerate(structural) if r}
        ids = self._ids(frame, problems)
        encoded, typed = [], {}
        for feature in self.contract.features:
            check = check_feature(feature, frame[feature.name], lenient=self._lenient)
            for row, reason in sorted(check.reasons.items()):
                problems.setdefault(row, []).append(f"{feature.name}: {reason}")
            encoded.append(check.encoded)
            typed[feature.name] = check.typed
        errors: list[str | None] = [None] * n
        valid = np.ones(n, dtype=bool)
        for row, reasons in problems.items():
            errors[row] = "; ".join(reasons)
            valid[row] = False
        probability = np.full(n, np.nan)
        fraud, by_rules = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
        if valid.any():
            if self._texts:
                matrix = np.asarray(encoded[0], dtype=object)[valid]
            else:
                matrix = np.column_stack(encoded).astype(np.float32)[valid]
            probability[valid], fraud[valid], by_rules[valid] = self._decide(matrix)
        prediction = prediction_ids(self.model.model_name, ids) if self.log is not None else None
        elapsed_us = (time.perf_counter_ns() - started) // 1_000
        return ScoredBlock(
            ids, probability, fraud, by_rules, errors, valid, typed, prediction, elapsed_us
        )

    def _decide(self, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(probability, fraud, by rules) per row, as service.score decides one."""
        return self.model.decide_matrix(matrix, self.use_rules)

    def _ids(self, frame: pd.DataFrame, problems: dict[int, list[str]]) -> list[str | None]:
        if self.layout.id_column is None:
            return [None] * len(frame)
        ids, bad = check_ids(frame[self.layout.id_column])
        for row, reason in bad.items():
            problems.setdefault(row, []).append(f"{self.layout.id_column}: {reason}")
        return ids

    def to_csv(self, block: ScoredBlock) -> bytes:
        """The block's output rows (no header), in input order."""
        if not block.n:
            return b""
        valid = block.valid
        probability = np.round(block.probability, 6).astype(str)
        columns = [
            _cells(block.ids),
            np.where(valid, probability, "").tolist(),
            np.where(valid, np.where(block.fraud, *self.classes), "").tolist(),
            np.where(valid, np.where(block.by_rules, "rules", "model"), "").tolist(),
            [str(self.model.version)] * block.n,
            [_cell(e) for e in block.errors] if not valid.all() else [""] * block.n,
            np.where(valid, np.asarray(block.prediction_ids.text()), "").tolist()
            if block.prediction_ids is not None
            else [""] * block.n,
        ]
        return ("\n".join(map(",".join, zip(*columns, strict=True))) + "\n").encode()

    def inserts(self, block: ScoredBlock) -> BlockLog:
        """The write logging the valid rows (source "batch"): a binary COPY on PostgreSQL (5-8x
        the rows/s of INSERT, docs/BENCHMARKS.md), INSERTs on SQLite; values built column by
        column as the driver takes them; latency is the block's processing time per row.
        With a profile, the rows' window counts too (one bucket: the block's time)."""
        log, valid = self.log, block.valid
        if log is None or block.prediction_ids is None or not valid.any():
            return NOTHING_LOGGED
        model, names = self.model, self.contract.names
        features = [np.asarray(block.features[name])[valid].tolist() for name in names]
        logged = [
            self._logged(dict(zip(names, values, strict=True)))
            for values in zip(*features, strict=True)
        ]
        scores, ts = block.probability[valid].tolist(), datetime.now(UTC)
        write = log.copy_columns if log.postgres else log.insert_columns
        rows = write(
            {
                "id": block.prediction_ids.hex(valid),
                "model_name": model.model_name,
                "model_version": model.version,
                "ts": ts,
                "transaction_id": [block.ids[row] for row in np.flatnonzero(valid).tolist()],
                "features": [log.json_text(record) for record in logged],
                "score": scores,
                "decision": block.fraud[valid].tolist(),
                "threshold": model.threshold,
                "path": np.where(block.by_rules[valid], "rules", "model").tolist(),
                "variant": "production",
                "latency_us": block.elapsed_us // max(block.n, 1),
                "request_id": self.request_id,
                "source": BATCH_SOURCE,
            }
        )
        return BlockLog(rows, len(scores), self._counts(logged, scores, ts))

    def _counts(self, logged: list[dict[str, Any]], scores: list[float], ts: datetime) -> list[Row]:
        """The block's window counts row (none without a profile). Counting never costs a row:
        if it fails, the block is logged without counts (the worker reads it raw)."""
        if self.profile is None:
            return []
        model = self.model
        key = (model.model_name, model.version, "production", BATCH_SOURCE, bucket_of(ts))
        thresholds = [model.threshold] * len(scores)
        try:
            return [counts_row(key, self.profile, logged, scores, thresholds, uuid7())]
        except Exception:
            log.exception(
                "counting a batch block of %d rows failed; logged without counts", len(scores)
            )
            return []

    def _logged(self, record: dict[str, Any]) -> dict[str, Any]:
        """A row's logged features, as /predict logs them (a text model: text + descriptors)."""
        describe = self.model.describe
        return record if describe is None else describe(record, None)

    def process(self, block: bytes) -> Processed:
        """Score a block: the result, its CSV rows, and the write logging it (nothing unless
        logged)."""
        scored = self.score(block)
        return scored, self.to_csv(scored), self.inserts(scored)


def score_blocks(
    scorer: BatchScorer, blocks: Iterator[bytes], workers: int = 2
) -> Iterator[Processed]:
    """`scorer.process` of each block in input order, `workers` blocks at a time in threads:
    parsing and the compiled evaluator release the GIL, so a second core helps. At most
    `workers` + 1 blocks are held at once."""
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="batch-score") as pool:
        pending: deque[Future[Processed]] = deque()
        for block in blocks:
            pending.append(pool.submit(scorer.process, block))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _cells(values: list[str | None]) -> list[str]:
    """CSV fields for a column, quoting only if some value needs it (ids rarely do)."""
    plain = ["" if v is None else v for v in values]
    joined = "".join(plain)
    if any(c in joined for c in ',"\r\n'):
        return [_cell(v) for v in plain]
    return plain


def _cell(value: str | None) -> str:
    """A CSV field: quoted only when it holds a separator, quote or line break."""
    if value is None:
        return ""
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value

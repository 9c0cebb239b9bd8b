"""Reading a batch CSV: header checks and row blocks that never split a row (quotes included)."""

from __future__ import annotations

import csv
import io

import pytest

from driftscope.contract import FRAUD_CONTRACT
from driftscope.errors import ContractError
from driftscope_backend.prediction.batch import reader
from driftscope_backend.prediction.batch.reader import parse_header, read_header, row_blocks

NAMES = FRAUD_CONTRACT.names


def test_header_with_bom_spaces_id_and_label_is_accepted() -> None:
    line = ("\ufefftransaction_id, " + ", ".join(NAMES) + ",is_fraud").encode()

    layout = parse_header(line, FRAUD_CONTRACT)

    assert layout.id_column == "transaction_id"
    assert layout.columns[1:-1] == tuple(NAMES)


def test_id_column_falls_back_to_id_and_a_second_one_is_unexpected() -> None:
    assert parse_header(",".join(["id", *NAMES]).encode(), FRAUD_CONTRACT).id_column == "id"

    with pytest.raises(ContractError) as caught:
        parse_header(",".join(["transaction_id", "id", *NAMES]).encode(), FRAUD_CONTRACT)
    assert caught.value.details == [{"field": "id", "reason": "unexpected column"}]


def test_repeated_column_is_named() -> None:
    with pytest.raises(ContractError) as caught:
        parse_header(",".join([*NAMES, "amount"]).encode(), FRAUD_CONTRACT)
    assert caught.value.details == [{"field": "amount", "reason": "repeated column"}]


def test_read_header_leaves_the_file_at_the_first_row() -> None:
    source = io.BytesIO(b'a,"b\nc"\r\n1,2\n')

    assert read_header(source) == b'a,"b\nc"'
    assert source.read() == b"1,2\n"


@pytest.mark.parametrize("rows_per_block", [1, 3, 1_000])
def test_blocks_hold_whole_rows_even_across_reads(
    rows_per_block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "READ_BYTES", 7)  # a read ends inside most rows
    rows = [["1", "plain"], ["2", "with\nnewline"], ["3", 'quote "" , comma'], ["4", ""]] * 5
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)

    blocks = list(row_blocks(io.BytesIO(text.getvalue().encode()), rows_per_block))

    parsed = [r for block in blocks for r in csv.reader(io.StringIO(block.decode()))]
    assert parsed == rows
    assert all(len(list(csv.reader(io.StringIO(b.decode())))) <= rows_per_block for b in blocks)


def test_last_row_without_newline_and_blank_tail() -> None:
    assert list(row_blocks(io.BytesIO(b"1,2\n3,4"), 10)) == [b"1,2\n", b"3,4\n"]
    assert list(row_blocks(io.BytesIO(b"1,2\n\n\n"), 10)) == [b"1,2\n\n\n"]


def test_batch_prediction_ids_are_time_ordered_unless_derived_from_a_row_id() -> None:
    import time
    import uuid

    from driftscope_backend.prediction.batch.ids import prediction_ids

    before_ms = time.time_ns() // 1_000_000
    ids = [uuid.UUID(text) for text in prediction_ids("fraud", [None, "txn-1", None]).text()]
    assert [i.version for i in ids] == [7, 5, 7]
    assert all(i.variant == uuid.RFC_4122 for i in ids)
    assert ids[0].int >> 80 >= before_ms and ids[0] != ids[2]

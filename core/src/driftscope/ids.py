"""UUIDs built without `uuid.UUID`'s argument checks, and random bits drawn in blocks, for the
ids made on every prediction and request."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

_new_uuid, _set_slot, _UNKNOWN = object.__new__, object.__setattr__, uuid.SafeUUID.unknown
# RFC 4122: version 4 in bits 76-79, variant 10 in bits 62-63 of the 128-bit integer.
_V4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_V4_SET = (0x4000 << 64) | (0x8000 << 48)


def uuid_from_int(value: int) -> uuid.UUID:
    """uuid.UUID(int=value) without the constructor's checks (a third of the cost of logging a
    row); UUID.__setstate__ fills the immutable slots the same way."""
    made: uuid.UUID = _new_uuid(uuid.UUID)
    _set_slot(made, "int", value)
    _set_slot(made, "is_safe", _UNKNOWN)
    return made


_BLOCK_BYTES = 4096  # 256 draws of 128 bits per os.urandom call
_draws: Iterator[int] = iter(())


def random_128() -> int:
    """128 bits from os.urandom, read a block at a time: one getrandom system call per 256
    draws instead of one per id (a system call costs microseconds on a busy machine).
    `next()` on a list iterator is atomic under the GIL, so threads never share a draw."""
    global _draws
    while True:
        try:
            return next(_draws)
        except StopIteration:
            block = os.urandom(_BLOCK_BYTES)
            _draws = iter([int.from_bytes(block[i : i + 16]) for i in range(0, _BLOCK_BYTES, 16)])


def _forget_draws() -> None:
    """A forked child must not hand out the draws its parent still holds."""
    global _draws, _hex_draws
    _draws = iter(())
    _hex_draws = iter(())


os.register_at_fork(after_in_child=_forget_draws)


_hex_draws: Iterator[str] = iter(())


def random_hex32() -> str:
    """32 random hex digits (what uuid4().hex looks like), e.g. a request id. Drawn like
    `random_128`, a block at a time, and the block rendered as hex once (`bytes.hex`, C)
    instead of formatting a 128-bit integer per request."""
    global _hex_draws
    while True:
        try:
            return next(_hex_draws)
        except StopIteration:
            text = os.urandom(_BLOCK_BYTES).hex()
            _hex_draws = iter([text[i : i + 32] for i in range(0, len(text), 32)])


_V7_RANDOM = (1 << 80) - 1  # rand_a (12 bits) + variant (2) + rand_b (62) under the timestamp
_V7_SET = (0x7000 << 64) | (0x8000 << 48)


def uuid7(now_ns: int | None = None) -> uuid.UUID:
    """A time-ordered UUID (RFC 9562 version 7): 48 bits of Unix milliseconds, then random bits.
    Ids made one after another sort (almost) in time order, so a B-tree index on them grows
    at its right edge instead of splitting pages all over (inserts append)."""
    millis = (time.time_ns() if now_ns is None else now_ns) // 1_000_000
    return uuid_from_int((millis << 80) | (random_128() & _V7_RANDOM & _V4_CLEAR) | _V7_SET)


def random_uuid4() -> uuid.UUID:
    """Same as uuid.uuid4() (os.urandom, version 4), in a fraction of its time."""
    return uuid_from_int(random_128() & _V4_CLEAR | _V4_SET)

"""Raw-row sampling of the prediction log: which predictions keep their raw row past the hold.

A prediction's share is a 64-bit mix of its id (the splitmix64 finaliser of the id's two
halves XORed), so the choice is the same on every replica and every retry, whatever kind of
id it is (UUIDv7, version 5 from a transaction id, or a client's own, even sequential ones).
A shadow row takes its online twin's share, so a pair is kept or dropped together. Flagged
predictions (a positive decision, by the model or a rule) are always kept; labelled ones are
kept by the worker's `log_sample` job, which looks labels up before removing anything.
"""

from __future__ import annotations

import uuid

from driftscope.variants import SHADOW, origin_id

_MASK64 = (1 << 64) - 1
_FLOAT_BITS = 53  # a float64 holds 53 bits exactly: the share is k / 2**53


def _mix64(value: int) -> int:
    """splitmix64's finaliser: every input bit moves every output bit (a bijection on 64 bits)."""
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK64
    return value ^ (value >> 31)


def sample_share(prediction_id: uuid.UUID, variant: str = "production") -> float:
    """Where `prediction_id` falls in [0, 1): kept in a sample of rate r when below r."""
    key = (origin_id(prediction_id) if variant == SHADOW else prediction_id).int
    return (_mix64((key >> 64) ^ (key & _MASK64)) >> (64 - _FLOAT_BITS)) / (1 << _FLOAT_BITS)


def keeps_row(prediction_id: uuid.UUID, variant: str, decision: bool | None, rate: float) -> bool:
    """Whether a prediction's raw row is kept whatever labels come: in the hash-chosen share
    `rate`, or flagged (decided positive). Rate 1 keeps every row."""
    return rate >= 1 or bool(decision) or sample_share(prediction_id, variant) < rate

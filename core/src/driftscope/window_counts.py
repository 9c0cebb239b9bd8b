"""Window counts: a window's data counted into its reference profile's fixed bins, mergeable.

Drift statistics read counts in bins fixed on the reference, never raw rows, so a backend can
count its predictions as it logs them (one row of counts per model version, variant, source
and 10 s bucket) and the worker sums a window's rows instead of reading its predictions: the
cost of a monitoring run then depends on the number of buckets, not on traffic.

A counts document (`count_window`) holds, each a list of ints unless said:
- `features[name]`: numeric features on the profile's *fine* grid (1,000 quantiles; the coarse
  PSI bins are sums of fine bins, `binning.coarsen`) then missing; categorical features per
  known category, then unseen, then missing;
- `score`: the model's scores on the score entry's fine grid, then missing (no score);
- `moments`: what the label-free performance estimate needs (scored, flagged, Σp flagged,
  Σp not flagged, at each row's own threshold);
- `words[text feature]`: the vocabulary cells (messages containing each reference top-k word,
  then "other"), the messages counted, and the most common other words (`OTHER_WORDS` per
  document, so merged new-word lists are approximate; the test's cells are exact);
- `n`: rows.

Documents add up (`merge`): counts and sums add, other words add and are cut again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from driftscope.drift.binning import count_categorical, count_numeric

BUCKET_S = 10  # a counts row covers [bucket, bucket + BUCKET_S) seconds
OTHER_WORDS = 20  # most common non-top-k words kept per counts document
Counts = dict[str, Any]


def bucket_of(ts: datetime, bucket_s: int = BUCKET_S) -> datetime:
    """The start of the bucket holding `ts` (UTC, whole multiples of `bucket_s` since 1970)."""
    seconds = int(ts.timestamp()) // bucket_s * bucket_s
    return datetime.fromtimestamp(seconds, UTC)


def _numeric(values: Sequence[Any] | np.ndarray) -> np.ndarray:
    try:  # numbers, None (NaN) and numeric strings, as JSON may send them: one C pass
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):  # something that is not a number: missing, row by row
        return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(np.float64)


def _label(value: Any) -> str:
    """A category value as `binning.category_labels` makes it (booleans 'true'/'false')."""
    return ("true" if value else "false") if isinstance(value, (bool, np.bool_)) else str(value)


def _categorical(values: Sequence[Any] | np.ndarray, categories: Sequence[str]) -> list[int]:
    """`binning.count_categorical` for the few rows of one flush: a tally of the distinct
    values, each labelled once (pandas' set-up costs more than the counting here)."""
    if isinstance(values, np.ndarray) or len(values) > 10_000:
        counts, unseen, missing = count_categorical(values, categories)
        return [*counts, unseen, missing]
    index = {c: i for i, c in enumerate(categories)}
    counts = [0] * (len(categories) + 2)  # then unseen, then missing
    try:
        tally = Counter(values)
    except TypeError:  # an unhashable value (not a category): labelled by pandas
        counted, unseen, missing = count_categorical(values, categories)
        return [*counted, unseen, missing]
    for value, k in tally.items():
        slot = -1 if value is None or pd.isna(value) else index.get(_label(value), -2)
        counts[slot] += k
    return counts


def count_feature(entry: Mapping[str, Any], values: Sequence[Any] | np.ndarray) -> list[int]:
    """One feature's values counted into its profile entry's bins (see the module doc)."""
    if entry["type"] == "numeric":
        counts, missing = count_numeric(_numeric(values), entry["fine_edges"])
        return [*counts, missing]
    return _categorical(values, entry["categories"])


def _moments(scores: np.ndarray, thresholds: np.ndarray) -> dict[str, float]:
    known = ~np.isnan(scores)
    p, flagged = scores[known], scores[known] >= thresholds[known]
    return {
        "scored": int(known.sum()),
        "flagged": int(flagged.sum()),
        "p_flagged": float(p[flagged].sum()),
        "p_unflagged": float(p[~flagged].sum()),
    }


def _words(tokens: Sequence[str], texts: Iterable[Any]) -> dict[str, Any]:
    from driftscope.text.vocabulary import message_words  # text extras: only for text models

    presence: Counter[str] = Counter()
    messages = 0
    for text in texts:
        if isinstance(text, str):
            presence.update(set(message_words(text)))
            messages += 1
    top = [presence.pop(t, 0) for t in tokens]
    other = dict(presence.most_common(OTHER_WORDS))
    return {"cells": [*top, sum(presence.values())], "messages": messages, "other": other}


def count_window(
    profile: Mapping[str, Any],
    columns: Mapping[str, Sequence[Any]],
    scores: Sequence[float | None],
    thresholds: Sequence[float],
) -> Counts:
    """A counts document of rows given as `columns` (feature name → values, every column of
    the same length as `scores`; a feature the rows lack counts as missing), their scores
    (None/NaN: no score) and each row's decision threshold."""
    n = len(scores)
    score = np.array([np.nan if s is None else s for s in scores], dtype=np.float64)
    absent = [None] * n
    document: Counts = {
        "n": n,
        "features": {
            name: count_feature(entry, columns.get(name, absent))
            for name, entry in profile["features"].items()
        },
        "score": count_feature(profile["score"], score) if profile.get("score") else None,
        "moments": _moments(score, np.asarray(thresholds, dtype=np.float64)),
        "words": {
            name: _words(entry["tokens"], columns.get(name, absent))
            for name, entry in (profile.get("vocabulary") or {}).items()
        },
    }
    return document


def _add(a: list[int] | None, b: list[int] | None) -> list[int] | None:
    if a is None or b is None:
        return a if b is None else b
    if len(a) != len(b):
        raise ValueError(f"counts of different bins cannot be added ({len(a)} vs {len(b)})")
    return [x + y for x, y in zip(a, b, strict=True)]


def _add_words(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    other = Counter(a["other"])
    other.update(b["other"])
    return {
        "cells": _add(a["cells"], b["cells"]),
        "messages": a["messages"] + b["messages"],
        "other": dict(other.most_common(OTHER_WORDS)),
    }


def merge(documents: Iterable[Counts]) -> Counts | None:
    """The sum of counts documents of one profile (None when there are none)."""
    total: Counts | None = None
    for doc in documents:
        if total is None:
            total = {
                **doc,
                "features": dict(doc["features"]),
                "moments": dict(doc["moments"]),
                "words": dict(doc["words"]),
            }
            continue
        total["n"] += doc["n"]
        for name, counts in doc["features"].items():
            total["features"][name] = _add(total["features"].get(name), counts)
        total["score"] = _add(total["score"], doc["score"])
        for key, value in doc["moments"].items():
            total["moments"][key] = total["moments"].get(key, 0) + value
        for name, words in doc["words"].items():
            known = total["words"].get(name)
            total["words"][name] = words if known is None else _add_words(known, words)
    return total

"""`?explain=true` on /predict: contributions to each result's raw margin, per feature (tabular
kinds) or per token of the text (text models, driftscope.text.explain)."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

import numpy as np
from fastapi import Request
from pydantic import BaseModel, Field

from driftscope.errors import ContractError
from driftscope.serving.artifact import LoadedModel
from driftscope.text.explain import TextExplanation, TokenContribution
from driftscope.text.serving import TextMargin

# As pydantic reads a boolean query parameter elsewhere in the API: `?explain=` is not one.
_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}
EXPLAIN_PARAMETER: dict[str, Any] = {
    "name": "explain",
    "in": "query",
    "required": False,
    "description": "Add `explanation` to each result: contributions to the raw margin "
    "(log-odds before calibration) that sum with `bias` to `margin`. Off the fast path.",
    "schema": {"type": "boolean", "default": False},
    "example": True,
}


class Contribution(BaseModel):
    feature: str
    value: Any = Field(description="The input value as sent")
    contribution: float


TOP_TOKENS = 10  # tokens listed each way; the rest of the text is summed in `other`


class TokenOut(BaseModel):
    token: str = Field(
        description="As the model read it: a lower-cased word, or a run of symbols",
        examples=["free"],
    )
    contribution: float = Field(description="Its part of the margin, summed over occurrences")
    spans: list[tuple[int, int]] = Field(
        description="[start, end) of each occurrence in the text as sent, in code points "
        "(Python str indices; JavaScript: indices of Array.from(text))",
        examples=[[[0, 4], [31, 35]]],
    )


class TokensOut(BaseModel):
    """A text model's explanation: bias + Σ positive + Σ negative + other == margin."""

    feature: str = Field(description="The text feature explained", examples=["text"])
    positive: list[TokenOut] = Field(
        description=f"Up to {TOP_TOKENS} tokens pushing toward the positive class (the first "
        "of the model's classes, e.g. spam), largest first"
    )
    negative: list[TokenOut] = Field(
        description=f"Up to {TOP_TOKENS} tokens pushing toward the other class (e.g. ham), "
        "most negative first"
    )
    other: float = Field(description="The sum of every token not listed")


class ExplanationOut(BaseModel):
    available: bool
    method: Literal["tree_shap", "saabas", "linear", "points", "tokens"] | None = Field(
        None,
        description="tree_shap (xgboost, exact TreeSHAP), saabas (scikit-learn trees: path "
        "attribution), linear (logistic: coef·(x − mean)), points (rules scorecard), tokens "
        "(text models: tf-idf weight × coefficient per word and symbol run)",
    )
    bias: float | None = None
    margin: float | None = Field(None, description="bias + sum(contributions), or of tokens")
    contributions: list[Contribution] | None = Field(
        None, description="Tabular models: sorted by |contribution|, largest first"
    )
    tokens: TokensOut | None = Field(None, description="Text models: the words that pushed")
    reason: str | None = Field(None, description="Why no explanation, when available is false")


def explain_flag(request: Request) -> bool:
    """The `explain` query parameter; a value that is not a boolean is a 422 naming it."""
    if not request.scope["query_string"]:
        return False  # the usual case, without parsing a query string
    raw = request.query_params.get("explain")
    if raw is None or raw.lower() in _FALSE:
        return False
    if raw.lower() in _TRUE:
        return True
    reason = f"not a boolean: {raw[:40]!r} (use true or false)"
    raise ContractError(
        f"invalid input: explain: {reason}", [{"field": "explain", "reason": reason}]
    )


def _unavailable(reason: str) -> dict[str, Any]:
    return {"available": False, "reason": reason}


def _tokens(found: list[TokenContribution]) -> list[dict[str, Any]]:
    return [{"token": t.token, "contribution": t.contribution, "spans": t.spans} for t in found]


def _text_explanation(feature: str, found: TextExplanation) -> dict[str, Any]:
    return {
        "available": True,
        "method": "tokens",
        "bias": found.bias,
        "margin": found.margin,
        "tokens": {
            "feature": feature,
            "positive": _tokens(found.positive),
            "negative": _tokens(found.negative),
            "other": found.other,
        },
    }


def _explain(model: LoadedModel, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(model.evaluator, TextMargin):
        (feature,) = (f.name for f in model.contract.features if f.kind == "text")
        explain = model.evaluator.explain
        return [_text_explanation(feature, explain(r[feature], TOP_TOKENS)) for r in records]
    names = model.contract.names
    matrix = np.asarray([model.contract.encode_record(r) for r in records], dtype=np.float32)
    found = model.explain(matrix)
    return [
        e.to_dict(names, [r.get(n) for n in names]) for e, r in zip(found, records, strict=True)
    ]


async def add_explanations(
    models: list[LoadedModel], transactions: list[Any], results: list[dict[str, Any]]
) -> None:
    """Set `explanation` on each result, explaining with the model version that scored it."""
    by_version = {m.version: m for m in models}
    pending: dict[int, list[int]] = {}
    for i, result in enumerate(results):
        if result["replayed"]:
            result["explanation"] = _unavailable("replayed result: explained when first scored")
        elif result["path"] == "rules":
            result["explanation"] = _unavailable(f"decided by rule {result['rule']}")
        elif result["model_version"] not in by_version:
            result["explanation"] = _unavailable("the scoring model is no longer loaded")
        else:
            pending.setdefault(result["model_version"], []).append(i)
    for version, rows in pending.items():
        records = [transactions[i].model_dump(exclude={"transaction_id"}) for i in rows]
        # TreeSHAP / path walks take milliseconds, a text's tokens ~0.7: off the event loop.
        explained = await asyncio.to_thread(_explain, by_version[version], records)
        for i, explanation in zip(rows, explained, strict=True):
            results[i]["explanation"] = explanation

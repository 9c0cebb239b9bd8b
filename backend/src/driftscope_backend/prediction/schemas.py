"""Request and response models of /api/v1/predict and /api/v1/feedback, built from the contract."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    RootModel,
    TypeAdapter,
    create_model,
)

from driftscope.contract import FRAUD_CONTRACT, Feature, FeatureContract
from driftscope.spec.model import CATEGORY_MAX_LENGTH, CONTROL_CHARACTERS
from driftscope_backend.prediction.explain import ExplanationOut

CATEGORY_PATTERN = r"^[a-z0-9][a-z0-9_\-]{0,31}$"
# A user model's open categories: any non-empty string without control characters (real data
# is messy); the fraud model keeps CATEGORY_PATTERN.
USER_CATEGORY_PATTERN = f"^[^{CONTROL_CHARACTERS[1:-1]}]{{1,{CATEGORY_MAX_LENGTH}}}$"
MAX_ITEMS = 1_000


def _zero_one(value: Any) -> Any:
    """A user model's boolean also takes 0 and 1 (its CSV may have written them so)."""
    if type(value) is int and value in (0, 1):
        return bool(value)
    return value


def _whole(value: Any) -> Any:
    """A user model's integer also takes 3.0 (a whole number written as a float)."""
    if type(value) is float and value.is_integer():
        return int(value)
    return value


def _leniency(feature: Feature, lenient: bool) -> list[Any]:
    if lenient and feature.kind == "boolean":
        return [BeforeValidator(_zero_one)]
    if lenient and feature.kind == "integer":
        return [BeforeValidator(_whole)]
    return []


MAX_TEXT_CHARS = 100_000  # a message longer than this is refused (422 naming the field)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("text is blank (nothing but white space)")
    return value


def _field_type(feature: Feature, lenient: bool) -> Any:
    common: dict[str, Any] = {"description": _describe(feature), "examples": [feature.example]}
    before = _leniency(feature, lenient)
    if feature.kind == "text":  # any Unicode; control characters too (a NUL is not logged)
        return Annotated[
            str,
            Field(strict=True, min_length=1, max_length=MAX_TEXT_CHARS, **common),
            AfterValidator(_not_blank),
        ]
    if feature.kind == "boolean":
        base: Any = Annotated[bool, *before, Field(strict=True, **common)]
    elif feature.kind == "categorical" and not feature.open_categories:
        base = Annotated[Literal[feature.categories], Field(**common)]
    elif feature.kind == "categorical" and lenient:
        base = Annotated[str, Field(pattern=USER_CATEGORY_PATTERN, **common)]
    elif feature.kind == "categorical":
        base = Annotated[str, Field(pattern=CATEGORY_PATTERN, **common)]
    else:
        number = int if feature.kind == "integer" else float
        low, high = (None, None) if feature.open_range else (feature.minimum, feature.maximum)
        bounds = Field(strict=True, ge=low, le=high, allow_inf_nan=False, **common)
        base = Annotated[number, *before, bounds]
    return base | None if feature.allow_missing else base


def _describe(feature: Feature) -> str:
    parts = [feature.description]
    if feature.unit:
        parts.append(f"unit: {feature.unit}")
    if feature.allow_missing:
        parts.append("null when missing")
    if feature.categories:
        parts.append(f"categories: {', '.join(feature.categories)}")
    if feature.open_categories:
        parts.append("other lower-case categories are accepted as unseen")
    if feature.open_range:
        low, high = feature.minimum, feature.maximum
        seen = f"{'−∞' if low is None else f'{low:g}'}–{'∞' if high is None else f'{high:g}'}"
        parts.append(f"training range {seen}: values outside are scored, with a warning")
    return "; ".join(parts)


def transaction_model(contract: FeatureContract) -> type[BaseModel]:
    """The request item of a model's /predict: its features (and an optional transaction_id).

    The built-in fraud model keeps its strict rules; a user model is liberal in what it takes
    (see _zero_one, _whole, USER_CATEGORY_PATTERN)."""
    lenient = contract.model_name != FRAUD_CONTRACT.model_name
    fields: dict[str, Any] = {
        f.name: (_field_type(f, lenient), None if f.allow_missing else ...)
        for f in contract.features
    }
    fields["transaction_id"] = (
        Annotated[
            str | None,
            Field(
                min_length=1,
                max_length=128,
                # no control characters: PostgreSQL text cannot hold NUL (the lookup would fail)
                pattern=r"^[^\x00-\x1f\x7f]+$",
                description="Optional client id; a retry with the same id returns the stored prediction.",
                examples=["txn-000123"],
            ),
        ],
        None,
    )
    return create_model(
        "Transaction",
        __config__=ConfigDict(extra="forbid", json_schema_extra={"examples": [contract.example()]}),
        **fields,
    )


def texts_adapter(feature: Feature) -> TypeAdapter[Any]:
    """The `{"texts": ["…", …]}` form of a text model's body (1–MAX_ITEMS texts), each text
    validated as `feature` is (errors name `texts[i]`)."""
    texts: Any = Annotated[
        list[_field_type(feature, lenient=True)],  # type: ignore[misc]
        Field(min_length=1, max_length=MAX_ITEMS),
    ]
    body = create_model("Texts", __config__=ConfigDict(extra="forbid"), texts=(texts, ...))
    return TypeAdapter(body)


def body_adapters(item: type[BaseModel]) -> tuple[TypeAdapter[Any], TypeAdapter[list[Any]]]:
    """Validators of a /predict body: one item, or a list of 1–MAX_ITEMS items."""
    many: TypeAdapter[list[Any]] = TypeAdapter(
        Annotated[list[item], Field(min_length=1, max_length=MAX_ITEMS)]  # type: ignore[valid-type,arg-type]
    )
    return TypeAdapter(item), many


# OpenAPI is built without a database: a model's features are documented at run time by
# `GET /api/v1/models/{name}/schema`, so its request body is an object here.
MODEL_FEATURES_SCHEMA: dict[str, Any] = {
    "title": "ModelFeatures",
    "type": "object",
    "description": "One item for a model: its features by name (see `GET /api/v1/models/{name}"
    "/schema` for kinds, ranges and categories), plus an optional `transaction_id`.",
    "additionalProperties": True,
}

Transaction = transaction_model(FRAUD_CONTRACT)
SingleBody, ListBody = body_adapters(Transaction)


class ModelPredictionResult(BaseModel):
    """One result of `/api/v1/models/{name}/predict`."""

    prediction_id: uuid.UUID
    transaction_id: str | None = None
    probability: float = Field(
        description="Calibrated probability of the positive class (the first of `classes`)",
        ge=0,
        le=1,
    )
    fraud_probability: float | None = Field(
        None, description="The fraud model only: `probability`, under its first name", ge=0, le=1
    )
    decision: str = Field(
        description="A class name of the model (fraud: `fraud` or `legit`)", examples=["legit"]
    )
    threshold: float
    model_name: str
    model_version: int
    variant: str = Field(description="production, canary or shadow")
    path: Literal["model", "rules"]
    rule: str | None = Field(
        None, description="Id of the rule that decided when path is rules, else null"
    )
    latency_us: int
    replayed: bool = Field(
        False, description="True when a transaction_id retry returned a stored result"
    )
    warnings: list[str] = []
    explanation: ExplanationOut | None = Field(None, description="Only with ?explain=true")


class ModelPredictionResults(RootModel[ModelPredictionResult | list[ModelPredictionResult]]):
    """The per-model /predict 200 body: one result for one item, a list for a list."""


class PredictionResult(ModelPredictionResult):
    """One result of the default model's `/api/v1/predict` (fraud)."""

    fraud_probability: float = Field(description="Calibrated probability of fraud", ge=0, le=1)
    decision: Literal["fraud", "legit"]


class PredictionResults(RootModel[PredictionResult | list[PredictionResult]]):
    """The /predict 200 body: one result for one transaction, a list for a list."""


class LabelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prediction_id: uuid.UUID = Field(examples=["0b5c3a4e-7f55-4f2b-9a7c-0a8d3e1f2b44"])
    label: Literal[0, 1] = Field(description="1 = fraud confirmed, 0 = legitimate", examples=[1])


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    labels: list[LabelIn] = Field(min_length=1, max_length=10_000)


class LabelOutcome(BaseModel):
    prediction_id: uuid.UUID
    status: Literal["stored", "unchanged", "updated", "unknown_prediction"]


class FeedbackResponse(BaseModel):
    """Counts per outcome over the distinct prediction ids, and one outcome per label sent."""

    stored: int = Field(description="New labels", examples=[1])
    updated: int = Field(description="Labels that replaced a different one", examples=[0])
    unchanged: int = Field(description="Labels sent again with the same value", examples=[0])
    unknown: int = Field(description="Ids of no logged prediction", examples=[0])
    results: list[LabelOutcome] = Field(description="In the order the labels were sent")

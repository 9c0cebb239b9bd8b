"""Bodies of POST /api/v1/models/{name}/log: built per model from its spec, plus a static doc."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    create_model,
)

from driftscope.spec import ModelSpec
from driftscope_backend.prediction.schemas import MAX_ITEMS, transaction_model

AHEAD = timedelta(minutes=1)  # a client clock a little ahead is fine, a day ahead is a bug
Score = Annotated[
    float | None,
    Field(
        strict=True,
        ge=0.0,
        le=1.0,
        allow_inf_nan=False,
        description="The model's score of the positive class, 0–1",
        examples=[0.83],
    ),
]
PredictionId = Annotated[
    uuid.UUID | None,
    Field(
        description="Optional id; a retry with the same id is stored once",
        examples=["0190f3a2-7c1e-7d4a-9b2f-1c2d3e4f5a6b"],
    ),
]


def _timestamp(retention_days: float) -> Any:
    """`ts`: ISO-8601 with a timezone, within retention and at most a minute ahead of now."""

    def check(ts: datetime | None) -> datetime | None:
        if ts is None:
            return None
        now = datetime.now(UTC)
        if ts > now + AHEAD:
            raise ValueError(
                f"is more than {AHEAD.seconds} s ahead of the server's clock ({now.isoformat()})"
            )
        if ts < now - timedelta(days=retention_days):
            raise ValueError(f"is older than the retention period ({retention_days:g} days)")
        return ts.astimezone(UTC)

    return Annotated[
        AwareDatetime | None,
        Field(
            strict=True,
            description="When the prediction was made (default: now)",
            examples=["2026-12-05T08:30:00Z"],
        ),
        AfterValidator(check),
    ]


def features_model(spec: ModelSpec, item: type[BaseModel]) -> type[BaseModel]:
    """The spec's features validated exactly as /predict validates them (`item`, its
    transaction_model); `transaction_id` belongs beside `features`, so it is refused inside."""
    return create_model(
        f"{spec.name}_features",
        __base__=item,
        transaction_id=(None, Field(None, description="not a feature: send it beside `features`")),
    )


def log_item_model(spec: ModelSpec, retention_days: float) -> type[BaseModel]:
    item = transaction_model(spec.contract())  # /predict's item for this spec, built once
    features = features_model(spec, item)
    transaction_id = item.model_fields["transaction_id"]
    return create_model(
        f"{spec.name}_log_item",
        __config__=ConfigDict(extra="forbid"),
        features=(features, ...),
        score=(Score, None),
        decision=(Literal[spec.positive, spec.negative] | None, None),  # type: ignore[arg-type]
        prediction_id=(PredictionId, None),
        transaction_id=(transaction_id.annotation, transaction_id),  # type: ignore[arg-type]
        ts=(_timestamp(retention_days), None),
    )


def log_adapters(
    spec: ModelSpec, retention_days: float
) -> tuple[TypeAdapter[Any], TypeAdapter[list[Any]]]:
    """(one item, a list of 1–MAX_ITEMS items) validators of a model's /log body."""
    item = log_item_model(spec, retention_days)
    many: TypeAdapter[list[Any]] = TypeAdapter(
        Annotated[list[item], Field(min_length=1, max_length=MAX_ITEMS)]  # type: ignore[valid-type,arg-type]
    )
    return TypeAdapter(item), many


class LogItemDoc(BaseModel):
    """One logged prediction, as documented (each model's `features` are its schema's)."""

    features: dict[str, Any] = Field(
        description="The model's features: see GET /api/v1/models/{name}/schema",
        examples=[{"distance_km": 1200.5, "stops": 1, "weekend": False, "carrier": "C"}],
    )
    score: Score = None
    decision: str | None = Field(
        None,
        description="A class name of the model (default: score ≥ threshold)",
        examples=["delayed"],
    )
    prediction_id: PredictionId = None
    transaction_id: str | None = Field(
        None,
        min_length=1,
        max_length=128,
        description="Optional client id; a retry with the same id is stored once",
        examples=["flight-000123"],
    )
    ts: AwareDatetime | None = Field(
        None,
        description="ISO-8601 with a timezone, within retention, ≤ 1 min ahead (default: now)",
        examples=["2026-12-05T08:30:00Z"],
    )


class LogResult(BaseModel):
    logged: int = Field(
        description="Items accepted (a retry of a stored item is not stored twice)", examples=[1]
    )
    prediction_ids: list[uuid.UUID] = Field(
        description="The stored prediction id of each item, in order (for /feedback)"
    )

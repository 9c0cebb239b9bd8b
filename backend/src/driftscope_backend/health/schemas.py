"""Response models of GET /health and GET /ready."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, BaseModel, Field


class Liveness(BaseModel):
    status: Literal["ok"]


class ServedModel(BaseModel):
    name: str = Field(examples=["fraud"])
    version: int = Field(examples=[3])


class WriterStatus(BaseModel):
    """The prediction-log writer of this replica."""

    # Read from the PredictionWriter itself (from_attributes), where it is `depth`.
    queue_depth: int = Field(
        validation_alias=AliasChoices("queue_depth", "depth"),
        description="Rows buffered, not yet written",
    )
    capacity: int = Field(description="Buffer bound; /predict answers 503 beyond it")
    rows_written: int
    failed_flushes: int
    rejected: int = Field(description="Requests refused because the buffer was full")


class Readiness(BaseModel):
    status: Literal["ready", "degraded", "not_ready"]
    reasons: list[str] = Field(
        description="Why not ready (model, queue), then why degraded (database, writes)"
    )
    model: ServedModel | None
    writer: WriterStatus

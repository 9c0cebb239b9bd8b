"""Response of GET /api/v1/overview."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ModelGlance(BaseModel):
    name: str = Field(examples=["fraud"])
    kind: Literal["served", "external"] = Field(
        description="`served`: scored here; `external`: served elsewhere, predictions logged"
    )
    production_version: int = Field(examples=[3])
    rps: float = Field(ge=0, description="Predictions a second over the last minute (no batch)")
    drift_share: float | None = Field(
        ge=0, le=1, description="Share of drifted features in the latest drift report"
    )
    open_alerts: int = Field(ge=0)
    f1: float | None = Field(description="Realised F1 of the latest window (null: too few labels)")
    training_f1: float | None = Field(description="F1 of the production version on its test split")


class Overview(BaseModel):
    default_model: str = Field(
        examples=["fraud"], description="The model of /api/v1/predict and of `?model=` unset"
    )
    models: list[ModelGlance] = Field(description="The default model first, then by name")

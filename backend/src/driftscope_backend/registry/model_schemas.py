"""Response models of the per-model registry reads: a model's spec, and the model with its
versions (each with what its spec changed) and aliases."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from driftscope.spec import GateFloors, MonitoringOverrides, SpecKind
from driftscope_backend.registry.schemas import (
    FeatureValue,
    ModelsOut,
    Number,
    OpenRange,
    VersionOut,
)


class SpecFeatureOut(BaseModel):
    name: str = Field(examples=["bill_length_mm"])
    kind: SpecKind
    type: SpecKind = Field(description="Repeats `kind` (the name `/api/v1/schema` uses)")
    description: str
    unit: str | None = Field(examples=["mm"])
    minimum: Number | None
    maximum: Number | None
    categories: list[str] = Field(description="Known categories (categorical features only)")
    open_categories: bool = Field(description="Unseen categories are scored, with a warning")
    open_range: OpenRange = False
    allow_missing: bool
    example: FeatureValue


class ModelSpecOut(BaseModel):
    """A model's spec as stored with its production version (else its latest)."""

    name: str = Field(examples=["penguins"])
    description: str
    target: str = Field(description="Target column of the training data", examples=["sex"])
    classes: list[str] = Field(
        description="The two class names, the positive first", examples=[["male", "female"]]
    )
    positive_value: str | None = Field(
        None, description="The target's raw value of the positive class, when the spec sets it"
    )
    features: list[SpecFeatureOut]
    gate: GateFloors
    monitoring: MonitoringOverrides


class SpecChange(BaseModel):
    """One difference from the previous version's spec (`before`/`after` null: absent)."""

    field: str = Field(examples=["features.distance_km.maximum"])
    before: Any
    after: Any


class ModelVersionOut(VersionOut):
    spec_changes: list[SpecChange] = Field(
        description="What this version's spec changed vs the previous version (empty: none)"
    )


class ModelOut(ModelsOut):
    """GET /api/v1/models/{name}: the spec, every version and the aliases of one model."""

    kind: Literal["served", "external"] = Field(
        description="external: served elsewhere, its predictions logged through /log"
    )
    spec: ModelSpecOut
    versions: list[ModelVersionOut]  # type: ignore[assignment]

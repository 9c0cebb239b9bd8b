"""Response of GET /api/v1/predictions/recent."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class RecentPrediction(BaseModel):
    prediction_id: uuid.UUID
    ts: datetime = Field(description="When it was scored (UTC)")
    model_version: int = Field(examples=[1])
    variant: str = Field(description="production or canary", examples=["production"])
    source: str = Field(description="online (/predict, /log) or batch (CSV)", examples=["online"])
    path: str = Field(description="model or rules", examples=["model"])
    probability: float | None = Field(
        description="Probability of the positive class (null: an external model's row without one)",
        ge=0,
        le=1,
    )
    decision: str | None = Field(description="A class name of the model", examples=["spam"])
    label: str | None = Field(
        description="The true class once a label arrived (`/feedback`), else null",
        examples=["ham"],
    )
    text: str | None = Field(
        description="A text model's logged text (its first 2,000 characters); null for a "
        "model without a text feature",
        examples=["FREE!!! Cheap meds, click http://win.example NOW"],
    )


class RecentPredictions(BaseModel):
    model_name: str = Field(examples=["content"])
    text_feature: str | None = Field(
        description="The model's text feature (null: a tabular model)", examples=["text"]
    )
    predictions: list[RecentPrediction] = Field(
        description="Newest first, as clients were answered (no shadow rows)"
    )

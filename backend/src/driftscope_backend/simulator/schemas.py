"""Simulator control: the desired state set by operators, and the status the simulator reports."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from driftscope.scenarios import SCENARIOS, make_scenario
from driftscope_backend.http import NAME_PATTERN

Name = Annotated[str, Field(pattern=NAME_PATTERN)]

ScenarioName = Literal["none", "sudden", "gradual", "seasonal", "categorical", "concept", "auto"]
# driftscope.text.traffic.CONTENT_SCENARIOS (a test keeps the two the same)
ContentScenarioName = Literal["none", "campaign", "hard_ham", "sms"]


class ContentDesired(BaseModel):
    """The content stream: real held-out messages to the `content` model."""

    model_config = ConfigDict(extra="forbid")

    running: bool = Field(True, description="false pauses the content stream only")
    rate: float = Field(5.0, ge=1, le=1000, description="Messages per second", examples=[5])
    scenario: ContentScenarioName = Field(
        "none",
        description="campaign: 2003 spam arrives; hard_ham: commercial newsletters; "
        "sms: another channel",
        examples=["campaign"],
    )
    intensity: float = Field(
        1.0, ge=0, le=3, description="Share of scenario messages: min(1, 0.5 × intensity)"
    )


class ContentUpdate(BaseModel):
    """Content stream fields to change; fields left out keep their current value."""

    model_config = ConfigDict(extra="forbid")

    running: bool | None = None
    rate: float | None = Field(None, ge=1, le=1000)
    scenario: ContentScenarioName | None = None
    intensity: float | None = Field(None, ge=0, le=3)


class SimulatorDesired(BaseModel):
    model_config = ConfigDict(extra="forbid")

    running: bool = Field(True, description="false pauses traffic")
    rate: float = Field(
        20.0, ge=1, le=1000, description="Target requests per second", examples=[50]
    )
    scenario: ScenarioName = Field(
        "auto", description="Drift scenario; auto cycles through them", examples=["sudden"]
    )
    intensity: float = Field(
        1.0, ge=0, le=3, description="Scenario strength (1 = documented default)", examples=[1.0]
    )
    fraud_rate: float = Field(
        0.04, gt=0, lt=0.5, description="Base fraud rate of generated traffic"
    )
    features: list[Name] | None = Field(
        None, description="Features the scenario drives (default: the scenario's own)"
    )
    content: ContentDesired = Field(
        default_factory=ContentDesired, description="The content model's stream"
    )

    @field_validator("features")
    @classmethod
    def _features_fit_scenario(
        cls, features: list[str] | None, info: ValidationInfo
    ) -> list[str] | None:
        # A field validator (features is declared last, so scenario and intensity are already
        # in info.data) puts the error on `features` rather than on the whole body.
        scenario = info.data.get("scenario")
        if scenario in SCENARIOS and features:
            make_scenario(scenario, info.data.get("intensity", 1.0), features)
        return features


class SimulatorUpdate(BaseModel):
    """Fields to change; fields left out keep their current value."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"scenario": "sudden", "intensity": 1.5}]}
    )

    running: bool | None = None
    rate: float | None = Field(None, ge=1, le=1000)
    scenario: ScenarioName | None = None
    intensity: float | None = Field(None, ge=0, le=3)
    fraud_rate: float | None = Field(None, gt=0, lt=0.5)
    features: list[Name] | None = None
    content: ContentUpdate | None = None


MAX_COUNT = 2**63 - 1  # stored in JSON: a larger integer cannot be serialized (500)


class StreamStatus(BaseModel):
    """One stream of the simulator, as it reports it."""

    # ±inf passes ge=0 and would be stored as JSON null: refuse it with the field named.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    actual_rate: float = Field(ge=0)
    scenario: Name
    phase: Name | None = Field(
        None, description="Scenario in force now (the auto program's current step)"
    )
    sent: int = Field(ge=0, le=MAX_COUNT)
    failed: int = Field(ge=0, le=MAX_COUNT)
    throttled: int = Field(0, ge=0, le=MAX_COUNT)
    p50_ms: float | None = None
    p99_ms: float | None = None
    served: bool = Field(True, description="false while the model answers 404 (not trained)")


class SimulatorStatus(StreamStatus):
    """Reported by the simulator about once a second: the fraud stream at the top level."""

    labels_sent: int = Field(0, ge=0, le=MAX_COUNT)
    labels_pending: int = Field(0, ge=0, le=MAX_COUNT)
    started_at: datetime | None = None
    content: StreamStatus | None = Field(None, description="The content stream")


class SimulatorState(BaseModel):
    desired: SimulatorDesired
    status: SimulatorStatus | None
    online: bool = Field(description="A status arrived in the last few seconds")
    heartbeat_at: datetime | None
    desired_updated_at: datetime

"""Request and response models of the registry API: feature contract, versions, aliases, runs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from driftscope.contract import FeatureKind
from driftscope_backend.http import NO_NUL

MAX_VERSION = 2**31 - 1  # model_versions.version is INTEGER: larger would overflow the driver

# A feature value as sent in a transaction; int before float keeps 3 as 3, not 3.0.
FeatureValue = bool | int | float | str | None
Number = int | float  # a stored number echoed as it was stored (no 3 → 3.0)


# ---- feature contract ------------------------------------------------------------------

OpenRange = Annotated[
    bool,
    Field(
        description="minimum/maximum are the range training saw: values outside are scored, "
        "with a warning (else they are refused)"
    ),
]


class FeatureSpec(BaseModel):
    name: str = Field(examples=["amount"])
    type: FeatureKind
    description: str
    unit: str | None = Field(examples=["EUR"])
    minimum: Number | None
    maximum: Number | None
    allow_missing: bool
    categories: list[str] = Field(description="Known categories (categorical features only)")
    open_categories: bool = Field(description="Unseen categories are scored, with a warning")
    open_range: OpenRange = False
    example: FeatureValue


class FeatureContractOut(BaseModel):
    model_name: str = Field(examples=["fraud"])
    label: str = Field(description="Target column", examples=["is_fraud"])
    description: str
    features: list[FeatureSpec]
    example: dict[str, FeatureValue] = Field(description="A valid transaction for /predict")


# ---- versions, aliases, gate -----------------------------------------------------------


class TestMetrics(BaseModel):
    """Calibrated metrics on the test split, as the trainer stored them (null: undefined)."""

    __test__ = False  # not a pytest class, despite the name
    model_config = ConfigDict(extra="allow")

    n: int | None = None
    roc_auc: float | None = None
    pr_auc: float | None = None
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    brier: float | None = None
    ece: float | None = None
    fraud_rate: float | None = None
    predicted_rate: float | None = None


class VersionMetrics(BaseModel):
    """The parts of a version's stored metrics the API shows."""

    @model_validator(mode="before")
    @classmethod
    def _shown_parts(cls, stored: Any) -> Any:
        # Each part as stored, null when absent: keys are always sent, even with exclude_unset.
        if isinstance(stored, dict):
            return {k: stored.get(k) for k in ("test", "threshold_policy", "evaluator")}
        return stored

    test: TestMetrics | None
    threshold_policy: str | None = Field(examples=["max_f1"])
    evaluator: str | None = Field(description="How the served model scores", examples=["compiled"])


class VersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int = Field(examples=[3])
    kind: str = Field(examples=["xgboost"])
    created_at: datetime
    threshold: float = Field(description="Decision threshold on the fraud probability")
    sha256: str = Field(description="Of the artifact; checked on load")
    metrics: VersionMetrics


class AliasOut(BaseModel):
    alias: str = Field(examples=["production"])
    version: int
    traffic_percent: float | None = Field(description="Canary share of online traffic")
    updated_at: datetime


class ServingOut(BaseModel):
    version: int
    alias: str = Field(examples=["production"])


class CanaryOut(BaseModel):
    version: int
    percent: float = Field(description="Share of online traffic, sticky per key", examples=[10])


class ShadowOut(BaseModel):
    version: int
    scored: int = Field(description="Shadow rows logged by this replica")
    dropped: int = Field(description="Shadow work dropped because its queue was full")


class GateConfigOut(BaseModel):
    min_roc_auc: float
    min_f1: float
    max_regression: float = Field(description="Allowed drop vs production in ROC AUC and F1")
    live_min_labels: int = Field(description="Labelled live predictions needed per version")
    live_window_h: float


class RetrainStep(BaseModel):
    """One step of the worker's automatic retraining (a `retrain` event); keys vary by step."""

    model_config = ConfigDict(extra="allow")

    id: int
    ts: datetime
    step: Literal["started", "trained", "gate_failed", "canary_set", "failed"]
    alert_id: int
    alert_kind: str | None = None
    feature: str | None = None
    rows: int | None = None
    positives: int | None = None
    version: int | None = None
    roc_auc: float | None = None
    f1: float | None = None
    percent: float | None = None
    failing: list[str] | None = None
    error: str | None = None


class ModelsOut(BaseModel):
    model_name: str = Field(examples=["fraud"])
    serving: ServingOut | None = Field(description="The production version this replica serves")
    canary: CanaryOut | None
    shadow: ShadowOut | None
    gate: GateConfigOut = Field(description="Promotion gate settings")
    retraining: list[RetrainStep] = Field(description="Newest automatic-retraining steps first")
    aliases: list[AliasOut]
    versions: list[VersionOut]


class GateCheck(BaseModel):
    name: str = Field(examples=["roc_auc_floor"])
    passed: bool
    value: float | None
    limit: float | None
    message: str


class GateResult(BaseModel):
    version: int
    passed: bool
    checks: list[GateCheck]


class AliasChange(BaseModel):
    """Answer of promote, rollback and the canary/shadow/candidate changes; keys vary by action."""

    action: Literal[
        "promote", "rollback", "canary", "canary_off", "shadow", "shadow_off", "candidate"
    ]
    version: int | None = Field(description="Target version (null: the alias was not set)")
    percent: float | None = Field(None, description="Canary share of online traffic")
    previous: int | None = Field(None, description="What the alias named before")
    cleared: list[str] | None = Field(None, description="Aliases cleared by this change")
    forced: bool | None = Field(None, description="The gate failed and was overridden")
    reason: str | None = None
    actor: str | None = Field(None, description="Who changed it (absent: nothing changed)")
    checks: list[GateCheck] | None = None
    changed: bool
    event_id: int | None = Field(None, description="The `model` event announcing the change")
    serving: int | None = Field(description="Production version this replica now serves")
    canary: int | None
    shadow: int | None


# ---- requests -------------------------------------------------------------------------


class PromoteRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{}, {"force": True, "reason": "hotfix for incident 42"}]},
    )

    force: bool = Field(
        False, description="Promote even if the gate fails (needs a reason; audited)"
    )
    reason: str | None = Field(None, max_length=500, pattern=NO_NUL)


class VersionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"version": 3}]})

    version: int = Field(..., ge=1, le=MAX_VERSION, examples=[3])


class CanaryRequest(VersionRequest):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"version": 3, "percent": 10},
                {"version": 3, "percent": 5, "force": True, "reason": "gate skipped: incident 42"},
            ]
        },
    )

    percent: float = Field(..., ge=0, le=100, description="Share of online traffic", examples=[10])
    force: bool = Field(False, description="Even if the gate fails (needs a reason; audited)")
    reason: str | None = Field(None, max_length=500, pattern=NO_NUL)


# ---- experiment log -------------------------------------------------------------------


class RunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    model_name: str
    search_id: str | None = Field(description="Shared by the trials of one search; null otherwise")
    kind: str = Field(examples=["xgboost"])
    status: str = Field(description="completed (a trial) or registered (written as a version)")
    params: dict[str, Any]
    cv_metrics: dict[str, Any] = Field(
        description="folds and, per metric (roc_auc, pr_auc), mean, std and per_fold; "
        "empty for a plain train"
    )
    test_metrics: dict[str, Any] = Field(description="Calibrated metrics on the test split")
    duration_s: float
    artifact_path: str | None
    model_version: int | None
    started_at: datetime


class RunsPage(BaseModel):
    model: str
    runs: list[RunOut]

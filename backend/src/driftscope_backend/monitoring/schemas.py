"""Response models of the drift, performance and alert read API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Severity = Literal["none", "warn", "alert"]
AlertStatus = Literal["open", "acknowledged", "resolved"]


class WordMove(BaseModel):
    """One word's share of messages (containing it at least once), reference vs window."""

    token: str = Field(examples=["click"])
    reference_share: float | None = Field(
        ge=0, le=1, description="Null: not among the reference's top words", examples=[0.21]
    )
    current_share: float = Field(ge=0, le=1, examples=[0.48])
    difference: float = Field(ge=-1, le=1, description="current − reference share")
    log_ratio: float | None = Field(description="ln(current / reference share), smoothed")


class VocabularyDrift(BaseModel):
    """χ² across the reference's top-k words + "other" (a message counts a word once)."""

    statistic: float = Field(description="χ² divided by the reference's overdispersion")
    raw_statistic: float
    dof: int
    p_value: float = Field(ge=0, le=1)
    dispersion: float = Field(ge=1, description="χ²/dof between halves of the reference")
    drifted: bool = Field(description="p_value < α (the feature's verdict also needs the PSI)")
    moved: list[WordMove] = Field(description="The reference's top words, most moved first")
    new_words: list[WordMove] = Field(description="The window's common words outside them")


class FeatureDrift(BaseModel):
    """One feature's (or the prediction score's) drift in a window, as the worker stored it."""

    model_config = ConfigDict(extra="allow")  # statistics added later pass through

    name: str = Field(examples=["amount"])
    kind: Literal["numeric", "categorical"]
    test: str = Field(
        description="The test that gave p_value", examples=["ks", "ks_binned", "chi2"]
    )
    psi: float | None
    psi_bias: float | None = Field(description="Expected PSI with no drift at these sample sizes")
    warn_threshold: float
    alert_threshold: float
    p_value: float | None
    q_value: float | None = Field(description="Benjamini–Hochberg adjusted across the features")
    drifted: bool
    severity: Severity
    n_reference: int
    n_current: int
    ks_statistic: float | None
    ks_pvalue: float | None
    wasserstein_norm: float | None
    chi2_statistic: float | None
    js_distance: float | None
    missing_share_reference: float | None
    missing_share_current: float | None
    bins: list[int | float | str] = Field(description="Edges (numeric) or categories (categorical)")
    reference_counts: list[int]
    current_counts: list[int]
    vocabulary: VocabularyDrift | None = Field(
        default=None, description="Vocabulary drift of a text feature (`<text>.vocabulary`)"
    )


class MovedSegment(BaseModel):
    """A bin whose share of traffic changed significantly (BH across every bin of the window)."""

    feature: str
    segment: str = Field(examples=["crypto_exchange", "120 – 250", "(unseen)", "(missing)"])
    categorical: bool
    reference_share: float = Field(ge=0, le=1)
    current_share: float = Field(ge=0, le=1)
    contribution: float = Field(description="The bin's term of the feature's PSI")
    p_value: float
    q_value: float
    description: str = Field(examples=["merchant_category = gaming: 9% → 31% of traffic"])


class ErrorSegment(BaseModel):
    """A bin whose labelled errors exceed what the model made in training on such rows
    (expected from its calibrated scores; exact Poisson-binomial tail, BH across every bin)."""

    feature: str
    segment: str = Field(examples=["gaming", "≥ 0.5", "yes"])
    categorical: bool
    labelled: int = Field(ge=0, description="Labelled rows of the window in the segment")
    errors: int = Field(ge=0)
    expected_errors: float = Field(ge=0, description="Σ per row of its error chance in training")
    excess_errors: float
    contribution: float = Field(description="(errors − expected) / labelled rows · ln(ratio)")
    p_value: float
    q_value: float
    description: str = Field(
        examples=["merchant_category = gaming: 41 errors where 9.8 expected (of 120 labelled)"]
    )


class DriftReportOut(BaseModel):
    model_name: str = Field(examples=["fraud"])
    model_version: int
    window_start: datetime
    window_end: datetime
    n: int = Field(description="Predictions in the window")
    sufficient: bool = Field(description="False when the window had too few rows to judge")
    dataset_drift_share: float = Field(ge=0, le=1, description="Share of features drifted")
    dataset_drifted: bool
    features: dict[str, FeatureDrift] = Field(description="In contract order")
    prediction: FeatureDrift | None = Field(description="Drift of the prediction score")
    segments: list[MovedSegment] = Field(
        description="What moved: up to 5 segments (bins of the features, the score band, "
        "rules hit or not), largest PSI contribution first; empty when nothing drifted"
    )
    error_segments: list[ErrorSegment] = Field(
        default_factory=list,
        description="Where a performance drop comes from: up to 3 segments whose labelled "
        "errors exceed training's, largest contribution first; empty unless the window's "
        "performance was judged bad",
    )


class DriftHistoryPoint(BaseModel):
    """A window; the feature statistics are present only when one feature was asked for."""

    window_end: datetime
    model_version: int
    n: int
    sufficient: bool
    dataset_drift_share: float
    prediction_psi: float | None
    psi: float | None = None
    drifted: bool | None = None
    severity: Severity | None = None
    ks_statistic: float | None = None
    p_value: float | None = None
    q_value: float | None = None
    warn_threshold: float | None = None
    alert_threshold: float | None = None


class DriftHistory(BaseModel):
    model_name: str = Field(examples=["fraud"])
    feature: str | None = Field(examples=["amount"])
    points: list[DriftHistoryPoint] = Field(description="Oldest first")


class FeatureDistribution(BaseModel):
    """Reference vs current counts in the reference bins, for an overlay chart."""

    feature: str = Field(examples=["amount"])
    kind: Literal["numeric", "categorical"]
    window_end: datetime
    model_version: int
    labels: list[str] = Field(examples=[["< 10", "10 – 50", "≥ 50", "(missing)"]])
    reference_counts: list[int]
    current_counts: list[int]
    reference_share: list[float]
    current_share: list[float]
    psi: float | None
    drifted: bool
    severity: Severity
    test: str = Field(examples=["ks", "ks_binned", "chi2"])
    p_value: float | None
    q_value: float | None
    ks_statistic: float | None
    wasserstein_norm: float | None
    js_distance: float | None
    warn_threshold: float
    alert_threshold: float


class RealisedMetrics(BaseModel):
    """Metrics on the labelled rows of a window (null: undefined, e.g. one class only)."""

    model_config = ConfigDict(extra="allow")

    n: int
    roc_auc: float | None
    pr_auc: float | None
    precision: float | None
    recall: float | None
    f1: float | None
    brier: float | None
    ece: float | None
    fraud_rate: float | None
    predicted_rate: float | None
    tp: float
    fp: float
    fn: float
    tn: float


class EstimatedMetrics(BaseModel):
    """Expected metrics from the calibrated scores alone (no labels needed)."""

    precision: float | None
    recall: float | None
    f1: float | None
    fraud_rate: float | None


class MetricIntervals(BaseModel):
    """Two-sided confidence intervals [low, high] of the realised metrics."""

    f1: tuple[float, float] = Field(description="Clopper–Pearson through the Jaccard index")
    precision: tuple[float, float] = Field(description="Clopper–Pearson")
    recall: tuple[float, float] = Field(description="Clopper–Pearson")
    roc_auc: tuple[float, float] | None = Field(description="DeLong; null with one class only")


class Evidence(BaseModel):
    """How far a window's realised metrics can be trusted (docs/ALERT_QUALITY.md)."""

    positives: int = Field(description="Labelled rows of the positive class")
    negatives: int
    min_positives: int = Field(description="Positives needed before the metrics are judged")
    sufficient: bool = Field(description="False: 'not enough labels', never judged as bad")
    level: float = Field(description="Confidence of the intervals", examples=[0.95])
    intervals: MetricIntervals


class PerformancePoint(BaseModel):
    window_start: datetime
    window_end: datetime
    model_version: int
    n_predictions: int
    n_labelled: int
    label_coverage: float = Field(ge=0, le=1)
    realised: RealisedMetrics | None = Field(description="Null until enough labels arrived")
    evidence: Evidence | None = Field(
        description="Positives, judgeability and confidence intervals; null with `realised`"
    )
    estimated: EstimatedMetrics | None
    predicted_rate: float | None
    variant: Literal["production", "canary", "shadow"] | None = Field(
        description="How the version served in that window (most of its rows); null for old windows"
    )
    variants: dict[str, int] = Field(description="Rows per variant")


class PerformanceHistory(BaseModel):
    model_name: str = Field(examples=["fraud"])
    points: list[PerformancePoint] = Field(description="Oldest first")


class AlertOut(BaseModel):
    id: int
    model_name: str
    kind: str = Field(examples=["feature_drift", "prediction_drift", "performance_drop"])
    feature: str | None
    severity: Literal["warning", "critical"]
    status: AlertStatus
    first_seen: datetime
    last_seen: datetime
    message: str
    details: dict[str, Any] | None
    acknowledged_at: datetime | None
    resolved_at: datetime | None


class AlertsPage(BaseModel):
    model_name: str = Field(examples=["fraud"])
    alerts: list[AlertOut] = Field(description="Most recently seen first")

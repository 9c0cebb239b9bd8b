"""SQLAlchemy 2 table models; every row carries the model name its feature contract belongs to."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on both PostgreSQL and SQLite (which has no tz type)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: Driftscope stores UTC-aware timestamps only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSONType}


class ModelScoped:
    """The columns a model's own rows start with: a surrogate key and the model name."""

    # sort_order: mixin columns would otherwise come after the table's own in the DDL
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True, sort_order=-1)
    model_name: Mapped[str] = mapped_column(String(64), sort_order=-1)


class ModelVersion(ModelScoped, Base):
    __tablename__ = "model_versions"
    __table_args__ = (
        UniqueConstraint("model_name", "version", name="uq_model_versions_name_version"),
    )

    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    artifact_path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONType)
    threshold: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The model's spec (ModelSpec.to_dict) as registered; NULL on rows from before migration
    # 0004, which read the shipped spec instead (registry.load_spec).
    spec: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)


class ModelAlias(Base):
    __tablename__ = "model_aliases"

    model_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    alias: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    traffic_percent: Mapped[float | None] = mapped_column(Float, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReferenceProfile(ModelScoped, Base):
    __tablename__ = "reference_profiles"
    __table_args__ = (
        UniqueConstraint("model_name", "model_version", name="uq_reference_profiles_version"),
    )

    model_version: Mapped[int] = mapped_column(Integer)
    profile: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


BATCH_SOURCE = "batch"  # predictions.source of rows scored by POST /api/v1/predict/batch


class Prediction(Base):
    __tablename__ = "predictions"
    __table_args__ = (
        Index("ix_predictions_ts", "ts"),
        Index("ix_predictions_model_version_ts", "model_name", "model_version", "ts"),
        UniqueConstraint("model_name", "transaction_id", name="uq_predictions_transaction"),
        # Only the rows the `log_sample` job may remove: empty unless sampling is on. Each
        # condition as SQLAlchemy renders `~Prediction.kept` there, so the planner uses it.
        Index(
            "ix_predictions_unkept_ts",
            "ts",
            postgresql_where=text("NOT kept"),
            sqlite_where=text("kept = 0"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    model_name: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[int] = mapped_column(Integer)
    ts: Mapped[datetime] = mapped_column()
    transaction_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    features: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # Null only for an external model's logged rows that carry no score (or no decision).
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    decision: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    threshold: Mapped[float] = mapped_column(Float)
    path: Mapped[str] = mapped_column(String(16))
    variant: Mapped[str] = mapped_column(String(16))
    latency_us: Mapped[int] = mapped_column(Integer)
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # "online" (POST /predict) or "batch" (CSV scoring): drift windows may exclude batch rows.
    source: Mapped[str] = mapped_column(String(16), default="online", server_default="online")
    # False: the raw row may go once older than DRIFTSCOPE_LOG_SAMPLE_HOLD_S unless labelled
    # (driftscope.sampling); set by the writer, True for every row no window count covers.
    kept: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class Label(Base):
    __tablename__ = "labels"
    __table_args__ = (Index("ix_labels_ts", "ts"),)

    # No foreign key: a label may arrive while its prediction is still in the write buffer,
    # and retention deletes both tables by time.
    prediction_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    model_name: Mapped[str] = mapped_column(String(64))
    label: Mapped[int] = mapped_column(Integer)
    ts: Mapped[datetime] = mapped_column(default=utcnow)


class WindowCount(Base):
    """One writer's counts (`driftscope.window_counts`) of a model version's predictions of one
    variant and source in one 10 s bucket. A window's counts are the sum of its buckets' rows
    (several per bucket: one per flush per replica). The id is derived from the writer's batch
    and the key, so a retried write of the same batch adds nothing."""

    __tablename__ = "window_counts"
    __table_args__ = (
        Index("ix_window_counts_model_bucket", "model_name", "model_version", "bucket"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    model_name: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[int] = mapped_column(Integer)
    variant: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    bucket: Mapped[datetime] = mapped_column()
    n: Mapped[int] = mapped_column(Integer)
    counts: Mapped[dict[str, Any]] = mapped_column(JSONType)


class WindowResult(ModelScoped):
    """Columns of a per-window result, unique by (model name, version, window end)."""

    __tablename__: str  # each table's own; it names the window constraint

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        window = ("model_name", "model_version", "window_end")
        return (UniqueConstraint(*window, name=f"uq_{cls.__tablename__}_window"),)

    model_version: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column()
    window_end: Mapped[datetime] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DriftReport(WindowResult, Base):
    __tablename__ = "drift_reports"

    n: Mapped[int] = mapped_column(Integer)
    features: Mapped[dict[str, Any]] = mapped_column(JSONType)
    prediction_drift: Mapped[dict[str, Any]] = mapped_column(JSONType)
    dataset_drift_share: Mapped[float] = mapped_column(Float)
    dataset_drifted: Mapped[bool] = mapped_column(Boolean)
    sufficient: Mapped[bool] = mapped_column(Boolean)  # False: too few rows to decide anything


class PerformanceSnapshot(WindowResult, Base):
    __tablename__ = "performance_snapshots"

    n_predictions: Mapped[int] = mapped_column(Integer)
    n_labelled: Mapped[int] = mapped_column(Integer)
    label_coverage: Mapped[float] = mapped_column(Float)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONType)


class Alert(ModelScoped, Base):
    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_status", "model_name", "status"),)

    kind: Mapped[str] = mapped_column(String(32))
    feature: Mapped[str | None] = mapped_column(String(64), nullable=True)
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    message: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    acknowledged_at: Mapped[datetime | None] = mapped_column(nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(nullable=True)


class Event(ModelScoped, Base):
    """Outbox: the worker writes a report and its event in one transaction; backends tail by id."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_ts", "ts"),)

    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    ts: Mapped[datetime] = mapped_column(default=utcnow)


class TrainingRun(ModelScoped, Base):
    """One training run (a search trial or a plain `driftscope train`): params, CV and test metrics."""

    __tablename__ = "training_runs"
    __table_args__ = (Index("ix_training_runs_model_started", "model_name", "started_at"),)

    search_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    params: Mapped[dict[str, Any]] = mapped_column(JSONType)
    cv_metrics: Mapped[dict[str, Any]] = mapped_column(JSONType)
    test_metrics: Mapped[dict[str, Any]] = mapped_column(JSONType)
    duration_s: Mapped[float] = mapped_column(Float)
    artifact_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    model_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)


class SimulatorControl(Base):
    """Desired simulator state (set from the dashboard/API) and the simulator's reported status."""

    __tablename__ = "simulator_control"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    desired: Mapped[dict[str, Any]] = mapped_column(JSONType)
    status: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    desired_updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime | None] = mapped_column(nullable=True)

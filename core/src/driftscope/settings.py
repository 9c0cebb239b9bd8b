"""One settings object for every Driftscope process (env prefix DRIFTSCOPE_, plus DATABASE_URL)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from driftscope.drift.engine import DriftConfig
    from driftscope.gate import GateConfig

REPO_ROOT = Path(__file__).resolve().parents[3]


def _default_data_dir() -> Path:
    # Inside the repo checkout: ./var; installed elsewhere: ./var under the working directory.
    root = REPO_ROOT if (REPO_ROOT / "pyproject.toml").exists() else Path.cwd()
    return root / "var"


class Settings(BaseSettings):
    """Process configuration; see the configuration table in README.md."""

    model_config = SettingsConfigDict(env_prefix="DRIFTSCOPE_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "DRIFTSCOPE_DATABASE_URL")
    )
    admin_api_keys: str = ""
    model_name: str = "fraud"
    model_kind: str = "xgboost"
    monitor_interval_s: float = Field(default=30.0, gt=0)
    window_s: float = Field(default=300.0, gt=0)
    retention_days: float = Field(default=7.0, gt=0)
    api_url: str = "http://127.0.0.1:8000"

    # Prediction log writer: bounded queue, flush at most every flush_interval_ms.
    writer_queue_size: int = Field(default=50_000, ge=1)
    writer_batch_rows: int = Field(default=2_000, ge=1)
    writer_flush_interval_ms: float = Field(default=200.0, gt=0, le=1_000)
    max_body_bytes: int = Field(default=1_048_576, ge=1_024)
    log_level: str = "INFO"
    frontend_dist: Path = Field(default_factory=lambda: REPO_ROOT / "frontend" / "dist")

    # Drift decisions (see driftscope.drift.engine) and alerting.
    drift_psi_warn: float = Field(default=0.1, gt=0)
    drift_psi_alert: float = Field(default=0.25, gt=0)
    drift_alpha: float = Field(default=0.05, gt=0, lt=1)
    drift_min_rows: int = Field(default=100, ge=1)
    alert_consecutive_windows: int = Field(default=3, ge=1)  # K drifted windows open an alert
    alert_resolve_windows: int = Field(default=3, ge=1)  # M clean windows resolve it
    performance_min_labels: int = Field(default=50, ge=1)
    performance_f1_floor: float | None = Field(default=None, ge=0, le=1)
    performance_max_relative_drop: float = Field(default=0.25, gt=0, le=1)  # vs training test F1
    alert_webhook_url: str | None = None
    alert_webhook_timeout_s: float = Field(default=5.0, gt=0)
    gate_min_roc_auc: float = Field(default=0.88, ge=0, le=1)
    gate_min_f1: float = Field(default=0.30, ge=0, le=1)
    gate_max_regression: float = Field(default=0.01, ge=0, le=1)
    catch_up_windows: int = Field(default=20, ge=1)  # missed windows recomputed after a restart

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'driftscope.db'}"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    def drift_config(self) -> DriftConfig:
        from driftscope.drift.engine import (
            DriftConfig,  # scipy is heavy; the backend never needs it
        )

        return DriftConfig(
            psi_warn=self.drift_psi_warn,
            psi_alert=self.drift_psi_alert,
            alpha=self.drift_alpha,
            min_rows=self.drift_min_rows,
        )

    def gate_config(self) -> GateConfig:
        from driftscope.gate import GateConfig

        return GateConfig(self.gate_min_roc_auc, self.gate_min_f1, self.gate_max_regression)

    @property
    def admin_keys(self) -> frozenset[str]:
        return frozenset(k.strip() for k in self.admin_api_keys.split(",") if k.strip())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

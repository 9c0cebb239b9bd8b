"""One settings object for every Driftscope process (env prefix DRIFTSCOPE_, plus DATABASE_URL)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from driftscope.drift.engine import DriftConfig
    from driftscope.gate import GateConfig
    from driftscope.rules import RulePolicy

REPO_ROOT = Path(__file__).resolve().parents[3]


def _default_data_dir() -> Path:
    # Inside the repo checkout: ./var; installed elsewhere: ./var under the working directory.
    root = REPO_ROOT if (REPO_ROOT / "pyproject.toml").exists() else Path.cwd()
    return root / "var"


def _default_cache_dir() -> Path:
    # Shared by every data dir: corpora fetched once serve every checkout and temp data dir.
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "driftscope"


class Settings(BaseSettings):
    """Process configuration; see the configuration table in README.md."""

    model_config = SettingsConfigDict(env_prefix="DRIFTSCOPE_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    cache_dir: Path = Field(default_factory=_default_cache_dir)  # pinned corpora (downloads)
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
    log_format: str = Field(default="auto", pattern="^(auto|json|text)$")  # auto: text on a TTY

    # HTTP hardening (backend): access log, timeouts, CORS, API keys, rate limits.
    access_log: bool = True  # one structured line per request
    request_timeout_s: float = Field(default=30.0, gt=0)  # 504 when a request takes longer
    cors_origins: str = ""  # comma-separated allow-list; empty: no cross-origin access
    # API keys (admin_api_keys above, client_api_keys): comma-separated "sha256:<hex>" hashes
    # or plain keys (hashed at start-up; only hashes are kept by the key store).
    client_api_keys: str = ""
    # A file of "<role> sha256:<hex> [name]" lines, re-read when it changes (rotation, no restart).
    api_keys_file: Path | None = None
    require_predict_key: bool = False  # prediction endpoints need a client or admin key
    rate_limit_per_s: float = Field(default=1_000.0, ge=0)  # per client; 0 disables
    rate_limit_burst: int = Field(default=2_000, ge=1)
    rate_limit_max_clients: int = Field(default=100_000, ge=1)  # buckets kept in memory
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
    # A window's realised metrics are judged only with this many labelled positives, and a
    # drop only when the interval at this confidence lies wholly below the limit (docs/ALERT_QUALITY.md).
    performance_min_positives: int = Field(default=20, ge=1)
    performance_confidence: float = Field(default=0.95, gt=0, lt=1)
    performance_max_auc_drop: float = Field(default=0.10, gt=0, le=1)  # vs training ROC AUC
    alert_webhook_url: str | None = None
    alert_webhook_timeout_s: float = Field(default=5.0, gt=0)
    gate_min_roc_auc: float = Field(default=0.88, ge=0, le=1)
    gate_min_f1: float = Field(default=0.30, ge=0, le=1)
    gate_max_regression: float = Field(default=0.01, ge=0, le=1)
    catch_up_windows: int = Field(default=20, ge=1)  # missed windows recomputed after a restart

    # Rules fast path (driftscope.rules): decisive rules run before the model when enabled;
    # training keeps a rule only if its precision on the test split clears the floor (legit
    # rules: precision of "not fraud", above the ~0.96 a blanket "legit" already gets).
    rules_enabled: bool = True
    rules_min_precision: float = Field(default=0.95, gt=0, le=1)
    rules_min_legit_precision: float = Field(default=0.995, gt=0, le=1)
    rules_min_support: int = Field(default=30, ge=1)  # test rows a rule must match
    # The content model's rules (driftscope.text.rules): the same floors, and this support on
    # its test split of ~650 messages.
    text_rules_min_support: int = Field(default=5, ge=1)

    # Canary, shadow, live gate and automatic retraining (issue #7; docs/OPERATIONS.md).
    shadow_queue_size: int = Field(default=10_000, ge=1)  # shadow work beyond this is dropped
    shadow_batch_rows: int = Field(default=128, ge=1)
    gate_live_min_labels: int = Field(default=200, ge=1)  # live gate checks need this many
    gate_live_window_h: float = Field(default=24.0, gt=0)
    auto_retrain_enabled: bool = False
    auto_retrain_after_s: float = Field(default=1_800.0, gt=0)  # alert open this long → retrain
    auto_retrain_min_labels: int = Field(default=2_000, ge=100)
    auto_retrain_window_h: float = Field(default=24.0, gt=0)  # labelled data this recent
    auto_retrain_canary_percent: float = Field(default=10.0, ge=0, le=100)
    auto_retrain_interval_s: float = Field(default=300.0, gt=0)  # how often the job looks

    # Prometheus /metrics (issue #8; docs/OPERATIONS.md "Metrics and Grafana").
    metrics_refresh_s: float = Field(
        default=5.0, ge=0
    )  # drift/perf/alert gauges re-read at most this often
    metrics_bearer_token: str | None = None  # set: /metrics needs "Authorization: Bearer <token>"

    # Batch CSV scoring, POST /api/v1/predict/batch (issue #8; docs/API.md "Batch scoring").
    batch_max_bytes: int = Field(default=200 * 1024 * 1024, ge=1_024)  # larger upload → 413
    batch_chunk_rows: int = Field(default=10_000, ge=1)  # rows parsed, scored and logged at once
    drift_include_batch: bool = False  # drift/performance windows count batch-scored rows too
    # Backends count logged predictions into window counts (per 10 s bucket) and the worker
    # computes drift from them: a run's cost does not grow with traffic. Off: raw rows only.
    window_counts: bool = True
    # With window counts, performance reads a window's labelled rows only, at most this many.
    performance_max_labelled_rows: int = Field(default=50_000, ge=100)
    # Raw-row sampling (driftscope.sampling; docs/SCALING.md "Raw-row sampling"): below 1, a
    # prediction's raw row outlives the hold only if the hash of its id falls in this share,
    # its decision was positive, or it got a label; rows no window count covers are all kept.
    log_sample_rate: float = 1.0
    log_sample_hold_s: float = Field(default=86_400.0, gt=0)  # labels must arrive within it

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("log_sample_rate")
    @classmethod
    def _a_share(cls, value: float) -> float:
        if not 0 < value <= 1:
            raise ValueError(
                f"DRIFTSCOPE_LOG_SAMPLE_RATE must be > 0 and ≤ 1 (the share of predictions whose "
                f"raw rows are kept; 1 keeps every row), got {value:g}"
            )
        return value

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

        return GateConfig(
            self.gate_min_roc_auc,
            self.gate_min_f1,
            self.gate_max_regression,
            live_min_labels=self.gate_live_min_labels,
            live_window_h=self.gate_live_window_h,
        )

    def rule_policy(self, *, text: bool = False) -> RulePolicy:
        """The rules' floors; `text`: the content model's (its own support floor)."""
        from driftscope.rules import RulePolicy

        support = self.text_rules_min_support if text else self.rules_min_support
        return RulePolicy(self.rules_min_precision, self.rules_min_legit_precision, support)

    @property
    def admin_keys(self) -> frozenset[str]:
        """Plain admin keys given in settings (a client such as the simulator sends one);
        `sha256:` entries are hashes, usable by the server only."""
        keys = (k.strip() for k in self.admin_api_keys.split(","))
        return frozenset(k for k in keys if k and not k.startswith("sha256:"))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

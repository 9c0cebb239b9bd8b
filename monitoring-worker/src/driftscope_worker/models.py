"""The models a run watches: every registered model, with its spec's monitoring overrides."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from driftscope.catalog import CatalogEntry, model_catalog
from driftscope.settings import Settings
from driftscope_worker.context import WorkerContext

if TYPE_CHECKING:
    from driftscope.drift.engine import DriftConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MonitoredModel:
    """One model as this run monitors it: window length and drift thresholds resolved."""

    entry: CatalogEntry
    window_s: float
    drift: DriftConfig

    @property
    def name(self) -> str:
        return self.entry.name

    @property
    def production_version(self) -> int | None:
        return self.entry.production_version


def monitored(settings: Settings, entry: CatalogEntry) -> MonitoredModel:
    """`spec.monitoring` overrides the settings: `window_s`, and `psi_threshold` as the PSI a
    feature must exceed to drift (the alert level is raised to it when below)."""
    overrides = entry.spec.monitoring
    drift = settings.drift_config()
    if overrides.psi_threshold is not None:
        threshold = overrides.psi_threshold
        drift = dataclasses.replace(
            drift, psi_warn=threshold, psi_alert=max(drift.psi_alert, threshold)
        )
    return MonitoredModel(entry, overrides.window_s or settings.window_s, drift)


async def monitored_models(ctx: WorkerContext) -> list[MonitoredModel]:
    """Every registered model, served or external, in name order (one catalog read)."""
    async with ctx.sessionmaker() as session:
        catalog = await model_catalog(session)
    return [monitored(ctx.settings, entry) for entry in catalog.values()]

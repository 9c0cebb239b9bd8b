"""Every registered model at a glance: production version, served or external, and its spec.

Two queries whatever the number of models (production rows, then the newest version of each
model without one), so the worker reads it once per run and the backend caches it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db.models import ModelAlias, ModelVersion
from driftscope.errors import InvalidSpecError
from driftscope.registry import PRODUCTION, is_external
from driftscope.spec import ModelSpec, shipped_spec

log = logging.getLogger(__name__)
ModelKind = Literal["served", "external"]


@dataclass(frozen=True)
class CatalogEntry:
    """One model: its production version (None while it has none) and that version's spec
    (without a production version, the newest version's)."""

    name: str
    kind: ModelKind
    production_version: int | None
    threshold: float | None
    spec: ModelSpec

    @property
    def feature_names(self) -> list[str]:
        return [f.name for f in self.spec.features]


def _entry(row: ModelVersion, production: bool) -> CatalogEntry | None:
    try:
        spec = ModelSpec.from_dict(row.spec) if row.spec else shipped_spec(row.model_name)
    except InvalidSpecError as exc:  # a stored spec no longer valid: the other models go on
        log.warning("model %s v%d: stored spec refused (%s)", row.model_name, row.version, exc)
        return None
    if spec is None:
        log.warning("model %s v%d has no spec; left out", row.model_name, row.version)
        return None
    return CatalogEntry(
        name=row.model_name,
        kind="external" if is_external(row) else "served",
        production_version=row.version if production else None,
        threshold=row.threshold if production else None,
        spec=spec,
    )


async def model_catalog(session: AsyncSession) -> dict[str, CatalogEntry]:
    """Every registered model by name, in name order."""
    production = await session.scalars(
        select(ModelVersion).join(
            ModelAlias,
            (ModelAlias.model_name == ModelVersion.model_name)
            & (ModelAlias.version == ModelVersion.version)
            & (ModelAlias.alias == PRODUCTION),
        )
    )
    rows = {row.model_name: (row, True) for row in production}
    newest = (
        select(ModelVersion.model_name, func.max(ModelVersion.version))
        .group_by(ModelVersion.model_name)
        .subquery()
    )
    unserved = await session.scalars(
        select(ModelVersion).where(
            tuple_(ModelVersion.model_name, ModelVersion.version).in_(select(newest)),
            ModelVersion.model_name.not_in(list(rows)),
        )
    )
    rows.update({row.model_name: (row, False) for row in unserved})
    entries = (_entry(row, production) for row, production in rows.values())
    return {e.name: e for e in sorted(filter(None, entries), key=lambda e: e.name)}

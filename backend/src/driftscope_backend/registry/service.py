"""Hot swap: load the version the `production` alias names, warm it, then swap the reference.

Requests in flight keep the model object they started with; new requests get the new one.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from driftscope import registry
from driftscope.errors import DriftscopeError
from driftscope.serving.artifact import LoadedModel, load_model
from driftscope_backend.runtime import Runtime

log = logging.getLogger(__name__)


def _load_and_warm(path: Path, sha256: str, version: int) -> LoadedModel:
    model = load_model(path, sha256, version)
    model.probability_row(
        model.contract.encode_record(model.contract.example())
    )  # first call pays lazy costs
    return model


async def sync_production(runtime: Runtime) -> bool:
    """Serve what the alias says; returns True when the served model changed."""
    name = runtime.settings.model_name
    async with runtime.swap_lock:
        async with runtime.sessionmaker() as session:
            version = await registry.resolve(session, name)
        if version is None:
            runtime.model_error = (
                f"no '{name}' model registered with alias production (run: driftscope train)"
            )
            return False
        if runtime.model is not None and runtime.model.version == version.version:
            return False
        try:
            model = await asyncio.to_thread(
                _load_and_warm, Path(version.artifact_path), version.sha256, version.version
            )
        except DriftscopeError as exc:
            runtime.model_error = exc.message
            log.error(
                "cannot load %s v%d: %s (still serving %s)",
                name,
                version.version,
                exc.message,
                None if runtime.model is None else f"v{runtime.model.version}",
            )
            return False
        old = runtime.model
        runtime.model, runtime.model_error = model, None
        log.info(
            "now serving %s v%d (was %s)",
            name,
            model.version,
            None if old is None else f"v{old.version}",
        )
        return True

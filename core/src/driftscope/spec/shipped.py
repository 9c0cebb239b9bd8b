"""The specs shipped with the library (`driftscope/specs/<name>.json`): the built-in models."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from driftscope.spec.model import MODEL_NAME, ModelSpec


@cache
def shipped_spec(model_name: str) -> ModelSpec | None:
    """The shipped spec of a built-in model, None for any other name."""
    # The pattern check also keeps a name from reaching outside the specs folder.
    if not MODEL_NAME.fullmatch(model_name):
        return None
    resource = files("driftscope") / "specs" / f"{model_name}.json"
    if not resource.is_file():
        return None
    return ModelSpec.from_json(resource.read_bytes())

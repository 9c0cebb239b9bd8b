"""Model specs: a model's target, classes and features as data (see docs/API.md, "Model spec")."""

from driftscope.spec.model import (
    FeatureSpec,
    GateFloors,
    ModelSpec,
    MonitoringOverrides,
    SpecKind,
)
from driftscope.spec.shipped import shipped_spec

__all__ = [
    "FeatureSpec",
    "GateFloors",
    "ModelSpec",
    "MonitoringOverrides",
    "SpecKind",
    "shipped_spec",
]

"""Database: table models, async session factory, migrations."""

from driftscope.db.migrate import upgrade
from driftscope.db.models import (
    BATCH_SOURCE,
    Alert,
    Base,
    DriftReport,
    Event,
    Label,
    ModelAlias,
    ModelVersion,
    PerformanceSnapshot,
    Prediction,
    ReferenceProfile,
    SimulatorControl,
    TrainingRun,
    WindowCount,
    utcnow,
)
from driftscope.db.session import create_engine, make_sessionmaker, script_sessions

__all__ = [
    "BATCH_SOURCE",
    "Alert",
    "Base",
    "DriftReport",
    "Event",
    "Label",
    "ModelAlias",
    "ModelVersion",
    "PerformanceSnapshot",
    "Prediction",
    "ReferenceProfile",
    "SimulatorControl",
    "TrainingRun",
    "WindowCount",
    "create_engine",
    "make_sessionmaker",
    "script_sessions",
    "upgrade",
    "utcnow",
]

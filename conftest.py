"""Root conftest: shared fixtures live in the core library (driftscope.testing)."""

pytest_plugins = [
    "driftscope.testing",
    "driftscope.testing.content_model",
    "driftscope.testing.hangs",
]

"""External (monitor-only) models: predictions made elsewhere, logged through /models/{name}/log."""

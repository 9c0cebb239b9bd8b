"""Prometheus metrics: cheap in-process counters on the hot path, read by collectors at scrape."""

from driftscope_backend.metrics.requests import observe_request

__all__ = ["observe_request"]

"""GET /api/v1/predictions/recent: the newest logged predictions of a model."""

"""GET /api/v1/overview: every model with a production version, at a glance."""

"""Batch CSV scoring: upload, reading, vectorised checks, scoring and the `score-csv` command."""

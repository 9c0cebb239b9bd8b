"""Training: data, calibration, threshold selection, metrics."""

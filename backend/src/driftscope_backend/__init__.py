"""Driftscope process package."""

"""Driftscope core library."""

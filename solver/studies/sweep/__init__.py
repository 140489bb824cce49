"""Batch sweeps: one model, many scenarios, warm-started re-solves."""

"""Decisions under uncertainty: two-stage stochastic programs on the LinearProgram."""

"""What a worker process does: hold one scenario model (built once per process) and solve chunks of scenarios on it."""
from __future__ import annotations

import pickle

import numpy as np

from solver.studies.sweep.scenario import ScenarioModel

_MODELS: dict[str, ScenarioModel] = {}


def _model(key: str, payload: bytes | None) -> ScenarioModel:
    if key not in _MODELS:
        _MODELS.clear()
        _MODELS[key] = pickle.loads(payload)
        _MODELS[key].start()
    return _MODELS[key]


def _init_worker(key: str, payload: bytes) -> None:
    _model(key, payload)


def run_chunk(key: str, payload: bytes | None, chunk: list, want_flows: bool) -> list:
    """Solve a chunk of (index, values); the model is built once per worker process."""
    return solve_chunk(_model(key, payload), chunk, want_flows)


def solve_chunk(sm: ScenarioModel, chunk: list, want_flows: bool) -> list:
    """One row per scenario: (index, status, objective, units, built, unmet, costs, flows)."""
    out = []
    for index, values in chunk:
        r = sm.solve(values, want_flows)
        flows = None
        if r.flows is not None:
            nz = np.flatnonzero(r.flows > 1e-6)
            flows = (nz, r.flows[nz])
        out.append((index, r.status, r.objective, r.units, r.built, r.unmet, r.costs, flows))
    return out

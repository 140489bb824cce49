"""What a worker process does: hold one scenario model (built once per process) and solve chunks of scenarios on it."""

from __future__ import annotations

import os
import pickle
import threading
import time
from typing import Any

import numpy as np

from solver.studies.sweep.scenario import ScenarioModel

_MODELS: dict[str, Any] = {}  # a sweep's ScenarioModel or a stochastic Worker: a model with start()


def _model(key: str, payload: bytes | None) -> Any:
    if key not in _MODELS:
        assert payload is not None  # None only where the pool's start-up or Dask plugin gave the model
        _MODELS.clear()
        _MODELS[key] = pickle.loads(payload)
        _MODELS[key].start()
    return _MODELS[key]


def _init_worker(key: str, payload: bytes, parent: int | None = None) -> None:
    """A pool worker's start: exit with the parent (``parent``: its pid), then build the model."""
    if parent is not None:
        exit_with_parent(parent)
    _model(key, payload)


def exit_with_parent(parent: int, every: float = 0.5) -> None:
    """End this worker as soon as ``parent`` is gone, whatever ended it (kill -9 included): a thread
    that checks the parent's pid twice a second (an orphan is re-parented, so its parent pid changes).
    Portable, unlike Linux's PR_SET_PDEATHSIG, and blind to which thread started the worker."""

    def watch():
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="plantsplit-exit-with-parent", daemon=True).start()


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

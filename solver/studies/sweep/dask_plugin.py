"""The model on every Dask worker (imported only with --dask: distributed is an optional extra)."""

from __future__ import annotations

from distributed import WorkerPlugin

from solver.studies.sweep.worker import _MODELS, _model


class ModelPlugin(WorkerPlugin):
    """Gives every worker the model, those that join later included, so that no task depends on data one
    worker holds: a lost worker loses only the chunks it was running (they run again elsewhere)."""

    def __init__(self, key: str, payload: bytes):
        self.key, self.payload = key, payload
        self.name = f"plantsplit-model-{key[:16]}"

    def setup(self, worker=None) -> None:
        _model(self.key, self.payload)

    def teardown(self, worker=None) -> None:
        _MODELS.pop(self.key, None)

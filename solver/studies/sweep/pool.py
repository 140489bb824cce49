"""Where chunks of scenarios run: this process, a process pool, or a Dask cluster.

A ``Pool`` ships one pickled model to every worker once (the worker calls its
``start()`` and keeps it, live HiGHS models included) and stays open across rounds, so
an iterative method (Benders) pays the start-up once. ``map(task, chunks, *args)``
yields each chunk's result as it finishes; ``task(key, payload, chunk, *args)`` is a
module-level function that gets the worker's model with ``worker._model``.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from solver.errors import UsageError


class Pool:
    def __init__(self, model, jobs: int | None = None, dask: str | None = None, payload: bytes | None = None,
                 key: str | None = None):
        self.payload = payload if payload is not None else pickle.dumps(model)
        self.key = key or hashlib.sha256(self.payload).hexdigest()
        self.jobs = jobs or os.cpu_count() or 1
        self.dask = dask
        self.executor = self.client = self.cluster = self.shared = None

    def __enter__(self):
        if self.dask:
            self._start_dask()
        return self

    def _processes(self) -> ProcessPoolExecutor:
        """The process pool, started on first use (a single chunk runs here, no pool needed)."""
        from solver.studies.sweep.worker import _init_worker

        if self.executor is None:
            self.executor = ProcessPoolExecutor(max_workers=self.jobs, initializer=_init_worker,
                                                initargs=(self.key, self.payload))
        return self.executor

    def _start_dask(self):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise UsageError("--dask needs the distributed package: pip install 'plantsplit[dask]'") from None
        if self.dask == "local":
            self.cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                                        host="127.0.0.1", dashboard_address=None)
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(self.dask, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise UsageError(f"--dask {self.dask}: cannot reach the scheduler ({exc})") from None
        self.shared = self.client.scatter(self.payload, broadcast=True)

    def __exit__(self, *exc):
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        return False

    def map(self, task, chunks: list, *args):
        if self.client is not None:
            from distributed import as_completed

            futures = [self.client.submit(task, self.key, self.shared, c, *args, pure=False) for c in chunks]
            for fut in as_completed(futures):
                yield fut.result()
            return
        if self.jobs == 1 or len(chunks) <= 1:
            for c in chunks:
                yield task(self.key, self.payload, c, *args)
            return
        executor = self._processes()
        pending, it = set(), iter(chunks)

        def top_up():
            for c in it:
                pending.add(executor.submit(task, self.key, None, c, *args))
                if len(pending) >= self.jobs * 3:
                    break

        top_up()
        while pending:
            finished, rest = wait(pending, return_when=FIRST_COMPLETED)
            pending.clear()
            pending.update(rest)
            for f in finished:
                yield f.result()
            top_up()


def chunked(items: list, jobs: int, smallest: int = 8, largest: int = 256) -> list[list]:
    size = max(smallest, min(largest, len(items) // (jobs * 4) or smallest))
    return [items[k:k + size] for k in range(0, len(items), size)]

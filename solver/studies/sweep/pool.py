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
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from solver.errors import UsageError, WorkerLost

if TYPE_CHECKING:  # distributed is an optional extra
    from distributed import Client, LocalCluster

    from solver.studies.sweep.dask_plugin import ModelPlugin


class Pool:
    def __init__(
        self,
        model,
        jobs: int | None = None,
        dask: str | None = None,
        payload: bytes | None = None,
        key: str | None = None,
    ):
        self.payload = payload if payload is not None else pickle.dumps(model)
        self.key = key or hashlib.sha256(self.payload).hexdigest()
        self.jobs = jobs or os.cpu_count() or 1
        self.dask = dask
        self.executor: ProcessPoolExecutor | None = None
        self.client: Client | None = None
        self.cluster: LocalCluster | None = None
        self.plugin: ModelPlugin | None = None

    def __enter__(self):
        if self.dask:
            self._start_dask()
        return self

    def _processes(self) -> ProcessPoolExecutor:
        """The process pool, started on first use (a single chunk runs here, no pool needed)."""
        from solver.studies.sweep.worker import _init_worker

        if self.executor is None:
            self.executor = ProcessPoolExecutor(
                max_workers=self.jobs, initializer=_init_worker, initargs=(self.key, self.payload, os.getpid())
            )
        return self.executor

    def _start_dask(self):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise UsageError("--dask needs the distributed package: pip install 'plantsplit[dask]'") from None
        if self.dask == "local":
            self.cluster = LocalCluster(
                n_workers=self.jobs, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
            )
            self.client = Client(self.cluster)
        else:
            _refused_fast(self.dask)
            try:
                self.client = Client(self.dask, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise UsageError(f"--dask {self.dask}: cannot reach the scheduler ({exc})") from None
        from solver.studies.sweep.dask_plugin import ModelPlugin

        self.plugin = ModelPlugin(self.key, self.payload)
        self.client.register_plugin(self.plugin, name=self.plugin.name)

    def __exit__(self, *exc):
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)
        if self.client is not None:
            if self.plugin is not None:
                try:
                    self.client.unregister_worker_plugin(self.plugin.name)
                except Exception:  # noqa: BLE001 - a closing cluster need not answer
                    pass
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        return False

    def map(self, task, chunks: list, *args):
        if self.client is not None:
            yield from self._dask_map(self.client, task, chunks, args)
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

        try:
            top_up()
            while pending:
                finished, rest = wait(pending, return_when=FIRST_COMPLETED)
                pending.clear()
                pending.update(rest)
                for f in finished:
                    yield f.result()
                top_up()
        except BrokenProcessPool:  # raised by a result or by the next submit
            raise WorkerLost(
                "a worker process died while solving (killed, or out of memory); what was written "
                "so far is kept: run the same command again (a sweep with --resume continues where "
                "it stopped)"
            ) from None

    def _dask_map(self, client: Client, task, chunks: list, args: tuple, attempts: int = 4):
        """Chunks on the cluster, results as they finish. Every worker holds the model (ModelPlugin, also
        given to workers that join later), so a chunk depends on nothing but its worker: a chunk whose
        worker was lost (killed, or its machine gone) runs again on another, up to ``attempts`` times. An
        error raised by the task itself is not retried."""
        from distributed import as_completed

        def submit(k):
            return client.submit(task, self.key, None, chunks[k], *args, pure=False)

        index = {submit(k): k for k in range(len(chunks))}
        tries = dict.fromkeys(range(len(chunks)), 1)
        pending = as_completed(list(index))
        for fut in pending:
            k = index.pop(fut)
            try:
                result = fut.result()
            except Exception as exc:
                if not _lost_worker(fut, exc) or tries[k] >= attempts:
                    raise
                tries[k] += 1
                again = submit(k)
                index[again] = k
                pending.add(again)
                continue
            yield result


def _lost_worker(fut, exc: BaseException) -> bool:
    """Did the chunk fail because its worker was lost (not because the task raised)?"""
    from concurrent.futures import CancelledError

    lost: tuple[type[BaseException], ...] = (CancelledError, ConnectionError, TimeoutError)
    try:
        from distributed import KilledWorker

        lost += (KilledWorker,)
    except ImportError:  # pragma: no cover
        pass
    return (
        fut.status == "cancelled"
        or isinstance(exc, lost)
        or type(exc).__name__ in ("FutureCancelledError", "CommClosedError", "KilledWorker")
    )


def chunked(items: list, jobs: int, smallest: int = 8, largest: int = 256) -> list[list]:
    size = max(smallest, min(largest, len(items) // (jobs * 4) or smallest))
    return [items[k : k + size] for k in range(0, len(items), size)]


def _refused_fast(address: str | None) -> None:
    """A TCP scheduler address where nothing listens is said at once (Dask's own client retries for its whole
    timeout); any other answer, and every other scheme, is left to the client."""
    import socket

    from distributed.comm.addressing import parse_address, parse_host_port

    if not address:
        return
    try:
        scheme, loc = parse_address(address)
        host, port = parse_host_port(loc)
    except ValueError:
        return
    if scheme not in ("tcp", "tls"):
        return
    try:
        socket.create_connection((host, port), timeout=10).close()
    except ConnectionRefusedError as exc:
        raise UsageError(f"--dask {address}: cannot reach the scheduler ({exc.strerror or exc})") from None
    except OSError:
        return

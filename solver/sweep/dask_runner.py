"""Run sweep chunks on a Dask distributed cluster (``--dask ADDRESS`` or ``--dask local``).

The pickled scenario model is scattered to every worker once; each task solves a chunk
of scenarios (Dask costs ~1.6 ms per task here, so chunks of hundreds keep it small),
and each worker process builds its live HiGHS models once and keeps them.
"""
from __future__ import annotations

from ..errors import UsageError
from .runner import run_chunk


def execute_dask(chunks, key, payload, jobs, address, plans):
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise UsageError("--dask needs the distributed package: pip install 'plantsplit[dask]'") from None
    cluster = None
    if address == "local":
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None)
        client = Client(cluster)
    else:
        try:
            client = Client(address, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise UsageError(f"--dask {address}: cannot reach the scheduler ({exc})") from None
    try:
        shared = client.scatter(payload, broadcast=True)
        futures = [client.submit(run_chunk, key, shared, c, plans, pure=False) for c in chunks]
        for fut in as_completed(futures):
            yield fut.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

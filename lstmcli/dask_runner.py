"""Run a panel's per-series tasks on a Dask cluster (`--dask ADDRESS` or $LSTM_DASK_SCHEDULER).

The same contract as `parallel.run`: `runner(fn, tasks, jobs)` yields (task index, result)
as tasks finish. Each task is submitted on its own, so a worker receives only its own
series (a few kB of CSV) and options; the result depends on the task alone (its seed is in
it), so it is bit-identical to the local run. Dask's nanny starts workers with one BLAS
thread (OMP/MKL/OPENBLAS_NUM_THREADS=1), as `parallel` does for local workers.

dask.distributed is an optional extra: `pip install 'lstmcli[dask]'`. Workers need lstmcli
installed (the same version) to import the task functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from lstmcli.errors import OptionError

CONNECT_TIMEOUT = 3  # seconds: an unreachable scheduler is an error this soon, before anything is read or written
INSTALL_HINT = "install it with: pip install 'lstmcli[dask]'  (or: pip install 'dask[distributed]')"


def connect(address: str, timeout: float = CONNECT_TIMEOUT) -> DaskRunner:
    """A runner on the scheduler at `address`; OptionError when dask is missing or the scheduler is unreachable."""
    try:
        from distributed import Client
    except ImportError:
        raise OptionError("--dask needs dask.distributed, which is not installed", hint=INSTALL_HINT) from None
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as e:
        raise OptionError(
            f"--dask {address}: no Dask scheduler answered within {timeout:g} s ({type(e).__name__})",
            hint="check the address (e.g. tcp://host:8786), or start one: dask scheduler, then dask worker ADDRESS",
        ) from None
    return DaskRunner(client)


class DaskRunner:
    """Submits each task to the cluster; yields (index, result) as they finish; cancels the rest when stopped."""

    def __init__(self, client) -> None:
        self.client = client

    def __call__(self, fn: Callable, tasks: list, jobs: int = 1) -> Iterator[tuple[int, object]]:
        from distributed import as_completed

        futures = [self.client.submit(fn, task, pure=False) for task in tasks]
        index = {f.key: k for k, f in enumerate(futures)}
        try:
            for future in as_completed(futures, loop=self.client.loop):
                yield index[future.key], future.result()
        finally:
            self.client.cancel([f for f in futures if not f.done()])
            self.client.close()

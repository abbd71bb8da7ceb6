"""Run a panel's per-series tasks on a Dask cluster (`--dask ADDRESS` or $LSTM_DASK_SCHEDULER).

The same contract as `parallel.run`: `runner(fn, tasks, jobs)` yields (task index, result)
as tasks finish. Each task carries only its own series (a few kB of CSV) and options; the
result depends on the task alone (its seed is in it), so it is bit-identical to the local run.

What a run costs beyond the fits, and what is done about it (measured in benchmarks/README.md):
- the workers' first task imported lstmcli (NumPy, pandas: ~0.5 s a worker): `connect` asks every
  worker to import it at once (`warm_up`, not waited for), so that runs while `lstm` reads the data;
- BLAS threads: each worker computes with ONE BLAS thread, as `parallel` workers do (same kernels,
  same bits, no threads fighting over the cores). Dask's nanny starts workers that way; `warm_up`
  sets it too where NumPy is not yet loaded (a worker started without a nanny);
- the workers' statistical profiler samples a running task's stack every 10 ms on the worker's event
  loop (up to ~8% more CPU on these pure-Python-over-NumPy fits when the cores are contended): it is
  paused on each worker while the run's tasks are there and restarted after (a count on the worker:
  runs side by side share it);
- all tasks go to the scheduler in one message (`client.map`), results come back in the background as
  they finish (`as_completed(with_results=True)`), and each is released on the cluster once read.

dask.distributed is an optional extra: `pip install 'lstmcli[dask]'`. Workers need lstmcli
installed (the same version) to import the task functions.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from lstmcli.errors import OptionError

CONNECT_TIMEOUT = 3  # seconds: an unreachable scheduler is an error this soon, before anything is read or written
INSTALL_HINT = "install it with: pip install 'lstmcli[dask]'  (or: pip install 'dask[distributed]')"
WARM_MODULES = ("lstmcli.panel", "lstmcli.data", "lstmcli.backtest", "lstmcli.forecast")  # what a series task imports
BLAS_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
_PAUSED = "_lstmcli_profiler_paused"  # on a worker: how many lstm runs have its profiler paused


def connect(address: str, timeout: float = CONNECT_TIMEOUT) -> DaskRunner:
    """A runner on the scheduler at `address`; OptionError when dask is missing or the scheduler is unreachable.
    Every worker starts importing lstmcli now (not waited for)."""
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
    runner = DaskRunner(client)
    runner.warm_up()
    return runner


def warm_worker(modules: tuple[str, ...] = WARM_MODULES) -> None:
    """On a worker: one BLAS thread for a NumPy not yet loaded, then import what the tasks need."""
    import importlib
    import os
    import sys

    if "numpy" not in sys.modules:
        os.environ.update(dict.fromkeys(BLAS_THREAD_VARS, "1"))
    for name in modules:
        importlib.import_module(name)


async def warm_worker_soon(modules: tuple[str, ...] = WARM_MODULES) -> None:
    """On a worker (client.run, not waited for): `warm_worker` in a thread, so its event loop keeps answering."""
    import asyncio

    await asyncio.get_running_loop().run_in_executor(None, warm_worker, modules)


def pause_profiler(dask_worker=None) -> bool:
    """On a worker (client.run, in its event loop): stop its statistical profiler for this run; True if paused."""
    callback = getattr(dask_worker, "periodic_callbacks", {}).get("profile")
    paused = getattr(dask_worker, _PAUSED, 0)
    if callback is None or not (paused or callback.is_running()):
        return False  # profiling disabled by the cluster's own configuration: nothing to do
    if paused == 0:
        callback.stop()
    setattr(dask_worker, _PAUSED, paused + 1)
    return True


def resume_profiler(dask_worker=None) -> None:
    """On a worker: the end of a run that paused the profiler; the last one to end restarts it."""
    paused = getattr(dask_worker, _PAUSED, 0)
    if paused <= 0:
        return
    setattr(dask_worker, _PAUSED, paused - 1)
    if paused == 1:
        dask_worker.periodic_callbacks["profile"].start()


class DaskRunner:
    """Submits the tasks to the cluster; yields (index, result) as they finish; cancels the rest when stopped."""

    def __init__(self, client, pause_profiling: bool = True) -> None:
        self.client = client
        self.pause_profiling = pause_profiling

    def warm_up(self) -> None:
        """Every worker imports lstmcli (with one BLAS thread) now, while this process does other work."""
        with contextlib.suppress(Exception):  # only a head start: the first task imports what it needs anyway
            self.client.run(warm_worker_soon, wait=False)

    def __call__(self, fn: Callable, tasks: list, jobs: int = 1) -> Iterator[tuple[int, object]]:
        from distributed import as_completed

        paused = self._run_on_workers(pause_profiler) if self.pause_profiling else {}
        futures = self.client.map(fn, tasks, pure=False)  # one message for every task, in task order
        index = {f.key: k for k, f in enumerate(futures)}
        try:
            for future, result in as_completed(futures, with_results=True, loop=self.client.loop):
                k = index[future.key]
                futures[k] = None  # released on the cluster once read
                yield k, result
        finally:
            self.client.cancel([f for f in futures if f is not None and not f.done()])
            if any(paused.values()):
                self._run_on_workers(resume_profiler, [w for w, p in paused.items() if p])
            self.client.close()

    def _run_on_workers(self, fn: Callable, workers: list | None = None) -> dict:
        """fn(dask_worker) on each worker: {worker address: its result}; {} when that fails (a worker gone)."""
        try:
            return self.client.run(fn, workers=workers, on_error="return") or {}
        except Exception:
            return {}

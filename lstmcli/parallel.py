"""Independent pieces of work (ensemble members, candidate models, series of a panel) in parallel processes.

One rule makes `--jobs` safe to change: a task's result depends on the task alone (its data,
its configuration and its own seed), never on the worker that ran it, the order tasks
finish in, or how many workers there are. So every task carries its own seed, each worker
process runs NumPy with ONE BLAS thread (`lstm` sets the same in its own process, so
`--jobs 1`, which runs in-process, computes with the same single-threaded kernels), and
`run` hands back results in task order whatever order they finished in.

    >>> for k, result in parallel.run(fit_member, tasks, jobs=2):   # (task index, result), as they finish
    ...     progress.advance()

Workers start from a fresh interpreter (the "forkserver" method, with lstmcli preloaded),
not a fork of a parent whose BLAS threads may already be running: forking a process with
live OpenBLAS threads is how pools deadlock. A task's exception is re-raised in the parent
when its result is reached. Workers ignore SIGINT: Ctrl-C (and SIGTERM, which
reaches only the parent) is the parent's to hear, through `should_stop` or its own
KeyboardInterrupt; the pool then ends without waiting for unfinished tasks.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import TypeVar

from lstmcli.errors import OptionError

T = TypeVar("T")
R = TypeVar("R")

MAX_JOBS = 512  # more worker processes than this is a typo, not a machine
BLAS_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


def default_jobs() -> int:
    """The cores this process may run on (its CPU affinity, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def check_jobs(jobs: int | None) -> int:
    """`--jobs`: None means the cores; 1..MAX_JOBS otherwise (OptionError naming --jobs)."""
    if jobs is None:
        return default_jobs()
    if not isinstance(jobs, int) or isinstance(jobs, bool) or not 1 <= jobs <= MAX_JOBS:
        raise OptionError(
            f"--jobs {jobs} is not possible",
            hint=f"use a number of worker processes from 1 to {MAX_JOBS}, e.g. --jobs {default_jobs()} (the cores)",
        )
    return jobs


@contextmanager
def _one_blas_thread():
    """Workers started inside inherit one BLAS thread; the parent's environment is restored after."""
    saved = {var: os.environ.get(var) for var in BLAS_THREAD_VARS}
    os.environ.update(dict.fromkeys(BLAS_THREAD_VARS, "1"))
    try:
        yield
    finally:
        for var, value in saved.items():
            if value is None:
                os.environ.pop(var, None)
            else:
                os.environ[var] = value


def _context(preload: Sequence[str] = ()) -> multiprocessing.context.BaseContext:
    """The forkserver context (spawn where there is none); `preload`: more modules the server imports
    when it starts (it starts once per process: a later call's list does not change a running server)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["numpy", "lstmcli.forecast", *preload])  # each worker forks from a warm server
        return ctx
    return multiprocessing.get_context("spawn")


def prestart(jobs: int, preload: Sequence[str] = ()) -> None:
    """Start the forkserver now, with `preload` imported in it too, so that its start-up (importing
    NumPy, lstmcli and `preload`, ~0.5 s) runs while this process does other work, e.g. reads the
    input; `run` later forks its workers from the warm server at once. Nothing for jobs 1 (no pool),
    where there is no forkserver, or off the main thread (see _start_forkserver)."""
    if jobs <= 1:
        return
    with _one_blas_thread():  # the server's environment is every worker's
        _start_forkserver(_context(preload))


def _ignore_sigint() -> None:
    """Each worker's first act: Ctrl-C is the parent's to hear (it stops the pool and ends the workers)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start_forkserver(ctx: multiprocessing.context.BaseContext) -> None:
    """Start the forkserver (if not yet running) with SIGINT ignored, so that it and every worker it forks ignore it.

    An ignored signal stays ignored across fork and exec (a blocked one does not survive the
    forkserver's start). Without this, a Ctrl-C while the forkserver was still importing NumPy
    printed that child's traceback. The parent ignores SIGINT only for the fork+exec itself.
    """
    import signal
    import threading

    if ctx.get_start_method() != "forkserver" or threading.current_thread() is not threading.main_thread():
        return
    from multiprocessing import forkserver

    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, old)


def run(
    fn: Callable[[T], R],
    tasks: Iterable[T],
    jobs: int = 1,
    should_stop: Callable[[], bool] | None = None,
    poll: float = 0.1,
) -> Iterator[tuple[int, R]]:
    """(index, fn(task)) for every task, yielded as each finishes; `jobs` worker processes.

    `jobs == 1` (or a single task) runs in this process, in order, with no pool to start.
    `fn` and the tasks must be picklable (a module-level function; arrays and dataclasses).
    A task that raises re-raises here when its turn comes; the pool is then shut down.
    `should_stop()` (e.g. a Ctrl-C or SIGTERM flag) is asked every `poll` seconds while waiting
    and between tasks: once true, the tasks finished so far have been yielded, the workers still
    busy are terminated and the iteration ends (workers never see Ctrl-C themselves).
    """
    tasks = list(tasks)
    jobs = min(check_jobs(jobs), max(1, len(tasks)))
    if jobs == 1:
        for k, task in enumerate(tasks):
            if should_stop is not None and should_stop():
                return
            yield k, fn(task)
        return
    pool = None
    pending: dict[Future, int] = {}
    try:
        with _one_blas_thread():
            ctx = _context()
            _start_forkserver(ctx)
            pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_ignore_sigint)
            pending = {pool.submit(fn, task): k for k, task in enumerate(tasks)}  # starts the workers
        timeout = poll if should_stop is not None else None
        while pending and not (should_stop is not None and should_stop()):
            done, _ = wait(pending, timeout=timeout, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=pending.__getitem__):  # ties in task order
                k = pending.pop(future)
                yield k, future.result()
    finally:  # normal end, a task's error, a stop, Ctrl-C or the caller stopping early: do not wait for the rest
        if pool is not None:
            workers = list((getattr(pool, "_processes", None) or {}).values())
            manager = getattr(pool, "_executor_manager_thread", None)
            unfinished = bool(pending) and not all(f.done() for f in pending)
            pool.shutdown(wait=not unfinished, cancel_futures=True)
            for process in workers if unfinished else ():  # a stop must not wait for a long fit to finish
                if process.is_alive():
                    process.terminate()
            if unfinished and manager is not None:  # let it close its pipes now: racing Python's exit hook
                manager.join(timeout=5)  # printed "Exception ignored ... Bad file descriptor" (3.11)


def map_ordered(fn: Callable[[T], R], tasks: Iterable[T], jobs: int = 1) -> list[R]:
    """[fn(task) for task in tasks], computed by `jobs` processes; the list is in task order."""
    tasks = list(tasks)
    results: list = [None] * len(tasks)
    for k, result in run(fn, tasks, jobs):
        results[k] = result
    return results

"""The process pool: results in task order, the same for any --jobs, one BLAS thread per worker."""

from __future__ import annotations

import os

import numpy as np
import pytest

from lstmcli import parallel
from lstmcli.errors import OptionError


def _work(seed: int) -> tuple[float, str | None]:
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((64, 64))
    return float((a @ a).sum()), os.environ.get("OPENBLAS_NUM_THREADS")


def _fail_on_three(k: int) -> int:
    if k == 3:
        raise ValueError("task 3 failed")
    return k


def test_results_are_in_task_order_and_the_same_for_any_jobs():
    one = parallel.map_ordered(_work, range(6), jobs=1)
    two = parallel.map_ordered(_work, range(6), jobs=2)
    assert [v for v, _ in one] == [v for v, _ in two]  # bit-identical, in task order
    assert {threads for _, threads in two} == {"1"}  # workers run one BLAS thread


def test_run_yields_every_index_once():
    seen = sorted(k for k, _ in parallel.run(_work, range(5), jobs=2))
    assert seen == [0, 1, 2, 3, 4]


def test_the_parent_environment_is_restored():
    before = {v: os.environ.get(v) for v in parallel.BLAS_THREAD_VARS}
    parallel.map_ordered(_work, range(3), jobs=2)
    assert {v: os.environ.get(v) for v in parallel.BLAS_THREAD_VARS} == before


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_task_error_reaches_the_caller(jobs):
    with pytest.raises(ValueError, match="task 3 failed"):
        parallel.map_ordered(_fail_on_three, range(6), jobs=jobs)


@pytest.mark.parametrize("jobs", [0, -1, parallel.MAX_JOBS + 1, True, 1.5])
def test_impossible_jobs_are_refused(jobs):
    with pytest.raises(OptionError, match="--jobs"):
        parallel.check_jobs(jobs)


def test_default_jobs_is_the_cores():
    assert parallel.check_jobs(None) == parallel.default_jobs() >= 1

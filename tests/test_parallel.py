"""The process pool: results in task order, the same for any --jobs, one BLAS thread per worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def _sigint_in_worker(_: int) -> tuple[bool, bool | None]:
    """(this worker ignores SIGINT, its parent (the forkserver) ignores it too; None off Linux)."""
    ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    try:
        status = Path(f"/proc/{os.getppid()}/status").read_text()
    except OSError:
        return ignored, None
    mask = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigIgn:")), 16)
    return ignored, bool(mask & (1 << (signal.SIGINT - 1)))


@pytest.mark.parametrize("jobs", [1, 2])
def test_should_stop_ends_the_run_promptly_with_what_finished(jobs):
    """A stop (Ctrl-C or SIGTERM flag) is heard while waiting: the finished tasks come back, the busy ones end."""
    t0 = time.monotonic()
    got = []
    for k, result in parallel.run(_sleep, [0.0, 30.0, 30.0, 30.0], jobs=jobs, should_stop=lambda: bool(got)):
        got.append((k, result))
    assert got == [(0, 0.0)]
    assert time.monotonic() - t0 < 15, "the run waited for a 30 s task after the stop"


def test_should_stop_false_changes_nothing():
    one = parallel.map_ordered(_work, range(4), jobs=1)
    two = [r for _, r in sorted(parallel.run(_work, range(4), jobs=2, should_stop=lambda: False))]
    assert [v for v, _ in one] == [v for v, _ in two]


def test_workers_and_the_forkserver_ignore_ctrl_c():
    """Ctrl-C is the parent's to hear: a child that saw it printed its own traceback (the forkserver mid-import)."""
    for ignored, server_ignores in parallel.map_ordered(_sigint_in_worker, range(2), jobs=2):
        assert ignored
        if server_ignores is not None and parallel._context().get_start_method() == "forkserver":
            assert server_ignores
    assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN  # the parent hears it again


@pytest.mark.skipif(sys.platform == "win32", reason="process groups")
def test_ctrl_c_while_the_workers_start_is_one_line(lstm_exe, tmp_path):
    """SIGINT to the whole process group (what a terminal's Ctrl-C does) while an ensemble's workers start."""
    sample = Path(__file__).resolve().parents[1] / "sample_data" / "daily_stock.csv"
    cmd = [lstm_exe, "train", str(sample), "--ensemble", "4", "--jobs", "2", "--epochs", "30"]
    for delay in (0.8, 1.6):  # before and after the forkserver's imports, on this kind of machine
        proc = subprocess.Popen(
            [*cmd, "--model", str(tmp_path / "m.npz")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env={**os.environ, "NO_COLOR": "1"},
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=60)
        finally:
            proc.kill()
        text = err.decode()
        assert "Traceback" not in text and "Process " not in text, text
        if proc.returncode == 0:  # a fast machine: a member had finished, and is kept (the message says so)
            assert "Stopped by SIGINT after" in text and "kept" in text, text
            (tmp_path / "m.npz").unlink()
            continue
        assert proc.returncode == 130, text
        assert "Interrupted." in text or "Stopped by SIGINT before any of the 4 ensemble members" in text, text
        assert not (tmp_path / "m.npz").exists()


def test_an_ensemble_stopped_before_any_member_is_one_line_exit_130(run, tmp_path, monkeypatch):
    """The user's stop is not an error: no `Error:`, no second "Interrupted.", no empty 0/0 bar, nothing written."""
    from lstmcli.cli import common

    path = tmp_path / "m.npz"
    path.write_bytes(b"the previous model")
    monkeypatch.setattr(common.StopFlag, "__call__", lambda self: True)
    sample = Path(__file__).resolve().parents[1] / "sample_data" / "monthly_seasonal.csv"
    r = run("train", str(sample), "--ensemble", "3", "--jobs", "1", "--epochs", "2", "--model", str(path))
    assert r.exit_code == 130, r
    assert "before any of the 3 ensemble members finished; nothing was written" in r.stderr, r
    assert "Error" not in r.stderr and "Interrupted." not in r.stderr and "0/0" not in r.stderr, r.stderr
    assert path.read_bytes() == b"the previous model"


def test_a_panel_stopped_before_any_series_is_one_line_exit_130(run, tmp_path, monkeypatch):
    from lstmcli.cli import common

    monkeypatch.setattr(common.StopFlag, "__call__", lambda self: True)
    sample = Path(__file__).resolve().parents[1] / "sample_data"
    files = [str(sample / "monthly_seasonal.csv"), str(sample / "trend_smooth.csv")]
    r = run("train", *files, "--jobs", "1", "--epochs", "2", "--model", str(tmp_path / "p.npz"))
    assert r.exit_code == 130, r
    assert "before any of the 2 series trained; nothing was written" in r.stderr, r
    assert "Error" not in r.stderr and not (tmp_path / "p.npz").exists(), r.stderr

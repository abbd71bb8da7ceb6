"""A panel on a real Dask cluster (LocalCluster, 2 worker processes): bit-identical to --jobs 1; clear errors."""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import pytest
from conftest import run_exe
from test_panel import FAST, long_text, write


def test_without_dask_the_option_says_how_to_install_it(run, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    model = tmp_path / "m.npz"
    r = run("train", str(write(tmp_path, long_text())), "--model", str(model), "--dask", "tcp://127.0.0.1:8786")
    assert r.exit_code == 2 and "pip install 'lstmcli[dask]'" in r.stderr, r
    assert not model.exists()


def test_an_unreachable_scheduler_is_a_clear_error_within_seconds(run, tmp_path):
    pytest.importorskip("distributed")
    model = tmp_path / "m.npz"
    model.write_bytes(b"previous")
    t0 = time.perf_counter()
    r = run("train", str(write(tmp_path, long_text())), "--model", str(model), "--dask", "tcp://127.0.0.1:9")
    assert time.perf_counter() - t0 < 10
    assert r.exit_code == 2 and "no Dask scheduler answered" in r.stderr and r.stderr.count("Error:") == 1, r
    assert model.read_bytes() == b"previous"


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None) as c:
        yield c.scheduler_address


def test_a_dask_run_is_bit_identical_to_jobs_1(cluster, lstm_exe, tmp_path):
    path = write(tmp_path, long_text())
    local = run_exe(lstm_exe, "train", str(path), "--model", str(tmp_path / "j1.npz"), *FAST, "--jobs", "1", "-q")
    remote = run_exe(lstm_exe, "train", str(path), "--model", str(tmp_path / "dk.npz"), *FAST, "--dask", cluster)
    assert local.returncode == 0 and remote.returncode == 0, remote.stderr.decode()
    assert "on the Dask cluster at" in remote.stdout.decode()
    with np.load(tmp_path / "j1.npz") as a, np.load(tmp_path / "dk.npz") as b:
        assert sorted(a.files) == sorted(b.files)
        for k in a.files:
            if k != "__meta__":
                np.testing.assert_array_equal(a[k], b[k])
    args = ("backtest", str(path), "--days", "2", *FAST, "--json")
    local = run_exe(lstm_exe, *args, "--jobs", "1")
    remote = run_exe(lstm_exe, *args, env={"LSTM_DASK_SCHEDULER": cluster})  # the variable, not the option
    scores = [
        [{k: v for k, v in s.items() if k != "seconds"} for s in json.loads(p.stdout)["series"]]
        for p in (local, remote)
    ]
    assert scores[0] == scores[1] and len(scores[0]) == 3


def test_forecasts_on_dask_are_the_local_ones(cluster, lstm_exe, tmp_path):
    path, model = write(tmp_path, long_text()), tmp_path / "m.npz"
    assert run_exe(lstm_exe, "train", str(path), "--model", str(model), *FAST, "-q").returncode == 0
    args = ("predict", "--model", str(model), "--days", "3", "--json")
    local = json.loads(run_exe(lstm_exe, *args).stdout)
    remote = json.loads(run_exe(lstm_exe, *args, "--dask", cluster).stdout)
    assert [s["id"] for s in remote["series"]] == ["AAPL", "MSFT", "GOOG"]
    assert local["series"] == remote["series"]


def _profiler_state(dask_worker):
    """On a worker: (its profiler running?, how many lstm runs pause it)."""
    return dask_worker.periodic_callbacks["profile"].is_running(), getattr(dask_worker, "_lstmcli_profiler_paused", 0)


def test_connecting_has_every_worker_import_lstmcli_before_any_task():
    distributed = pytest.importorskip("distributed")
    from lstmcli import dask_runner

    warm = lambda: "lstmcli.panel" in __import__("sys").modules  # noqa: E731 (by value: imports no test module)
    local = distributed.LocalCluster(processes=True, n_workers=1, threads_per_worker=1, dashboard_address=":0")
    with local as c, distributed.Client(c.scheduler_address, set_as_default=False) as watcher:
        assert not any(watcher.run(warm).values())
        runner = dask_runner.connect(c.scheduler_address)  # not waited for: lstm reads its data meanwhile
        deadline = time.perf_counter() + 30
        while not all(watcher.run(warm).values()):
            assert time.perf_counter() < deadline, "the workers never imported lstmcli.panel"
            time.sleep(0.1)
        runner.client.close()


def test_the_runner_pauses_the_workers_profiler_while_it_runs(cluster):
    """During a run the workers' 10 ms profiler is paused, after it runs again; results come back for every
    task, with its index."""
    from distributed import Client

    from lstmcli import dask_runner

    runner = dask_runner.connect(cluster)
    with Client(cluster, set_as_default=False) as watcher:
        results = runner(abs, [-3, 4, -5], 2)
        first = next(results)
        during = watcher.run(_profiler_state)
        rest = list(results)
        after = watcher.run(_profiler_state)
    assert sorted([first, *rest]) == [(0, 3), (1, 4), (2, 5)]
    assert len(during) == 2 and all(not running and paused == 1 for running, paused in during.values()), during
    assert all(running and paused == 0 for running, paused in after.values()), after

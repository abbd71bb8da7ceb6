"""A small ensemble (--jobs not given) trains in this process: the worker pool's start-up costs more than it saves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from conftest import random_walk

from lstmcli import ensemble, parallel
from lstmcli.forecast import Forecaster
from lstmcli.training import TrainConfig

FAST = ["--epochs", "3", "--hidden", "4", "--window", "10", "-q"]


def _csv(tmp_path: Path, rows: int = 90) -> Path:
    prices = random_walk(rows, 11)
    days = np.arange("2001-01-01", "2003-01-01", dtype="datetime64[D]")[:rows]
    csv = tmp_path / f"p{rows}.csv"
    csv.write_text("Date,Close\n" + "".join(f"{d},{p:.4f}\n" for d, p in zip(days, prices, strict=True)))
    return csv


def _tasks(rows: int, n: int = 3, **config) -> list[ensemble.MemberTask]:
    series = np.zeros((rows, 1))
    return ensemble.tasks(TrainConfig(**config), n, series, np.arange(5), np.arange(5, 7), 1, False)


def test_the_threshold_counts_members_rows_epochs_and_units():
    assert ensemble.work(_tasks(99)) == 3 * 99 * 60 * 32 < ensemble.IN_PROCESS_WORK  # the defaults: under 100 rows
    assert ensemble.members_jobs(_tasks(99), 2, given=False) == 1
    assert ensemble.members_jobs(_tasks(100), 2, given=False) == 2  # from 100 rows on, the pool
    assert ensemble.members_jobs(_tasks(99, n=5), 2, given=False) == 2  # more members: more to share out
    assert ensemble.members_jobs(_tasks(60, epochs=200), 2, given=False) == 2  # a long fit of a short series
    assert ensemble.members_jobs(_tasks(20), 2, given=True) == 2  # --jobs given: as asked


def _no_pool(*args, **kwargs):
    raise AssertionError("the worker pool was started")


def test_a_short_ensemble_trains_in_this_process_with_the_same_weights(tmp_path, run, monkeypatch):
    csv = _csv(tmp_path)
    members = {}
    for jobs in ("2", "1", None):  # --jobs 2 starts the pool (as asked); without --jobs: no pool here
        if jobs is None:
            monkeypatch.setattr(parallel, "ProcessPoolExecutor", _no_pool)
        model = tmp_path / f"m{jobs}.npz"
        r = run("train", str(csv), *FAST, "--ensemble", "3", "--model", str(model), *(["--jobs", jobs] if jobs else []))
        assert r.exit_code == 0, r
        members[jobs] = Forecaster.load(model).members
    for jobs in ("1", None):
        assert len(members[jobs]) == 3
        for a, b in zip(members[jobs], members["2"], strict=True):
            assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_the_default_ensemble_of_a_short_series_needs_no_pool(tmp_path, run, monkeypatch):
    csv = _csv(tmp_path, 60)
    pooled = tmp_path / "pooled.npz"
    assert run("train", str(csv), *FAST, "--jobs", "2", "--model", str(pooled)).exit_code == 0
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", _no_pool)
    model = tmp_path / "m.npz"
    r = run("train", str(csv), *FAST, "--model", str(model))
    assert r.exit_code == 0, r
    a, b = Forecaster.load(model), Forecaster.load(pooled)
    assert a.info.ensemble.seeds == (0, 1, 2)
    assert all(np.array_equal(x[k], y[k]) for x, y in zip(a.members, b.members, strict=True) for k in x)
    # and lstm backtest's fit, as lstm train's
    r = run("backtest", str(csv), *FAST, "--json")
    assert r.exit_code == 0, r

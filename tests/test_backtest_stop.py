"""`lstm backtest` stopped midway (Ctrl-C, SIGTERM) keeps the origins scored so far; `--refit N` fits in
parallel processes (`--jobs`) with the same forecasts as one process."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import time
from dataclasses import replace

import numpy as np
import pytest
from conftest import random_walk, run_exe
from test_faults import _daily_csv, _start, _stop, _wait_for

from lstmcli import metrics
from lstmcli.backtest import BacktestSpec, per_origin_rows, run_backtest
from lstmcli.training import TrainConfig

TINY = TrainConfig(window=6, hidden=4, epochs=3, patience=2, batch_size=32)
SPEC = BacktestSpec(days=2, test_fraction=0.1, refit=4)  # 200 rows: 19 origins, 5 fits


class _StopAtFit:
    """should_stop that turns true once fit `n` (1-based) reports its first epoch, as a Ctrl-C would then."""

    def __init__(self, n: int) -> None:
        self.n, self.requested = n, False

    def progress(self, done: float, what: str) -> None:
        if what.startswith(f"fit {self.n}/"):
            self.requested = True

    def __call__(self) -> bool:
        return self.requested


# ---------------------------------------------------------------------------------------
# the library


def test_a_stop_keeps_the_fits_finished_and_scores_their_origins_only():
    p = random_walk(200, seed=3)
    full = run_backtest(p, TINY, "log-return", SPEC, frequency="B")
    stop = _StopAtFit(3)
    part = run_backtest(p, TINY, "log-return", SPEC, frequency="B", on_progress=stop.progress, should_stop=stop)
    assert not full.interrupted and full.fits == 5 and len(full.origins) == 19
    # fit 3 heard the stop in training and was dropped: fits 1 and 2 (origins 1-8) are kept
    assert part.interrupted and part.fits == 2 and part.planned_fits == 5 and part.planned_origins == 19
    assert np.array_equal(part.origins, full.origins[:8])
    for m in full.models:  # the same forecasts as the whole backtest's, on the origins kept
        assert np.array_equal(part.forecasts[m], full.forecasts[m][:8]), m
    assert np.array_equal(part.lower, full.lower[:8]) and np.array_equal(part.upper, full.upper[:8])
    # scored on those origins alone
    assert part.scores["lstm"]["mae"] == pytest.approx(metrics.mae(full.actual[:8], full.forecasts["lstm"][:8]))
    d = part.to_dict()
    assert d["interrupted"] is True and d["origins"] == 8 and d["origins_planned"] == 19
    assert d["fits"] == 2 and d["fits_planned"] == 5 and len(d["fit_runs"]) == 2
    assert len(per_origin_rows(part)) == 8 * 2
    assert full.to_dict()["interrupted"] is False and full.to_dict()["origins_planned"] == 19


def test_a_stop_before_any_fit_finished_raises_backtest_stopped():
    from lstmcli.backtest import BacktestStopped

    with pytest.raises(BacktestStopped) as e:
        run_backtest(random_walk(200, seed=3), TINY, "log-return", SPEC, should_stop=lambda: True)
    assert e.value.fits == 5 and e.value.origins == 19


def test_the_stopped_line_names_the_origins_kept_even_with_a_gap():
    from lstmcli.render.backtest import stopped_line

    p = random_walk(200, seed=3)
    r = run_backtest(p, TINY, "log-return", replace(SPEC, refit=None), dates=None)
    gap = replace(r, origins=np.r_[r.origins[:4], r.origins[8:12]], interrupted=True, planned_fits=5)
    gap.fits = 2
    assert gap.kept_spans() == [(180, 183), (188, 191)]
    line = stopped_line(gap, "SIGTERM")
    assert "Stopped by SIGTERM after 8 of 19 origins (2 of 5 fits finished)" in line
    assert "cover origins row 180 to row 183, row 188 to row 191 only" in line


@pytest.mark.parametrize("ensemble", [1, 2], ids=["single", "ensemble2"])
def test_refit_blocks_in_parallel_give_the_same_forecasts_as_one_process(ensemble):
    p = random_walk(200, seed=5)
    heard: list[tuple[float, str]] = []
    one = run_backtest(p, TINY, "log-return", SPEC, frequency="B", jobs=1, ensemble=ensemble)
    two = run_backtest(
        p, TINY, "log-return", SPEC, frequency="B", jobs=2, ensemble=ensemble, on_progress=lambda *a: heard.append(a)
    )
    assert one.fits == two.fits == 5
    # the five fits ran in two worker processes, the bar counting finished fits
    assert [what for _, what in heard] == [f"{k}/5 fits, 2 at a time" for k in range(1, 6)]
    assert [done for done, _ in heard] == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])
    for m in one.models:
        assert np.array_equal(one.forecasts[m], two.forecasts[m]), m
    assert np.array_equal(one.lower, two.lower) and np.array_equal(one.upper, two.upper)
    assert one.to_dict() == two.to_dict()


# ---------------------------------------------------------------------------------------
# the installed command


def test_cli_refit_jobs_1_and_2_print_the_same_json_and_per_origin_csv(tmp_path, lstm_exe):
    _daily_csv(tmp_path / "p.csv", random_walk(300, seed=2, start=100))
    fast = ("--epochs", "3", "--hidden", "4", "--window", "6", "-q", "--days", "3", "--test-fraction", "0.1")
    outs = []
    for jobs in ("1", "2"):
        r = run_exe(lstm_exe, "backtest", "p.csv", *fast, "--refit", "7", "--jobs", jobs, "--json", "--output",
                    f"o{jobs}.csv", cwd=tmp_path)  # fmt: skip
        assert r.returncode == 0, r.stderr
        outs.append(json.loads(r.stdout))
    assert outs[0]["fits"] == 4 and outs[0]["interrupted"] is False
    assert outs[0] == outs[1]
    rows = [(tmp_path / f"o{j}.csv").read_text().splitlines() for j in "12"]
    assert rows[0][0].startswith("origin,origin_date,step,row,date,last_value,actual,lstm,")
    assert len(rows[0]) == 1 + 28 * 3 and rows[0] == rows[1]


def _long_backtest(tmp_path, lstm_exe, *args: str) -> subprocess.Popen:
    """`lstm backtest` of 59 fits (--refit 1) of about 0.35 s each (20 s in all), once it has read its file."""
    _daily_csv(tmp_path / "p.csv", random_walk(600, seed=4, start=100))
    fits = ("--refit", "1", "--test-fraction", "0.1", "--days", "2")
    slow = ("--epochs", "80", "--patience", "80", "--hidden", "16", "--window", "10")
    proc = _start(lstm_exe, "backtest", "p.csv", *fits, *slow, *args, cwd=tmp_path)
    if "--json" not in args:  # (--json reads quietly)
        _wait_for(proc, b"Read p.csv")
    return proc


@pytest.mark.parametrize(
    "sig,jobs", [(signal.SIGINT, "1"), (signal.SIGTERM, "2")], ids=["SIGINT-jobs1", "SIGTERM-jobs2"]
)
def test_cli_signal_keeps_the_origins_scored_and_says_so_first(sig, jobs, tmp_path, lstm_exe):
    proc = _long_backtest(tmp_path, lstm_exe, "--jobs", jobs, "--output", "o.csv", "--no-chart")
    time.sleep(4)  # several fits done, most not
    seconds, out, err = _stop(proc, sig)
    name = signal.Signals(sig).name
    assert proc.returncode == 0, err  # as lstm train: what was finished is kept, exit 0
    assert seconds < 5 and b"Traceback" not in err
    first = out.decode().splitlines()[0]
    assert first.startswith(f"Stopped by {name} after ") and " of 59 origins (" in first, out
    kept = int(first.split(" after ")[1].split(" of ")[0])
    assert 1 <= kept < 59
    assert "the scores below cover origins " in first and first.endswith(" only.")
    assert b"Backtest of 'Close'" in out
    rows = list(csv.DictReader((tmp_path / "o.csv").read_text().splitlines()))
    assert len(rows) == kept * 2  # the partial per-origin CSV


def test_cli_signal_with_json_says_interrupted(tmp_path, lstm_exe):
    proc = _long_backtest(tmp_path, lstm_exe, "--jobs", "1", "--json")
    time.sleep(5)  # started, read the file, several fits done
    _, out, err = _stop(proc, signal.SIGINT)
    assert proc.returncode == 0, err
    d = json.loads(out)
    assert d["interrupted"] is True and d["origins_planned"] == 59 and 1 <= d["origins"] < 59
    assert d["fits_planned"] == 59 and d["fits"] == d["origins"]
    assert b"Stopped by SIGINT after " in err


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_cli_signal_before_any_origin_scored_is_one_line(sig, code, tmp_path, lstm_exe):
    _daily_csv(tmp_path / "p.csv", random_walk(3000, seed=4, start=100))
    proc = _start(lstm_exe, "backtest", "p.csv", "--epochs", "1000", "--patience", "1000", "--hidden", "16",
                  "--days", "2", "-q", cwd=tmp_path)  # fmt: skip  # one fit of minutes
    _wait_for(proc, b"Read p.csv")
    time.sleep(1.0)
    seconds, out, err = _stop(proc, sig)
    name = signal.Signals(sig).name
    assert proc.returncode == code, err
    assert seconds < 5 and out == b""
    lines = [ln for ln in err.decode().splitlines() if ln.strip()]
    assert lines[-1] == f"Stopped by {name} before the LSTM fit finished; no origin was scored.", err
    assert b"Traceback" not in err and b"Interrupted." not in err


# ---------------------------------------------------------------------------------------
# a panel (many series): a stop keeps the series finished, as `lstm train` of a panel does


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cli_signal_during_a_panel_backtest_keeps_the_series_finished(jobs, tmp_path, lstm_exe):
    from test_panel import long_text, write

    tickers = tuple((f"T{k:03d}", 50.0 + k) for k in range(250))
    path = write(tmp_path, long_text(n=200, tickers=tickers))
    slow = ("--epochs", "10", "--patience", "10", "--days", "2", "--test-fraction", "0.1")
    proc = _start(lstm_exe, "backtest", str(path), *slow, "--jobs", jobs, "--json", cwd=tmp_path)
    time.sleep(10)  # start-up, reading, and a few series (0.2 s of CPU each: 50 s for all on one idle core)
    _, out, err = _stop(proc, signal.SIGINT)
    assert proc.returncode == 0, err
    d = json.loads(out)
    assert d["interrupted"] is True and d["series_planned"] == 250 and 1 <= len(d["series"]) < 250
    assert f"Stopped by SIGINT after {len(d['series'])} of 250 series" in " ".join(err.decode().split())
    assert b"Traceback" not in err and b"Exception ignored" not in err


@pytest.mark.parametrize("run", range(4))
def test_cli_stop_before_any_parallel_series_finished_is_one_line_without_pool_noise(run, tmp_path, lstm_exe):
    """Workers stopped before any result: exit 130, one line. Python's exit hook raced the pool's shutdown
    (many tasks queued) and printed "Exception ignored ... Bad file descriptor" in about half the runs."""
    from test_panel import long_text, write

    tickers = tuple((f"T{k:03d}", 50.0 + k) for k in range(200))
    path = write(tmp_path, long_text(n=200, tickers=tickers))
    slow = ("--epochs", "1000", "--patience", "1000", "--hidden", "16", "--days", "2")
    proc = _start(lstm_exe, "backtest", str(path), *slow, "--jobs", "2", "-q", cwd=tmp_path)
    _wait_for(proc, b"200 series")  # read
    time.sleep(0.2 + run / 4)  # the workers starting or busy with fits of a minute or more
    seconds, out, err = _stop(proc, signal.SIGINT)
    assert proc.returncode == 130, err
    lines = [ln for ln in err.decode().splitlines() if ln.strip()]
    assert lines[-1] == "Stopped by SIGINT before any of the 200 series finished.", err
    assert b"Exception ignored" not in err and b"Traceback" not in err, err
    assert seconds < 5 and out == b""

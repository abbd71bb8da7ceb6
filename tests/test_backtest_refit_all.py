"""`lstm backtest --refit-all`: every fit of the backtest refits on all its windows, as `lstm train --refit-all`."""

from __future__ import annotations

import json

import numpy as np
from conftest import random_walk

from lstmcli.backtest import BacktestSpec, run_backtest
from lstmcli.forecast import Forecaster
from lstmcli.training import TrainConfig

PRICES = random_walk(160, 3)
CFG = dict(window=8, hidden=4, epochs=5, patience=3, seed=2)
SPEC = dict(days=2, test_fraction=0.2, season="none")


def test_every_fit_of_the_backtest_is_the_refitted_model():
    """The forecasts of each fit are those of `Forecaster(refit_all=True)` fitted on the rows before its cut."""
    spec = BacktestSpec(**SPEC, refit=10)
    r = run_backtest(PRICES, TrainConfig(**CFG, refit_all=True), "log-return", spec)
    plain = run_backtest(PRICES, TrainConfig(**CFG), "log-return", spec)
    assert r.fits == 4 and all(f["refit_epochs"] >= 1 and f["refit_windows"] > 0 for f in r.fit_configs)
    assert all("refit_epochs" not in f for f in plain.fit_configs)  # without it: the runs are reported as before
    assert not np.array_equal(r.forecasts["lstm"], plain.forecasts["lstm"])
    for b, first in enumerate(range(0, len(r.origins), 10)):
        cut = int(r.origins[first])
        fc = Forecaster(TrainConfig(**CFG, refit_all=True), "log-return", season="none")  # as each fit is built
        fc.fit(PRICES[:cut])
        assert fc.info.training.refit_epochs == r.fit_configs[b]["refit_epochs"]
        origins = r.origins[first : first + 10]
        hist = np.stack([PRICES[o - 9 : o] for o in origins])[:, :, None]  # (o, W + 1, 1)
        np.testing.assert_array_equal(fc.paths(hist, 2)[:, :, 0], r.forecasts["lstm"][first : first + 10])


def test_cli_backtest_refit_all_says_so_and_is_the_same_for_any_jobs(run, tmp_path):
    days = np.datetime64("2021-01-04") + np.arange(len(PRICES))
    csv = tmp_path / "p.csv"
    csv.write_text("Date,Close\n" + "".join(f"{d},{v:.4f}\n" for d, v in zip(days, PRICES, strict=True)))
    args = ["backtest", str(csv), "--days", "2", "--season", "none", "--window", "8", "--hidden", "4"]
    args += ["--epochs", "5", "--patience", "3", "--refit", "10", "--refit-all", "-q"]
    r = run(*args, "--json", "--jobs", "1")
    assert r.exit_code == 0, r
    one = json.loads(r.stdout)
    assert one["model"]["refit_all"] is True and one["fits"] == 4
    assert all(f["refit_epochs"] >= 1 for f in one["fit_runs"])
    r = run(*args, "--json", "--jobs", "2")  # the 4 fits side by side in 2 processes
    assert r.exit_code == 0, r
    assert json.loads(r.stdout) == one
    r = run(*args, "--no-chart")
    assert r.exit_code == 0, r
    assert "refitted on all rows" in r.stdout


def test_a_panels_series_carry_the_refit_fields_of_one_series_json(run, tmp_path):
    """`lstm backtest --json` of a panel: each series has `refit`, `fits`, `model` (with `refit_all`) and
    `fit_runs` (with `refit_epochs`), named as one series' `--json` names them; --output's rows stay flat."""
    days = np.datetime64("2021-01-04") + np.arange(len(PRICES))
    rows = [f"{d},{t},{v * k:.4f}" for t, k in (("A", 1.0), ("B", 2.0)) for d, v in zip(days, PRICES, strict=True)]
    csv = tmp_path / "panel.csv"
    csv.write_text("Date,Ticker,Close\n" + "\n".join(rows) + "\n")
    args = ["backtest", str(csv), "--days", "2", "--season", "none", "--window", "8", "--hidden", "4"]
    args += ["--epochs", "5", "--patience", "3", "--refit", "10", "-q", "--jobs", "1"]
    for extra in (["--refit-all"], []):
        r = run(*args, *extra, "--json")
        assert r.exit_code == 0, r
        panel = json.loads(r.stdout)["series"]
        r = run(*args, *extra, "--json", "--series", "A")  # one series of the file: single-series --json
        assert r.exit_code == 0, r
        one = json.loads(r.stdout)
        for entry in panel:
            assert entry["refit"] == one["refit"] == 10 and entry["fits"] == one["fits"] == 4
            assert entry["model"].keys() == one["model"].keys()  # refit_all only when given, as in one series'
            assert entry["model"].get("refit_all") is one["model"].get("refit_all") is (True if extra else None)
            assert [f.keys() for f in entry["fit_runs"]] == [f.keys() for f in one["fit_runs"]]
            assert all((f.get("refit_epochs", 0) >= 1) is bool(extra) for f in entry["fit_runs"])
        assert panel[0]["model"]["seed"] != panel[1]["model"]["seed"]  # each series' own seed, as it was fitted
    r = run(*args, "--refit-all", "--output", "-")
    header = r.stdout.splitlines()[0].split(",")
    assert r.exit_code == 0 and header[0] == "series" and not {"model", "fit_runs", "refit", "fits"} & set(header)

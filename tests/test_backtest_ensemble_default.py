"""`lstm backtest` without --ensemble evaluates what `lstm train` builds: each fit decides on its own rows."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import daily_csv, flat, random_walk

from lstmcli import ensemble
from lstmcli.backtest import BacktestSpec, run_backtest
from lstmcli.training import TrainConfig

FAST = ["--epochs", "2", "--hidden", "4", "--window", "10", "-q"]


def _lstm_column(path: Path) -> list[float]:
    return [row["lstm"] for row in json.loads(path.read_text())]


def test_a_short_series_is_backtested_with_the_ensemble_lstm_train_builds(tmp_path, run):
    # the fit sees the 120 rows before the test window: lstm train's default there is 3
    csv = daily_csv(tmp_path, 150, 5)
    r = run("backtest", str(csv), *FAST, "--json", "--jobs", "1")
    assert r.exit_code == 0, r
    default = json.loads(r.stdout)
    assert [f["ensemble_members"] for f in default["fit_runs"]] == [3]
    assert default["choices"]["ensemble"].startswith("as lstm train decides, the default for a series under 300 rows")
    assert "the fit's 120 rows" in default["choices"]["ensemble"]
    # the same model as --ensemble 3 given (which says no default's choice), and --ensemble 1 keeps one network
    three = json.loads(run("backtest", str(csv), *FAST, "--json", "--jobs", "1", "--ensemble", "3").stdout)
    assert three["scores"] == default["scores"] and three["choices"] == {}
    one = json.loads(run("backtest", str(csv), *FAST, "--json", "--jobs", "1", "--ensemble", "1").stdout)
    assert [f["ensemble_members"] for f in one["fit_runs"]] == [1] and one["choices"] == {}
    assert one["scores"]["lstm"] != default["scores"]["lstm"] and one["scores"]["naive"] == default["scores"]["naive"]


def test_the_report_says_the_fits_are_ensembles_and_why(tmp_path, run):
    r = run("backtest", str(daily_csv(tmp_path, 150, 5)), *FAST, "--jobs", "1", "--no-chart")
    assert r.exit_code == 0, r
    text = flat(r.stdout)
    assert "median of 3 networks)" in text
    assert "Ensemble: as lstm train decides, the default for a series under 300 rows, on the fit's 120 rows" in text
    r = run("backtest", str(daily_csv(tmp_path, 150, 5)), *FAST, "--jobs", "1", "--no-chart", "--ensemble", "1")
    assert "networks" not in flat(r.stdout) and "Ensemble:" not in flat(r.stdout)


def test_each_fit_decides_on_its_own_rows_and_jobs_change_nothing(tmp_path, run):
    """Refits every 30 origins of a 360-row file: fits on 288 rows (3 networks) and 318, 348 rows (one)."""
    csv = daily_csv(tmp_path, 360, 5)
    args = ["backtest", str(csv), *FAST, "--days", "1", "--refit", "30", "--json"]
    outputs = []
    for jobs in ("1", "2", None):
        out = tmp_path / f"rows-{jobs}.json"
        r = run(*args, *(["--jobs", jobs] if jobs else []), "--output", str(out))
        assert r.exit_code == 0, r
        outputs.append(_lstm_column(out))
    assert outputs[0] == outputs[1] == outputs[2]  # the same forecasts for --jobs 1, 2 and the cores
    r = run(*args, "--jobs", "2")
    result = json.loads(r.stdout)
    assert [(f["rows"], f["ensemble_members"]) for f in result["fit_runs"]] == [(288, 3), (318, 1), (348, 1)]
    assert "3 networks for the 1 fit on 288 rows, one for the 2 on 300 or more" in result["choices"]["ensemble"]


def test_the_library_default_stays_one_network_and_auto_keeps_one():
    values = random_walk(150, 2)
    spec, config = BacktestSpec(days=2, every=10), TrainConfig(epochs=1, hidden=2, window=5)
    assert run_backtest(values, config, "log-return", spec).fit_configs[0]["ensemble_members"] == 1
    r = run_backtest(values, config, "log-return", spec, ensemble=None)
    assert r.fit_configs[0]["ensemble_members"] == ensemble.default_size(120) == 3
    auto = {"budget": 60.0, "restrict": {"target": "log-return", "window": 5, "hidden": 2}, "jobs": 1}
    r = run_backtest(values, config, "log-return", spec, ensemble=None, auto=auto)
    assert r.fit_configs[0]["ensemble_members"] == 1 and r.ensemble_choice is None  # as lstm train --auto's refit


def test_help_states_the_default(run):
    assert "default: as lstm train, on each fit's rows: 3 for a fit on fewer than 300 rows" in flat(
        run("backtest", "--help").stdout
    )


def test_panels_keep_one_network_per_series_in_train_and_backtest(tmp_path, run, monkeypatch):
    """Many series (here two of 144 rows): one network each unless --ensemble is given (issue 14's speed)."""
    from test_panel_options import FAST as PANEL_FAST
    from test_panel_options import long_file

    from lstmcli.panel import Panel

    def no_ensemble(*args, **kwargs):
        raise AssertionError("a panel trained an ensemble without --ensemble")

    monkeypatch.setattr(ensemble, "fit_members", no_ensemble)  # (--jobs 1: the series are fitted in this process)
    f, model = long_file(tmp_path), tmp_path / "panel.npz"
    r = run("train", f, "--model", str(model), *PANEL_FAST)
    assert r.exit_code == 0 and "Trained 2 of 2 series" in r.stdout, r
    assert [m.info.ensemble for m in Panel.load(model).members.values()] == [None, None]
    r = run("backtest", f, "--days", "3", "--json", *PANEL_FAST)
    assert r.exit_code == 0, r
    assert {row["series"] for row in json.loads(r.stdout)["series"]} == {"A", "B"}

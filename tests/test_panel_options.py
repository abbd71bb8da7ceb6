"""A panel's series are built with the per-series options of one series' model (issue 14 follow-up):
--season, --strategy direct/--horizon and --ensemble, and the panel file keeps each series' season,
strategy and ensemble members (under the series' prefix) so a loaded panel forecasts as the fitted one."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from lstmcli.errors import OptionError
from lstmcli.panel import Panel
from lstmcli.training import TrainConfig

FAST = ("--epochs", "2", "--hidden", "4", "--window", "6", "--jobs", "1")
CONFIG = TrainConfig(epochs=3, hidden=4, window=6)


def seasonal_frame(n: int = 144) -> pd.DataFrame:
    """Two monthly series with a 12-month season (and a little noise)."""
    rng = np.random.default_rng(0)
    ds = pd.date_range("2010-01-31", periods=n, freq="ME")
    rows = []
    for sid, level in (("A", 100.0), ("B", 40.0)):
        y = level * (1 + 0.2 * np.sin(2 * np.pi * np.arange(n) / 12)) + rng.normal(0, 0.5, n)
        rows.append(pd.DataFrame({"unique_id": sid, "ds": ds, "y": y}))
    return pd.concat(rows, ignore_index=True)


def forecasts(panel: Panel) -> dict:
    return {sid: fc.values.tolist() for sid, fc in panel.predict(3).items()}


@pytest.mark.parametrize(
    "options",
    [{}, {"season": 12}, {"strategy": "direct", "horizon": 3}, {"ensemble": 2}, {"season": 12, "ensemble": 2}],
    ids=["auto-season", "season", "direct", "ensemble", "season+ensemble"],
)
def test_per_series_options_round_trip_through_the_panel_file(tmp_path, options):
    panel = Panel(CONFIG, **options).fit(seasonal_frame(), jobs=1)
    assert panel.ids == ["A", "B"]
    for f in panel.members.values():
        if not options:  # --season auto finds the 12 months (main lost it on the way back from a worker: a crash)
            assert f.season is not None and f.season.length == 12
        if "season" in options:
            assert f.season is not None and f.season.length == 12
        if "strategy" in options:
            assert f.strategy == "direct" and f.horizon == 3 and f.info.horizon == 3
        if "ensemble" in options:
            assert len(f.members) == 2 and len(f.info.ensemble.seeds) == 2
    before = forecasts(panel)
    loaded = Panel.load(panel.save(tmp_path / "p.npz"))
    for sid, f in loaded.members.items():
        g = panel.members[sid]
        assert (f.strategy, f.horizon) == (g.strategy, g.horizon)
        assert (f.season is None) == (g.season is None)
        assert (f.members is None) == (g.members is None)
    assert forecasts(loaded) == before  # the loaded panel forecasts exactly as the fitted one
    if "ensemble" in options:
        with np.load(tmp_path / "p.npz") as z:  # member k of series k under its series' prefix
            nets = json.loads(z["__meta__"].tobytes())["panel"]["networks"]
            assert nets[1]["prefix"] == "s1." and "member1/weight_ih_l0" in [name for name, _ in nets[1]["arrays"]]


def test_an_impossible_option_fails_before_any_series_is_fitted():
    with pytest.raises(OptionError, match="--ensemble 0"):
        Panel(CONFIG, ensemble=0)


def long_file(tmp_path) -> str:
    f = seasonal_frame()
    p = tmp_path / "m.csv"
    p.write_text(
        "Date,Ticker,Close\n"
        + "".join(f"{d.date()},{s},{y:.4f}\n" for s, d, y in zip(f.unique_id, f.ds, f.y, strict=True))
    )
    return str(p)


def test_train_a_panel_with_season_strategy_and_ensemble(run, tmp_path):
    model = str(tmp_path / "m.npz")
    args = ("--season", "12", "--strategy", "direct", "--horizon", "3", "--ensemble", "2")
    r = run("train", long_file(tmp_path), "--model", model, *FAST, *args)
    assert r.exit_code == 0, r
    assert "Trained 2 of 2 series" in r.stdout
    r = run("predict", "--model", model, "--days", "3", "--json")
    assert r.exit_code == 0, r
    payload = json.loads(r.stdout)
    assert [len(s["forecast"]) for s in payload["series"]] == [3, 3]
    r = run("predict", "--model", model, "--days", "4")
    assert r.exit_code == 2 and "trained to emit 3 steps" in r.stderr, r
    r = run("inspect", "--model", model, "--series", "B", "--json")
    assert r.exit_code == 0, r
    info = json.loads(r.stdout)
    text = json.dumps(info)
    assert '"direct"' in text and "12" in text


def test_global_refuses_the_per_series_options(run, tmp_path):
    f = long_file(tmp_path)
    for extra in (("--ensemble", "2"), ("--auto",)):
        r = run("train", f, "--model", str(tmp_path / "g.npz"), *FAST, "--global", *extra)
        assert r.exit_code == 2 and "--global" in r.stderr and extra[0] in r.stderr, r
        assert not (tmp_path / "g.npz").exists()


def test_auto_per_series_in_the_python_api_round_trips_its_leaderboard(tmp_path):
    panel = Panel(CONFIG, auto={"budget": 3.0, "horizon": 2}).fit(seasonal_frame(), jobs=1)
    assert panel.ids == ["A", "B"]
    for f in panel.members.values():
        assert f.info.selection is not None and f.info.selection.tried >= 1 and "--auto" in f.choices["window"]
    loaded = Panel.load(panel.save(tmp_path / "p.npz"))
    assert [f.info.selection.tried for f in loaded.members.values()] == [
        f.info.selection.tried for f in panel.members.values()
    ]
    assert forecasts(loaded) == forecasts(panel)


def test_train_and_backtest_a_panel_with_auto(run, tmp_path):
    f = long_file(tmp_path)
    model = str(tmp_path / "a.npz")
    r = run("train", f, "--model", model, *FAST, "--auto", "--budget", "3", "--days", "2")
    assert r.exit_code == 0 and "Trained 2 of 2 series" in r.stdout, r
    assert all(m.info.selection is not None for m in Panel.load(model).members.values())
    r = run("predict", "--model", model, "--days", "2")
    assert r.exit_code == 0, r
    r = run("backtest", f, "--days", "2", "--json", *FAST, "--auto", "--budget", "2", "--every", "5")
    assert r.exit_code == 0, r
    assert {row["series"] for row in json.loads(r.stdout)["series"]} == {"A", "B"}


def test_backtest_a_panel_with_strategy_and_ensemble(run, tmp_path):
    r = run("backtest", long_file(tmp_path), "--days", "3", "--json", *FAST, "--strategy", "direct", "--ensemble", "2")
    assert r.exit_code == 0, r
    payload = json.loads(r.stdout)
    assert {row["series"] for row in payload["series"]} == {"A", "B"}


# ---------------------------------------------------------------------------------------
# predict --data with a panel model: each series' newer rows from a newer panel file


def long_rows(n: int, tickers=(("AAPL", 0, 100.0), ("MSFT", 1, 300.0))) -> str:
    from conftest import random_walk

    days = pd.bdate_range("2021-01-01", periods=n)
    return "".join(
        f"{d.date()},{t},{v:.4f}\n"
        for t, seed, start in tickers
        for d, v in zip(days, random_walk(n, seed, start=start), strict=True)
    )


def test_predict_data_with_a_panel_model_forecasts_each_series_after_its_newer_rows(run, tmp_path):
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    old.write_text("Date,Ticker,Close\n" + long_rows(100))
    new.write_text("Date,Ticker,Close\n" + long_rows(130))  # 30 newer business days per series
    model = tmp_path / "m.npz"
    assert run("train", str(old), "--model", str(model), *FAST).exit_code == 0
    r = run("predict", "--model", str(model), "--data", str(new), "--days", "2", "--json")
    assert r.exit_code == 0, r
    payload = {s["id"]: s for s in json.loads(r.stdout)["series"]}
    last_new = str(pd.bdate_range("2021-01-01", periods=130)[-1].date())
    after = str((pd.Timestamp(last_new) + pd.offsets.BDay(1)).date())
    assert [payload[t]["forecast"][0]["date"] for t in ("AAPL", "MSFT")] == [after, after]
    panel = Panel.load(model)  # the same numbers as the Python API given each series' newer rows
    from lstmcli.data import read_prices

    msft = read_prices(new, series="MSFT")
    expected = panel.members["MSFT"].predict(2, msft.values, msft.dates).values
    np.testing.assert_allclose([row["forecast"] for row in payload["MSFT"]["forecast"]], expected)
    r = run("predict", "--model", str(model), "--data", str(new), "--days", "2", "--series", "MSFT", "--json")
    assert [s["id"] for s in json.loads(r.stdout)["series"]] == ["MSFT"]
    only = tmp_path / "only.csv"
    only.write_text("Date,Ticker,Close\n" + long_rows(130, (("AAPL", 0, 100.0), ("GOOG", 2, 130.0))))
    r = run("predict", "--model", str(model), "--data", str(only))
    assert r.exit_code == 2 and "MSFT" in r.stderr, r
    weekly = tmp_path / "weekly.csv"
    weekly.write_text(
        "Date,Ticker,Close\n"
        + "".join(
            f"{d.date()},{t},{100 + i}\n"
            for t in ("AAPL", "MSFT")
            for i, d in enumerate(pd.date_range("2021-01-01", periods=60, freq="W-FRI"))
        )
    )
    r = run("predict", "--model", str(model), "--data", str(weekly))
    assert r.exit_code == 2 and "weekly" in r.stderr and "'AAPL'" in r.stderr, r


def test_predict_data_with_a_wide_panel_model(run, tmp_path):
    from conftest import random_walk

    def wide(n):
        days = pd.bdate_range("2021-01-01", periods=n)
        a, b = random_walk(n, 0, start=100.0), random_walk(n, 1, start=300.0)
        return "Date,AAA,BBB\n" + "".join(f"{d.date()},{x:.4f},{y:.4f}\n" for d, x, y in zip(days, a, b, strict=True))

    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    old.write_text(wide(100))
    new.write_text(wide(120))
    model = tmp_path / "w.npz"
    assert run("train", str(old), "--columns", "all", "--model", str(model), *FAST).exit_code == 0
    r = run("predict", "--model", str(model), "--data", str(new), "--days", "1", "--json")
    assert r.exit_code == 0, r
    after = str((pd.bdate_range("2021-01-01", periods=120)[-1] + pd.offsets.BDay(1)).date())
    assert [s["forecast"][0]["date"] for s in json.loads(r.stdout)["series"]] == [after, after]


def test_options_of_one_series_only_are_still_refused_on_a_panel(run, tmp_path):
    pytest.importorskip("matplotlib")  # --plot is checked first: without matplotlib it says how to install it
    model = tmp_path / "s.npz"
    assert run("train", long_file(tmp_path), "--model", str(model), *FAST).exit_code == 0
    r = run("predict", "--model", str(model), "--plot", str(tmp_path / "f.png"))
    assert r.exit_code == 2 and "--plot works on one series" in r.stderr, r  # main ignored it without a word
    assert not (tmp_path / "f.png").exists()

"""The position in the year for weekly data (a year is 52.18 weeks, so lag 52 drifts and rarely passes the season
test): year sin/cos inputs, kept on validation, the model file, phases of newer data, the trace, backtest, panels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lstmcli import modelfile, seasons
from lstmcli.forecast import Forecaster, recursive_forecast
from lstmcli.render.common import price
from lstmcli.trace import trace
from lstmcli.training import TrainConfig

TINY = TrainConfig(window=14, hidden=6, epochs=3, seed=0)
YEAR = 365.25 / 7


def _weekly(n: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A weekly series with a yearly cycle too weak in its weekly changes for the lag-52 test, and its Sunday dates."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    y = 100 * np.exp(0.1 * np.sin(2 * np.pi * t / YEAR) + np.cumsum(0.02 * rng.standard_normal(n)))
    dates = np.datetime64("2001-01-07") + 7 * t  # (n,) Sundays
    return y, dates.astype("datetime64[s]")


def test_the_lag_52_test_misses_the_year_of_this_series():
    y, _ = _weekly()
    assert seasons.detect_season(y[:240], "W")[0] == 1


def test_weekly_data_without_a_season_read_the_position_in_the_year():
    """Fails on main (no season: 2 inputs): with phase inputs asked for, the network reads year sin and year cos."""
    y, d = _weekly()
    f = Forecaster(TINY, season_method="phase").fit(y, d)
    assert f.season is not None and f.season.cycle == pytest.approx(YEAR) and f.season.length == 1461
    assert f.season.input_names == ("year sin", "year cos") and f.season.adjust is None
    assert f.params["weight_ih_l0"].shape[1] == 4  # the value, year sin, year cos, the default's level vs mean
    assert f.choices["season"].startswith("position in the year, 52.18 weeks (no season: autocorrelation at lag 52")
    assert "year sin/cos inputs" in f.choices["season"]


def test_the_auto_method_keeps_the_lowest_validation_mae_of_year_season_52_and_neither():
    """Weekly data without a confirmed season: three fits (the year, season 52 unconfirmed, neither), the lowest
    one-step validation MAE kept (seed 8's series: season 52)."""
    y, d = _weekly(seed=8)
    auto = Forecaster(TINY).fit(y, d)
    fits = {
        "year": Forecaster(TINY, season_method="phase").fit(y, d),
        "52": Forecaster(TINY, season=52, season_method="phase").fit(y, d),  # the same fit, another reason
        "none": Forecaster(TINY, season="none").fit(y, d),
    }
    maes = {k: f.info.validation.model.mae for k, f in fits.items()}
    assert min(maes, key=maes.get) == "52" and auto.info.validation.model.mae == maes["52"]
    for k, v in fits["52"].params.items():  # the kept fit is exactly that fit
        np.testing.assert_array_equal(auto.params[k], v)
    assert auto.season.length == 52 and auto.season.cycle is None and auto.season.level_adjust == "multiplicative"
    line = " ".join(auto.choices["season"].split())
    assert line.startswith("season 52, not confirmed (no season: autocorrelation at lag 52 is")
    assert "phase inputs and a multiplicative adjustment of the level input (chosen on validation" in line
    for k, words in (("year", "the position in the year"), ("52", "season 52's phase inputs"), ("none", "neither")):
        assert f"{price(maes[k])} with {words}" in line


def test_the_summary_says_which_was_kept():
    """Seed 2's series: the position in the year; seed 0's: neither (the line gives the three MAEs)."""
    y, d = _weekly(seed=2)
    f = Forecaster(TINY).fit(y, d)
    assert f.season is not None and f.season.cycle is not None
    assert "year sin/cos inputs (chosen on validation: one-step MAE" in f.choices["season"]
    y, d = _weekly(seed=0)
    f = Forecaster(TINY).fit(y, d)
    assert f.season is None and f.params["weight_ih_l0"].shape[1] == 2
    assert f.choices["season"].startswith("no season: autocorrelation at lag 52")
    assert (
        "the position in the year and season 52 were tried and not kept (one-step validation MAE" in f.choices["season"]
    )


def test_no_year_for_none_short_data_other_frequencies_or_an_adjustment_only():
    y, d = _weekly()
    assert Forecaster(TINY, season="none", season_method="phase").fit(y, d).season is None
    assert Forecaster(TINY, season_method="phase").fit(y[:120], d[:120]).season is None  # under 2 years of training
    assert Forecaster(TINY, season_method="adjust").fit(y, d).season is None  # no phase inputs asked for
    months = (np.datetime64("2001-01", "M") + np.arange(len(y))).astype("datetime64[D]").astype("datetime64[s]")
    assert Forecaster(TINY, season_method="phase").fit(y, months).season is None  # a year of months is whole
    assert seasons.year_season(y, "W", "why")
    assert seasons.year_season(y, "D", "why") is None  # daily data: not measured, not tried


def test_year_phase_inputs_wrap_after_whole_years_only():
    y, d = _weekly()
    f = Forecaster(TINY, season_method="phase").fit(y, d)
    W = f.config.window
    hist = y[None, -(W + 1) :, None]
    last = len(y) - 1
    run = lambda p: recursive_forecast(  # noqa: E731
        f.params, f.info.scaler, f.target, W, hist, 8, season=f.season, last_phase=p, level=f.level
    )[0, :, 0]
    np.testing.assert_array_equal(run(last), f.predict(8).values)
    np.testing.assert_allclose(run(last), run(last + 1461), rtol=1e-12)  # 28 years of weeks: the same positions
    assert not np.allclose(run(last), run(last + 52), rtol=1e-9)  # 52 weeks is not quite a year
    assert f.last_phase() == (len(y) - 1) % 1461


def test_model_file_round_trip_and_newer_data_placed_by_dates(tmp_path):
    y, d = _weekly(320)
    f = Forecaster(TINY, season_method="phase").fit(y[:280], d[:280])
    g = Forecaster.load(f.save(tmp_path / "m.npz"))
    assert g.season.cycle == f.season.cycle and g.season.input_names == ("year sin", "year cos")
    np.testing.assert_array_equal(g.predict(6).values, f.predict(6).values)
    whole = g.predict(5, y[:300], d[:300]).values
    np.testing.assert_allclose(g.predict(5, y[9:300], d[9:300]).values, whole, rtol=1e-12)  # cut from the front
    np.testing.assert_allclose(g.predict(5, y[:300]).values, whole, rtol=1e-12)  # undated: row 0 is row 0
    meta = modelfile.load(tmp_path / "m.npz")[1]
    assert meta["season"]["cycle"] == pytest.approx(YEAR) and meta["season"]["length"] == 1461


@pytest.mark.parametrize("cycle", [0.5, 1461.0, 2000, "52.18"])
def test_model_file_refuses_a_malformed_cycle(tmp_path, cycle):
    y, d = _weekly()
    path = Forecaster(TINY, season_method="phase").fit(y, d).save(tmp_path / "m.npz")
    params, meta = modelfile.load(path)
    meta["season"]["cycle"] = cycle
    modelfile.save(path, params, meta)
    with pytest.raises(Exception, match="cycle"):
        modelfile.read(path)


def test_a_whole_season_has_no_cycle_key():
    info = seasons.SeasonInfo(12, "season 12", True)
    assert "cycle" not in info.to_dict() and info.period == 12 and info.label == "season 12"
    year = seasons.year_season(np.ones(200), "W", "no season")
    assert year.period == pytest.approx(YEAR) and year.label == "year (52.18 steps)"
    assert seasons.SeasonInfo.from_dict(year.to_dict()).cycle == year.cycle


def test_trace_and_inspect_name_the_year_inputs(run, tmp_path):
    y, d = _weekly()
    f = Forecaster(TINY, season_method="phase").fit(y, d)
    t = trace(f)
    assert t.input_names == ["value", "year sin", "year cos", "level vs mean"]
    np.testing.assert_allclose(t.scaled[:, 1:3], seasons.phase_columns(t.rows, YEAR), atol=1e-6)
    np.testing.assert_allclose(t.forecast[0], f.predict(1).values[0], rtol=1e-12)
    model = f.save(tmp_path / "m.npz")
    r = run("inspect", "--model", str(model), "--step-trace", "--units", "1", "--steps", "2")
    assert r.exit_code == 0, r
    text = " ".join(r.stdout.split())
    assert "year sin and year cos = sin(2 pi k/52.18) and cos(2 pi k/52.18), the position in the year" in text
    r = run("inspect", "--model", str(model), "--step-trace", "--json")
    assert json.loads(r.stdout)["model"]["inputs"] == ["value", "year sin", "year cos", "level vs mean"]


def test_train_and_predict_cli_on_a_weekly_file(run, tmp_path):
    y, d = _weekly()
    csv = tmp_path / "weekly.csv"
    csv.write_text("Date,Sales\n" + "".join(f"{str(a)[:10]},{float(v)!r}\n" for a, v in zip(d, y, strict=True)))
    model = tmp_path / "m.npz"
    r = run("train", str(csv), "--window", "14", "--hidden", "6", "--epochs", "3", "--model", str(model))
    assert r.exit_code == 0, r
    assert "position in the year" in " ".join(r.stdout.split())
    r = run("predict", "--days", "3", "--json", "--model", str(model), "--interval", "0")
    assert r.exit_code == 0, r
    rows = json.loads(r.stdout)["forecast"]
    np.testing.assert_allclose([x["forecast"] for x in rows], Forecaster.load(model).predict(3).values, rtol=1e-9)


def test_backtest_fits_try_the_year_on_weekly_data(run, tmp_path):
    """As lstm train: on seed 4's series the fit of the first 240 rows keeps the year (main gave its fits none)."""
    y, d = _weekly(seed=4)
    csv = tmp_path / "weekly.csv"
    csv.write_text("Date,Sales\n" + "".join(f"{str(a)[:10]},{float(v)!r}\n" for a, v in zip(d, y, strict=True)))
    r = run("backtest", str(csv), "--window", "14", "--hidden", "6", "--epochs", "3", "--days", "3", "--json",
            "--ensemble", "1")  # fmt: skip
    assert r.exit_code == 0, r
    runs = json.loads(r.stdout)["fit_runs"]
    assert runs[0]["rows"] == 240 and runs[0]["season"].startswith("position in the year, 52.18 weeks (no season")
    f = Forecaster(TINY, choose_growth="without season").fit(y[:240], d[:240])  # lstm train's default (round 11)
    assert runs[0]["one_step_validation_mase"] == pytest.approx(f.info.validation.model.mase, rel=1e-12)


def test_the_position_in_the_year_is_documented(run):
    r = run("train", "--help")
    assert "position in the year" in " ".join(r.stdout.split())
    root = Path(__file__).resolve().parents[1]
    assert "`year sin`, `year cos`" in (root / "README.md").read_text()
    assert "position in the year" in (root / "CHANGELOG.md").read_text().split("\n## ")[1]  # the newest section

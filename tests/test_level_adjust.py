"""The level input of a phase-only seasonal model reads the seasonally adjusted level (`SeasonInfo.level_adjust`):
the same in training, every forecast and the step trace; files written before load and forecast as they did."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lstmcli import levels, modelfile, seasons, training
from lstmcli.forecast import Forecaster, histories, model_input
from lstmcli.trace import trace
from lstmcli.training import TrainConfig
from lstmcli.transforms import to_target

DATA = Path(__file__).parent / "data"
T = np.arange(140)
QUARTERLY = 100 * np.exp(
    0.004 * T + 0.2 * np.sin(2 * np.pi * T / 4) + np.cumsum(np.random.default_rng(5).normal(0, 0.02, len(T)))
)


def _cfg(**kw) -> TrainConfig:
    return TrainConfig(**{"window": 12, "hidden": 6, "epochs": 4, "patience": 3, "seed": 1, "level_input": True, **kw})


@pytest.fixture(scope="module")
def fitted() -> Forecaster:
    return Forecaster(_cfg(), season=4, season_method="phase").fit(QUARTERLY)


def test_a_phase_only_model_reads_the_adjusted_level(fitted):
    """Fails on main (no level_adjust: the level input read log p with the season in it)."""
    s = fitted.season
    assert s.adjust is None and s.level_adjust == "multiplicative" and s.phase_inputs
    train = QUARTERLY[: fitted.info.data.train_rows]
    np.testing.assert_array_equal(s.indices, seasons.seasonal_indices(train, 4, True))
    assert "phase inputs and a multiplicative adjustment of the level input" in s.describe()
    assert fitted.params["weight_ih_l0"].shape[1] == 4  # value, season sin, season cos, level vs mean


def test_only_with_phase_inputs_alone_and_the_level_input():
    assert (
        Forecaster(_cfg(level_input=False), season=4, season_method="phase").fit(QUARTERLY).season.level_adjust is None
    )
    both = Forecaster(_cfg(), season=4, season_method="phase+adjust").fit(QUARTERLY).season
    assert both.adjust == "multiplicative" and both.level_adjust is None  # the network's series is adjusted already
    assert seasons.fit_season(4, "r", QUARTERLY, "adjust", level_input=True).level_adjust is None  # no phase inputs
    additive = seasons.fit_season(4, "r", QUARTERLY - 150, "phase", level_input=True)  # not all above 0
    assert additive.level_adjust == "additive" and additive.adjust is None


def test_training_windows_hold_the_column_the_forecasts_build(fitted):
    f, W, off = fitted, fitted.config.window, fitted.target.offset
    adjusted = f.season.level_adjusted(QUARTERLY[:, None], np.arange(len(QUARTERLY)))  # (N, 1)
    lev = levels.levels(to_target(adjusted, f.target)[:, 0], f.target)
    z = to_target(QUARTERLY[:, None], f.target)  # the network's own series: not adjusted
    rows = np.arange(W, len(z))
    phase_cols = seasons.phase_columns(np.arange(len(z)) + off, 4)
    series = np.concatenate(
        [f.info.scaler.transform(z), phase_cols, f.level.series_column(lev, f.info.data.train_rows - 1)[:, None]],
        axis=1,
    )
    x, _ = training.gather(series, W, rows, 1, level=True)  # (B, W, 4)
    hists = histories(QUARTERLY[:, None], W, f.target, rows)
    _, built = model_input(f.info.scaler, f.target, hists, np.float64, f.season, rows - 1 + off, f.level)
    np.testing.assert_allclose(x, built, atol=1e-9)
    # the column is log(p / s[phase]) relative to the window's mean, not log p's
    window = rows[0] - W + 1 + np.arange(W)  # the first window's price rows (its inputs' own rows)
    a = np.log(QUARTERLY[window] / f.season.indices[window % 4])
    np.testing.assert_allclose(built[0, :, -1], (a - a.mean()) / f.level.scale, atol=1e-9)


def test_the_recursion_adjusts_each_steps_level_by_its_phase(fitted):
    """Step k of a recursive forecast = the one-step forecast from the history extended by the steps before."""
    f, W, off = fitted, fitted.config.window, fitted.target.offset
    hist = QUARTERLY[None, -(W + off) :, None]
    last = len(QUARTERLY) - 1
    path = f.paths(hist, 5, last_phase=last)  # (1, 5, 1)
    for k in range(1, 5):
        longer = np.concatenate([hist, path[:, :k]], axis=1)[:, -(W + off) :]
        np.testing.assert_allclose(f.paths(longer, 1, last_phase=last + k)[0, 0], path[0, k], rtol=1e-12)


def test_model_file_round_trip_and_the_step_trace(fitted, tmp_path):
    g = Forecaster.load(fitted.save(tmp_path / "m.npz"))
    assert g.season.level_adjust == "multiplicative"
    np.testing.assert_array_equal(g.season.indices, fitted.season.indices)
    np.testing.assert_array_equal(g.predict(7).values, fitted.predict(7).values)
    t = trace(g)
    assert t.input_names[-1] == levels.NAME
    np.testing.assert_allclose(t.forecast[0], g.predict(1).values[0], rtol=1e-12)
    meta = modelfile.load(tmp_path / "m.npz")[1]
    assert meta["season"]["level_adjust"] == "multiplicative" and len(meta["season"]["indices"]) == 4


@pytest.mark.parametrize(
    "change", [{"adjust": "multiplicative"}, {"level_adjust": "both"}, {"indices": [1.0, 1.0]}, {"cycle": 2.5}]
)
def test_model_file_refuses_a_malformed_level_adjustment(fitted, tmp_path, change):
    path = fitted.save(tmp_path / "m.npz")
    params, meta = modelfile.load(path)
    meta["season"] |= change
    modelfile.save(path, params, meta)
    with pytest.raises(Exception, match=r"adjustment|malformed"):
        modelfile.read(path)


@pytest.mark.parametrize("name", ["r7_quarterly_phase_level", "r7_weekly_level"])
def test_files_written_before_load_and_forecast_as_they_did(name):
    """tests/data/r7_*.npz were written by main at 4cdf4f6 (make_r7_season_fixtures.py): no level_adjust, no cycle."""
    expect = json.loads((DATA / "r7_season_expected_forecasts.json").read_text())[name]
    f = Forecaster.load(DATA / f"{name}.npz")
    assert f.season is None or (f.season.level_adjust is None and f.season.cycle is None)
    np.testing.assert_array_equal(f.predict(6).values, expect["own"])
    rng = np.random.default_rng(8)  # the generator's series, rebuilt
    if "quarterly" in name:
        t = np.arange(120)
        values = 100 * np.exp(0.005 * t + 0.15 * np.sin(2 * np.pi * t / 4) + np.cumsum(rng.normal(0, 0.02, len(t))))
        dates = (np.datetime64("1990-01", "M") + 3 * t).astype("datetime64[D]").astype("datetime64[s]")
    else:
        rng.normal(0, 0.02, 120)
        w = np.arange(300)
        values = 100 * np.exp(0.1 * np.sin(2 * np.pi * w / (365.25 / 7)) + np.cumsum(rng.normal(0, 0.02, len(w))))
        dates = (np.datetime64("2001-01-07") + 7 * w).astype("datetime64[s]")
    np.testing.assert_array_equal(f.predict(6, values[5:], dates[5:]).values, expect["newer"])

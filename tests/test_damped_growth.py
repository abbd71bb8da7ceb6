"""`--damped-growth PHI` (TrainConfig.damped_growth, growth.py): the network learns each change's deviation from the
window's recent growth damped by PHI per step ahead; training, every forecast, the model file, `lstm predict --data`
and the step trace agree. Every test here fails before round 10 (no `damped_growth`, no growth.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import write_csv

from lstmcli import growth, training
from lstmcli.errors import OptionError
from lstmcli.forecast import Forecaster
from lstmcli.growth import HALF_LIFE, DampedGrowth
from lstmcli.panel_forecast import batchable
from lstmcli.render.common import price
from lstmcli.trace import trace
from lstmcli.training import TrainConfig
from lstmcli.transforms import Scaler

T = np.arange(120.0)
TREND = 100 * np.exp(0.01 * T + np.cumsum(np.random.default_rng(3).normal(0, 0.004, len(T))))  # ~1% a step
PHI = 0.9


def _cfg(**kw) -> TrainConfig:
    return TrainConfig(**{"window": 12, "hidden": 6, "epochs": 4, "patience": 3, "seed": 1, "damped_growth": PHI, **kw})


def _ew_mean(changes: np.ndarray) -> float:
    """The exponentially weighted mean of a window's changes, half-life HALF_LIFE steps, the newest weighted 1."""
    w = 0.5 ** ((len(changes) - 1 - np.arange(len(changes))) / HALF_LIFE)
    return float(np.sum(w * changes) / np.sum(w))


@pytest.fixture(scope="module")
def fitted() -> Forecaster:
    return Forecaster(_cfg(), season="none", ensemble=1).fit(TREND)


def _zero_head(f: Forecaster) -> Forecaster:
    """The model with its head's weights and bias at 0: its output (the deviation from the prior) is 0."""
    f.params = {k: v.copy() for k, v in f.params.items()}
    f.params["head.weight"][...] = 0.0
    f.params["head.bias"][...] = 0.0
    return f


def test_the_prior_path_is_the_recent_growth_damped_per_step_in_target_units():
    scaler = Scaler(np.array([0.01]), np.array([0.002]))
    changes = np.array([[0.02, 0.0, 0.01, 0.03, 0.015], [0.005] * 5])  # (B, W) in target units
    z = scaler.transform(changes[..., None])[..., 0]  # (B, W) scaled
    g = DampedGrowth.of(_cfg(), scaler)
    got = g.path(z, 3) * 0.002 + 0.01  # back to target units
    want = np.array([[_ew_mean(c) * PHI**k for k in (1, 2, 3)] for c in changes])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    # toward the training mean change (0.01) instead of no change
    got = DampedGrowth.of(_cfg(damped_toward="mean"), scaler).path(z, 3) * 0.002 + 0.01
    want = np.array([[0.01 + (_ew_mean(c) - 0.01) * PHI**k for k in (1, 2, 3)] for c in changes])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    assert DampedGrowth.of(_cfg(damped_growth=0.0), scaler) is None  # off


def test_training_targets_are_the_changes_minus_step_one_of_the_prior(fitted):
    series = np.random.default_rng(0).normal(size=(40, 2))  # (M, F) scaled
    g = DampedGrowth(0.8, 0.5)
    rows = np.array([10, 20, 39])
    x, y = training.gather(series, 10, rows, 2, growth=g)
    np.testing.assert_allclose(y[:, 0], series[rows, 0] - g.path(x[:, :, 0], 1)[:, 0])
    np.testing.assert_array_equal(y[:, 1], series[rows, 1])  # other columns as before
    x, y = training.gather(series, 10, rows[:2], 3, direct=True, growth=g)
    np.testing.assert_allclose(y, series[rows[:2, None] + np.arange(3), 0] - g.path(x[:, :, 0], 3))


@pytest.mark.parametrize("strategy", ["recursive", "direct"])
def test_a_network_that_outputs_zero_forecasts_the_damped_recent_growth(strategy):
    horizon = 5 if strategy == "direct" else None
    f = Forecaster(_cfg(), season="none", ensemble=1, strategy=strategy, horizon=horizon).fit(TREND)
    forecast = _zero_head(f).predict(5, interval=None).values
    growth = np.diff(np.log(np.r_[TREND[-1], forecast]))  # (5,) the forecast's log-returns
    recent = _ew_mean(np.diff(np.log(TREND[-13:])))  # the last window's 12 log-returns
    np.testing.assert_allclose(growth, recent * PHI ** np.arange(1, 6), rtol=1e-5)


def test_the_model_file_keeps_it_and_a_default_model_is_stored_as_before(fitted, tmp_path):
    loaded = Forecaster.load(fitted.save(tmp_path / "m.npz"))
    assert loaded.config.damped_growth == PHI
    np.testing.assert_array_equal(loaded.predict(5).values, fitted.predict(5).values)
    np.testing.assert_array_equal(loaded.predict(3, TREND[:100]).values, fitted.predict(3, TREND[:100]).values)
    assert "damped_growth" not in TrainConfig().to_dict() and "damped_toward" not in TrainConfig().to_dict()
    assert _cfg().to_dict()["damped_growth"] == PHI and _cfg().to_dict()["damped_toward"] == "zero"
    assert not batchable(fitted)  # a panel forecasts it series by series, with the prior


def test_the_step_trace_forecasts_what_predict_does(fitted):
    t = trace(fitted)
    np.testing.assert_allclose(t.forecast, fitted.predict(1).values, rtol=1e-12)


def test_lstm_train_damped_growth_and_predict_data_agree_with_the_library(run, tmp_path):
    csv = write_csv(tmp_path, "Close\n" + "".join(f"{p}\n" for p in TREND))
    model = tmp_path / "m.npz"
    args = ["--window", "12", "--hidden", "4", "--epochs", "3", "--jobs", "1", "--ensemble", "2", "-q"]
    r = run("train", str(csv), "--model", str(model), "--damped-growth", "0.9", *args)
    assert r.exit_code == 0, r
    f = Forecaster.load(model)
    assert f.config.damped_growth == 0.9 and len(f.members) == 2
    newer = write_csv(tmp_path, "Close\n" + "".join(f"{p}\n" for p in TREND[:100]), "newer.csv")
    r = run("predict", "--model", str(model), "--data", str(newer), "--days", "4", "--json")
    assert r.exit_code == 0, r
    got = [row["forecast"] for row in json.loads(r.stdout)["forecast"]]
    np.testing.assert_array_equal(got, f.predict(4, TREND[:100]).values)


@pytest.mark.parametrize(
    "extra, words",
    [
        (["--damped-growth", "1.5"], "--damped-growth 1.5 is not possible"),
        (["--damped-growth", "-0.1"], "--damped-growth -0.1 is not possible"),
        (["--damped-growth", "0.9", "--damped-toward", "one"], "--damped-toward one is not possible"),
        (["--damped-growth", "0.9", "--auto"], "--damped-growth cannot be combined with --auto"),
        (["--damped-growth", "0.9", "--target", "level"], "--damped-growth cannot be combined with --target level"),
        (["--damped-growth", "0.9", "--global"], "--damped-growth cannot be combined with --global"),
    ],
)
def test_impossible_uses_are_one_error_line(run, tmp_path, extra, words):
    csv = write_csv(tmp_path, "Close\n" + "".join(f"{p}\n" for p in TREND))
    r = run("train", str(csv), "--model", str(tmp_path / "m.npz"), *extra)
    assert r.exit_code == 2 and words in " ".join(r.stderr.split()), r


def test_the_library_refuses_a_level_target():
    with pytest.raises(OptionError, match="--damped-growth needs a change target"):
        Forecaster(_cfg(), target="level", ensemble=1).fit(TREND)


def test_auto_keeps_the_fit_with_the_lower_one_step_validation_mae():
    """`--damped-growth auto` (Forecaster(choose_growth=True)): the very fit without or with 0.9, whichever scores
    the lower one-step validation MAE, and the choice says both."""
    y = TREND + 3 * np.sin(T / 3)  # a wobble, so that the two fits score differently
    fits = {
        phi: Forecaster(_cfg(damped_growth=phi), season="none", ensemble=1).fit(y) for phi in (0.0, growth.AUTO_PHI)
    }
    chosen = Forecaster(_cfg(damped_growth=0.0), season="none", ensemble=1, choose_growth=True).fit(y)
    maes = {phi: f.info.validation.model.mae for phi, f in fits.items()}
    assert maes[0.0] != maes[growth.AUTO_PHI]
    best = min(maes, key=maes.get)
    assert chosen.config.damped_growth == best
    np.testing.assert_array_equal(chosen.predict(5).values, fits[best].predict(5).values)
    words = chosen.choices["growth"]
    assert f"{price(maes[growth.AUTO_PHI])} with it, {price(maes[0.0])} without" in words
    assert ("not kept" in words) == (best == 0.0)


def test_auto_stopped_after_the_first_fit_keeps_it():
    f = Forecaster(_cfg(damped_growth=0.0), season="none", ensemble=1, choose_growth=True)
    f.fit(TREND, should_stop=lambda: f.result is not None)
    assert f.config.damped_growth == 0.0  # and the summary's growth row says why (round 12):
    assert f.choices["growth"] == "none (stopped by Ctrl-C before trying the damped growth 0.9)"
    assert f.predict(3).values.shape == (3,)


def test_lstm_train_damped_growth_auto_says_what_it_chose(run, tmp_path):
    csv = write_csv(tmp_path, "Close\n" + "".join(f"{p}\n" for p in TREND))
    model = tmp_path / "m.npz"
    args = ["--window", "12", "--hidden", "4", "--epochs", "3", "--ensemble", "1", "--damped-growth", "auto"]
    r = run("train", str(csv), "--model", str(model), *args)
    assert r.exit_code == 0, r
    text = " ".join(r.stdout.split())
    assert "│ growth │ damped growth 0.9 " in text and "one-step validation MAE" in text, r.stdout
    assert Forecaster.load(model).config.damped_growth in (0.0, growth.AUTO_PHI)
    r = run("train", str(csv), "--model", str(model), "--damped-growth", "abc")
    assert r.exit_code == 2 and "--damped-growth 'abc' is not a number, auto, season or trend" in r.stderr, r
    other = write_csv(tmp_path, "Close\n" + "".join(f"{p}\n" for p in TREND), "b.csv")
    r = run("train", str(csv), str(other), "--model", str(tmp_path / "p.npz"), "--damped-growth", "auto")
    assert r.exit_code == 2 and "--damped-growth auto is for one series, not a panel" in r.stderr, r


def test_lstm_backtest_takes_damped_toward_as_lstm_train_does(run, tmp_path):
    """Round 13: `lstm backtest` had --damped-growth but not --damped-toward, so it could not evaluate what
    `lstm train --damped-growth 0.9 --damped-toward mean` fits. Each fit's config carries it (--json's model)."""
    csv = write_csv(tmp_path, "Close\n" + "".join(f"{p}\n" for p in TREND))
    args = ["--window", "12", "--hidden", "4", "--epochs", "3", "--ensemble", "1", "--refit", "never", "--jobs", "1"]
    got = {}
    for toward in ("zero", "mean"):
        r = run("backtest", str(csv), "--damped-growth", "0.9", "--damped-toward", toward, "--json", "-q", *args)
        assert r.exit_code == 0, r
        d = json.loads(r.stdout)
        assert d["model"]["damped_growth"] == 0.9 and d["model"]["damped_toward"] == toward
        got[toward] = d["scores"]["lstm"]["mae"]
    assert got["zero"] != got["mean"]
    r = run("backtest", str(csv), "--damped-growth", "0.9", "--damped-toward", "one", *args)
    assert r.exit_code == 2 and "--damped-toward one is not possible" in r.stderr, r

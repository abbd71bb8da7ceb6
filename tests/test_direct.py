"""`--strategy direct`: the head emits H steps of the target column at once."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from conftest import random_walk

from lstmcli import engine
from lstmcli.errors import DataError, OptionError
from lstmcli.forecast import Forecaster, check_strategy, histories, min_rows
from lstmcli.training import TrainConfig, gather
from lstmcli.transforms import Target, to_target

FAST = TrainConfig(window=12, hidden=8, epochs=4, seed=3)


def _seasonal(n: int = 240, seed: int = 0) -> np.ndarray:
    """Monthly-like prices: a 12-step cycle on a slow geometric walk."""
    t = np.arange(n)
    return random_walk(n, seed, start=100, drift=0.002, vol=0.01) * (1 + 0.1 * np.sin(2 * np.pi * t / 12))


def test_gather_gives_the_next_h_steps_of_column_zero():
    series = np.arange(40, dtype=float).reshape(20, 2)  # row r = (2r, 2r + 1)
    x, y = gather(series, 3, np.array([3, 7]), 4, direct=True)
    assert x.shape == (2, 3, 2) and y.shape == (2, 4)
    assert y.tolist() == [[6, 8, 10, 12], [14, 16, 18, 20]]  # column 0 of rows t..t+3
    assert (x[1] == series[4:7]).all()  # inputs stop before row t: no look-ahead


def test_a_direct_forecast_is_the_heads_outputs_mapped_back_to_prices():
    prices = _seasonal()
    # the level input off: the forward pass below builds the scaled returns alone by hand (the level column's
    # direct forecasts: test_level_input.test_direct_and_ensemble_forecasts_and_predict_data)
    f = Forecaster(replace(FAST, level_input=False), Target.LOG_RETURN, strategy="direct", horizon=6).fit(prices)
    assert f.info.outputs == 6 and f.params["head.weight"].shape == (6, 8)
    fc = f.predict(6)
    # by hand: one forward pass over the last window, unscaled, then compounded from the last price
    hist = prices[None, -(12 + 1) :, None]  # (1, W + 1, 1)
    x = f.info.scaler.transform(to_target(hist, Target.LOG_RETURN, axis=1)).astype(np.float32)
    z = engine.predict(f.params, x)[0].astype(np.float64) * f.info.scaler.std[0] + f.info.scaler.mean[0]
    np.testing.assert_allclose(fc.values, prices[-1] * np.exp(np.cumsum(z)), rtol=1e-12)
    assert fc.strategy == "direct" and fc.lower is not None
    assert len(f.predict(3).values) == 3  # fewer days: the first outputs


def test_validation_uses_the_first_output_and_beats_naive_on_a_seasonal_series():
    f = Forecaster(TrainConfig(window=24, hidden=16, epochs=40, seed=0), strategy="direct", horizon=12)
    f.fit(_seasonal(300))
    v = f.info.validation
    assert v.model.mae < 0.7 * v.naive.mae, (v.model.mae, v.naive.mae)
    prices = _seasonal(300)
    one = f.paths(histories(prices[:, None], 24, f.target, np.array([200])), 1)[0, 0, 0]
    assert one == pytest.approx(f.paths(histories(prices[:, None], 24, f.target, np.array([200])), 12)[0, 0, 0])


def test_more_days_than_the_horizon_are_refused():
    f = Forecaster(FAST, strategy="direct", horizon=4).fit(_seasonal(120))
    with pytest.raises(OptionError, match="--days 5 is more than this model forecasts"):
        f.predict(5)


@pytest.mark.parametrize(
    ("strategy", "horizon", "message"),
    [
        ("sideways", None, "--strategy 'sideways' is not known"),
        ("recursive", 3, "--horizon 3 needs --strategy direct"),
        ("direct", 0, "--horizon 0 is not possible"),
        ("direct", 100_000, "--horizon 100000 is not possible"),
        ("direct", True, "--horizon True is not possible"),
    ],
)
def test_strategy_and_horizon_are_checked(strategy, horizon, message):
    with pytest.raises(OptionError, match=message):
        check_strategy(strategy, horizon)


def test_defaults():
    assert check_strategy("recursive", None) == ("recursive", 1)
    assert check_strategy("direct", None) == ("direct", 5)


def test_the_fewest_rows_include_the_horizon():
    need = min_rows(12, 1, 0.2, horizon=6)
    assert need >= min_rows(12, 1, 0.2) + 2 * 5  # 5 more rows of targets, and 5 training windows dropped
    prices = _seasonal(need)
    Forecaster(FAST, Target.LOG_RETURN, strategy="direct", horizon=6).fit(prices)  # exactly enough
    with pytest.raises(DataError, match=f"needs at least {need}.*each with 6 steps ahead"):
        Forecaster(FAST, Target.LOG_RETURN, strategy="direct", horizon=6).fit(prices[1:])


def test_the_model_file_keeps_the_strategy(tmp_path):
    f = Forecaster(FAST, strategy="direct", horizon=5).fit(_seasonal(150))
    g = Forecaster.load(f.save(tmp_path / "direct.npz"))
    assert (g.strategy, g.horizon, g.info.horizon_strategy, g.info.outputs) == ("direct", 5, "direct", 5)
    np.testing.assert_array_equal(g.predict(5).values, f.predict(5).values)
    np.testing.assert_array_equal(g.predict(5).lower, f.predict(5).lower)


def test_cli_train_predict_inspect_backtest(tmp_path, run):
    prices = _seasonal(200)
    days = np.arange("2008-01", "2024-09", dtype="datetime64[M]")[:200]
    csv = tmp_path / "monthly.csv"
    csv.write_text("Date,Sales\n" + "".join(f"{d}-01,{p:.3f}\n" for d, p in zip(days, prices, strict=True)))
    model = str(tmp_path / "m.npz")
    fast = ["--epochs", "3", "--hidden", "8", "--window", "24", "-q", "--model", model]
    r = run("train", str(csv), *fast, "--strategy", "direct", "--horizon", "12")
    assert r.exit_code == 0, r
    assert "direct forecasts (12 steps at once)" in " ".join(r.stdout.replace("│", " ").split())  # wrapped cells
    r = run("predict", "--model", model, "--days", "12", "--json")
    assert r.exit_code == 0, r
    out = json.loads(r.stdout)
    assert out["strategy"] == "direct" and len(out["forecast"]) == 12
    assert out["forecast"][0]["date"] == "2024-09-01"
    r = run("predict", "--model", model, "--days", "13")
    assert r.exit_code == 2 and "Error: --days 13 is more than this model forecasts" in r.stderr
    r = run("inspect", "--model", model, "--step-trace")
    assert r.exit_code == 0, r
    assert "direct head: 12 outputs" in r.stdout and "step 12" in r.stdout
    r = run("inspect", "--model", model, "--step-trace", "--json")
    assert len(json.loads(r.stdout)["forecast"]["direct_prices"]) == 12
    r = run("train", str(csv), *fast, "--horizon", "3")
    assert r.exit_code == 2 and "Error: --horizon 3 needs --strategy direct" in r.stderr
    r = run("backtest", str(csv), "--epochs", "3", "--hidden", "8", "-q", "--strategy", "direct", "--json")
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)["model"]["horizon_strategy"] == "direct"


def test_no_validation_row_is_a_training_label():
    """A direct window t learns rows t..t+H-1: the last H-1 training windows are dropped before validation."""
    f = Forecaster(FAST, Target.LOG_RETURN, strategy="direct", horizon=6).fit(_seasonal(150))
    prices = _seasonal(150)
    g = Forecaster(FAST, Target.LOG_RETURN, strategy="direct", horizon=6)
    g.target = Target.LOG_RETURN
    train_t, val_t = g._split(len(prices) - 1, type("S", (), {"prices": prices[:, None], "source": "x"})())
    assert train_t[-1] + 6 - 1 < val_t[0]  # the last label of training comes before the first validation row
    assert f.info.data.train_rows == train_t[-1] + 6 - 1 + 1 + 1  # last label row + 1 (offset) + 1 (a count)


@pytest.mark.parametrize("method", ["phase", "phase+adjust"])
def test_a_direct_model_with_a_season_forecasts_what_its_trace_shows(method):
    from lstmcli.trace import trace

    prices = _seasonal(240)
    f = Forecaster(FAST, strategy="direct", horizon=12, season=12, season_method=method).fit(prices)
    assert f.season is not None and (f.season.adjust is not None) == (method == "phase+adjust")
    fc = f.predict(12)
    t = trace(f)
    np.testing.assert_allclose(t.direct_prices, fc.values, rtol=1e-9)
    assert t.input_names == ["value", "season sin", "season cos", "level vs mean"]  # the default's level input last
    # from newer data: the phase continues by row count, so a longer file forecasts from its own end
    later = f.predict(12, prices[:, None])
    np.testing.assert_allclose(later.values, fc.values, rtol=1e-12)  # the same last rows, the same phases

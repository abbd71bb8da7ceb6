"""The seasonal difference (round 9): a season's third fit, whose network learns log y[t] - log y[t-m]
(or y[t] - y[t-m]) and whose forecasts map back from the price a season before; kept when its one-step
validation MAE is the lowest.

Every test here fails on main (91801db): no `lag` in to_target, no SeasonInfo.difference, no third fit.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from lstmcli import seasons
from lstmcli.forecast import Forecaster
from lstmcli.render.common import price
from lstmcli.trace import trace
from lstmcli.training import TrainConfig
from lstmcli.transforms import Scaler, Target, to_target

T = np.arange(120)
#: a quarterly series whose season drifts slowly: a seasonal random walk with a trend
QUARTERLY = 100 * np.exp(0.003 * T + 0.25 * np.sin(2 * np.pi * T / 4))
QUARTERLY = QUARTERLY * np.exp(np.cumsum(np.random.default_rng(3).normal(0, 0.02, len(T))))
CFG = TrainConfig(window=12, hidden=6, epochs=4, patience=3, seed=1)


def _fit(method: str = "difference", values=QUARTERLY, config: TrainConfig = CFG, **kw) -> Forecaster:
    return Forecaster(config, season=4, season_method=method, **kw).fit(values)


def _zero_head(f: Forecaster) -> Forecaster:
    """The same model with a head that outputs 0 (scaled): with a scaler of mean 0 and std 1, a target value of 0."""
    for p in f.members or [f.params]:
        p["head.weight"][:] = 0
        p["head.bias"][:] = 0
    return f


def _snaive(history: np.ndarray, m: int, days: int) -> np.ndarray:
    """Seasonal naive from the end of `history` (n,): step h is the last season's value at h's phase."""
    return np.array([history[len(history) - m + (h % m)] for h in range(days)])


def test_to_target_with_a_lag_is_the_seasonal_difference():
    p = QUARTERLY[:, None]
    np.testing.assert_array_equal(to_target(p, Target.LOG_RETURN, lag=4), np.log(p[4:]) - np.log(p[:-4]))
    np.testing.assert_array_equal(to_target(p, Target.DIFF, lag=4), p[4:] - p[:-4])
    np.testing.assert_array_equal(to_target(p, Target.LOG_RETURN), to_target(p, Target.LOG_RETURN, lag=1))
    batch = np.stack([p, 2 * p])  # (B, N, F) with the time axis 1
    assert to_target(batch, Target.DIFF, axis=1, lag=4).shape == (2, len(p) - 4, 1)


@pytest.mark.parametrize("strategy", ["recursive", "direct"])
@pytest.mark.parametrize("shift", [0.0, -150.0])  # above 0: log y[t] - log y[t-4]; with values <= 0: y[t] - y[t-4]
def test_a_zero_network_output_is_seasonal_naive_exactly(strategy, shift):
    """Steps 1..m read the window's prices a season before; steps beyond m the model's own earlier forecasts."""
    kw = {"strategy": "direct", "horizon": 9} if strategy == "direct" else {}
    f = _zero_head(_fit(values=QUARTERLY + shift, **kw))
    assert f.season.difference and f.season.lag == 4 and not f.season.phase_inputs and f.level is None
    assert f.target is (Target.LOG_RETURN if shift == 0 else Target.DIFF)
    W, off = f.config.window, f.target.offset
    y = QUARTERLY + shift
    hist = y[None, -(W + off) :, None]  # (1, W + off, 1)
    zero = Scaler(np.zeros(1), np.ones(1))
    out = f.paths(hist, 9, scaler=zero, last_phase=len(y) - 1)[0, :, 0]
    np.testing.assert_array_equal(out, _snaive(y, 4, 9))


def test_the_network_reads_the_differences_a_history_holds():
    f = _fit()
    W, off = f.config.window, f.target.offset
    assert f.params["weight_ih_l0"].shape[1] == 1  # the value only: no phase inputs, no level input
    assert f.info.config.level_input is False
    from lstmcli.forecast import model_input

    hist = QUARTERLY[None, -(W + off) :, None]
    z, _ = model_input(f.info.scaler, f.target, hist, np.float64, f.season, len(QUARTERLY) - 1)
    assert z.shape == (1, W + off - 4, 1)  # the network's window: W + offset - m seasonal differences
    np.testing.assert_allclose(z[0, -1, 0], np.log(QUARTERLY[-1] / QUARTERLY[-5]))


def test_the_default_keeps_the_lowest_of_three_validation_maes_and_says_so():
    maes = {m: _fit(m).info.validation.model.mae for m in ("phase", "phase+adjust", "difference")}
    auto = Forecaster(CFG, season=4).fit(QUARTERLY)
    assert auto.info.validation.model.mae == min(maes.values())
    best = min(maes, key=maes.get)
    assert auto.season.difference == (best == "difference")
    line = " ".join(auto.choices["season"].split())
    assert "with the seasonal difference" in line and "seasonal naive" in line and "on the same rows" in line
    v = auto.info.validation
    rows = np.arange(v.first_date_index, v.first_date_index + v.rows)
    snaive = np.mean(np.abs(QUARTERLY[rows] - QUARTERLY[rows - 4]))
    assert v.seasonal_naive.mae == pytest.approx(snaive) and f"seasonal naive {price(snaive)} on the same" in line


def test_no_difference_fit_when_the_window_does_not_reach_a_season_back():
    f = Forecaster(TrainConfig(window=2, hidden=4, epochs=2, seed=0), season=4).fit(QUARTERLY)
    assert "seasonal difference" not in f.choices["season"] and not f.season.difference
    # nor when the autoregressive skip reads more lags than the W + 1 - m differences (here 12 + 1 - 4 = 9 < 10)
    f = Forecaster(TrainConfig(window=12, hidden=4, epochs=2, seed=0, ar=10), season=4).fit(QUARTERLY)
    assert "seasonal difference" not in f.choices["season"] and not f.season.difference
    f = Forecaster(TrainConfig(window=12, hidden=4, epochs=2, seed=0, ar=9), season=4).fit(QUARTERLY)
    assert "with the seasonal difference" in f.choices["season"]


def test_refit_all_and_ar_with_the_difference():
    f = _fit(config=TrainConfig(window=12, hidden=6, epochs=4, patience=3, seed=1, ar=3, refit_all=True))
    assert f.season.difference and f.params["ar.weight"].shape == (1, 3) and f.info.training.refit_epochs
    np.testing.assert_array_equal(trace(f).forecast[:1], f.predict(1).values)


def test_model_file_round_trip_and_old_files_have_no_difference(tmp_path):
    f = _fit()
    path = f.save(tmp_path / "m.npz")
    g = Forecaster.load(path)
    assert g.season.difference and g.season.to_dict()["difference"] is True
    np.testing.assert_array_equal(g.predict(7).values, f.predict(7).values)
    np.testing.assert_array_equal(g.predict(7, QUARTERLY[:100]).values, f.predict(7, QUARTERLY[:100]).values)
    assert "difference" not in _fit("phase").season.to_dict()  # files written without it stay as they were
    with pytest.raises(ValueError, match="seasonal difference"):
        seasons.SeasonInfo.from_dict({"length": 4, "reason": "r", "phase_inputs": True, "difference": True})


@pytest.mark.parametrize("strategy", ["recursive", "direct"])
def test_trace_forecasts_as_predict_and_names_the_base(strategy):
    kw = {"strategy": "direct", "horizon": 6} if strategy == "direct" else {}
    f = _fit(**kw)
    t = trace(f)
    W, off = f.config.window, f.target.offset
    assert t.steps == W + off - 4
    assert t.forecast[0] == f.predict(1).values[0]
    np.testing.assert_array_equal(t.season_base, QUARTERLY[-4:-3])
    if strategy == "direct":
        np.testing.assert_allclose(t.direct_prices, f.predict(6).values, rtol=1e-12)


def test_cli_predict_and_inspect_name_the_seasonal_difference(run, tmp_path):
    model = tmp_path / "m.npz"
    _fit().save(model)
    r = run("predict", "--model", str(model), "--days", "6", "--json")
    assert r.exit_code == 0, r
    assert len(json.loads(r.stdout)["forecast"]) == 6
    r = run("inspect", "--model", str(model), "--step-trace", "--steps", "2", "--units", "0")
    assert r.exit_code == 0, r
    out = " ".join(r.stdout.split())
    assert "log change over 4" in out and "0 is seasonal naive" in out and "4 steps before" in out
    r = run("inspect", "--model", str(model))
    assert r.exit_code == 0, r
    assert "log change over 4 steps" in " ".join(r.stdout.split())
    r = run("inspect", "--model", str(model), "--step-trace", "--json")
    payload = json.loads(r.stdout)
    assert payload["model"]["season"]["difference"] is True
    assert payload["forecast"]["season_before"] == [QUARTERLY[-4]]


def test_cli_train_summary_shows_the_three_fits_beside_seasonal_naive(run, tmp_path):
    csv = tmp_path / "q.csv"
    dates = np.datetime64("1990-01", "M") + 3 * T
    csv.write_text("Date,Value\n" + "".join(f"{d}-01,{float(v)!r}\n" for d, v in zip(dates, QUARTERLY, strict=True)))
    model = str(tmp_path / "m.npz")
    r = run("train", str(csv), "--window", "12", "--hidden", "6", "--epochs", "3", "--model", model, "--json")
    assert r.exit_code == 0, r
    line = json.loads(r.stdout)["choices"]["season"]
    assert "with the seasonal difference" in line and "seasonal naive" in line
    r = run("train", str(csv), "--window", "12", "--hidden", "6", "--epochs", "3", "--model", model)
    assert r.exit_code == 0, r
    words = "".join(c for c in r.stdout if c.isalnum())  # the table wraps the line within its cell
    assert "withtheseasonaldifference" in words and "seasonalnaive" in words

"""Toward naive on business days (round 13, issue 13 item 6, `lstm train --naive-fits shrink-naive`): on a business-day
series without a season, where the network does not beat naive on validation (one step, and steps 1..H from the
calibration origins: season_fits.beats; `shrink-naive-t` also asks its one-step MAE to be below naive's beyond chance),
the forecast is the equal-weight mean of the network's and naive's if that mean beats naive, else naive's itself
(season_fits.SnaiveBlend with season 1); the summary, predict, --json, inspect and the model file say so. Off by
default.

Every test here fails on main (479a0d7): no `naive_fits` argument, no `--naive-fits` option, no blend with season 1.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from lstmcli import season_fits
from lstmcli.cli import app
from lstmcli.errors import ModelFileError
from lstmcli.forecast import Forecaster, histories
from lstmcli.modelfile import META_KEY
from lstmcli.training import TrainConfig

CFG = TrainConfig(window=12, hidden=6, epochs=4, patience=3, seed=1)
DATES = pd.bdate_range("2020-01-01", periods=200).values


def _walk(seed: int) -> np.ndarray:
    """A random walk in logs (a stock price): nothing a network can learn beyond naive's last price."""
    return 100 * np.exp(np.cumsum(np.random.default_rng(seed).normal(0, 0.01, 200)))


#: with CFG: seed 0's network and its mean with naive both lose to naive on validation (weight 1); seed 1's network
#: loses and the mean wins (weight 0.5); seed 2's beats naive by MAE (one step and steps 1..H), not beyond chance
NAIVE, MEAN, CLOSE = _walk(0), _walk(1), _walk(2)


def _fit(values, how="shrink-naive", dates=DATES, frequency="B") -> Forecaster:
    return Forecaster(CFG, naive_fits=how).fit(values, dates=dates, frequency=frequency)


def test_off_by_default_and_checked():
    assert season_fits.NAIVE_DEFAULT == "keep" and Forecaster(CFG).naive_fits == "keep"
    with pytest.raises(Exception, match="--naive-fits 'sometimes' is not known"):
        Forecaster(CFG, naive_fits="sometimes")
    keep = _fit(NAIVE, "keep")
    assert keep.info.snaive_blend is None and "naive" not in keep.choices


def test_a_network_worse_than_naive_forecasts_naive():
    keep, f = _fit(NAIVE, "keep"), _fit(NAIVE)
    np.testing.assert_array_equal(f.params["head.weight"], keep.params["head.weight"])  # the same network
    v0, blend = keep.info.validation, f.info.snaive_blend
    assert blend.season == 1 and blend.naive and blend.weight == 1.0 and f.snaive_weight == 1.0
    assert blend.model[0] == v0.model.mae > v0.naive.mae == blend.snaive[0]
    assert not season_fits.beats(blend.mean, blend.snaive) and blend.steps > 1
    v = f.info.validation  # the forecast's own: naive's, row for row
    assert v.model.mae == pytest.approx(v.naive.mae, rel=1e-12)
    np.testing.assert_allclose(f.predict(5, interval=None).values, np.full(5, NAIVE[-1]), rtol=1e-12)
    newer = NAIVE * 1.01
    np.testing.assert_allclose(f.predict(4, newer, interval=None).values, np.full(4, newer[-1]), rtol=1e-12)
    words = " ".join(f.choices["naive"].split())
    assert words.startswith("forecasts naive (the last price), not the network: the network does not beat naive on")
    assert "nor does their equal-weight mean" in words and "season" not in f.choices.get("naive")


def test_the_mean_with_naive_where_it_beats_naive():
    keep, f = _fit(MEAN, "keep"), _fit(MEAN)
    blend = f.info.snaive_blend
    assert blend.weight == 0.5 and season_fits.beats(blend.mean, blend.snaive)
    assert not season_fits.beats(blend.model, blend.snaive)
    W, off = f.config.window, f.target.offset
    hist = MEAN[None, -(W + off) :, None]
    expected = 0.5 * keep.paths(hist, 6)[0, :, 0] + 0.5 * MEAN[-1]
    np.testing.assert_allclose(f.paths(hist, 6)[0, :, 0], expected, rtol=1e-13)
    v = f.info.validation  # one-step errors of the mean on the validation rows
    rows = np.arange(v.first_date_index, v.first_date_index + v.rows)
    one = keep.paths(histories(MEAN[:, None], W, f.target, rows - off), 1)[:, 0, 0]
    assert v.model.mae == pytest.approx(np.mean(np.abs(0.5 * one + 0.5 * MEAN[rows - 1] - MEAN[rows])), rel=1e-12)
    assert blend.mean[0] == pytest.approx(v.model.mae, rel=1e-12)
    assert "forecasts the mean of the network's forecast and naive's (weight 0.5 each)" in f.choices["naive"]


def test_a_network_beating_naive_is_kept_and_said_and_the_t_rule_asks_more():
    keep, f, t = _fit(CLOSE, "keep"), _fit(CLOSE), _fit(CLOSE, "shrink-naive-t")
    assert f.info.snaive_blend is None and f.snaive_weight == 0.0
    np.testing.assert_array_equal(f.predict(5).values, keep.predict(5).values)
    assert f.choices["naive"].startswith("the network's own forecast: it beats naive on validation")
    blend = t.info.snaive_blend  # below naive by MAE, but not beyond chance: the mean (it beats naive)
    assert blend is not None and blend.weight == 0.5 and season_fits.beats(blend.model, blend.snaive)
    assert "does not beat naive beyond chance (paired t) on validation" in t.choices["naive"]


def test_mean_naive_t_forecasts_the_mean_where_naive_alone_would_be_forecast():
    shrink, f = _fit(NAIVE, "shrink-naive-t"), _fit(NAIVE, "mean-naive-t")
    assert shrink.info.snaive_blend.weight == 1.0  # the mean does not beat naive on validation
    blend = f.info.snaive_blend
    assert blend.weight == 0.5 and not season_fits.beats(blend.mean, blend.snaive)
    assert blend.mean == shrink.info.snaive_blend.mean and f.info.validation.model.mae == blend.mean[0]
    np.testing.assert_allclose(
        f.predict(5, interval=None).values, 0.5 * _fit(NAIVE, "keep").predict(5).values + 0.5 * NAIVE[-1]
    )
    words = " ".join(f.choices["naive"].split())
    assert "forecasts the mean of the network's forecast and naive's (weight 0.5 each)" in words
    assert "nor does the mean (one-step" in words and words.endswith(": kept")
    kept = _fit(CLOSE, "mean-naive-t")  # the t test as shrink-naive-t's: not beyond chance, the mean
    assert kept.info.snaive_blend == _fit(CLOSE, "shrink-naive-t").info.snaive_blend


def test_only_business_days_without_a_season():
    daily = pd.date_range("2020-01-01", periods=200, freq="D").values
    f = _fit(NAIVE, dates=daily, frequency="D")
    assert f.info.snaive_blend is None and "naive" not in f.choices
    assert not season_fits.toward_naive("shrink-naive", None, "M")
    assert season_fits.toward_naive("shrink-naive-t", None, "B") and not season_fits.toward_naive("keep", None, "B")


@pytest.mark.parametrize("values", [NAIVE, MEAN], ids=["naive", "mean"])
def test_the_model_file_keeps_the_blend(tmp_path, values):
    f = _fit(values)
    path = f.save(tmp_path / "m.npz")
    with np.load(path) as z:
        meta = json.loads(z[META_KEY].tobytes())
    assert meta["snaive_blend"]["season"] == 1 and "season" not in meta
    g = Forecaster.load(path)
    assert g.snaive_weight == f.snaive_weight and g.info.snaive_blend == f.info.snaive_blend
    for newer in (None, values[:150], values * 1.02):
        a, b = f.predict(6, newer), g.predict(6, newer)
        np.testing.assert_array_equal(a.values, b.values)
        np.testing.assert_array_equal(a.upper, b.upper)
    with np.load(path) as z:
        arrays = {n: z[n] for n in z.files}
    broken = json.loads(json.dumps(meta))
    broken["snaive_blend"]["season"] = 0
    arrays[META_KEY] = np.frombuffer(json.dumps(broken).encode(), dtype=np.uint8)
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(ModelFileError):
        Forecaster.load(tmp_path / "bad.npz")


def _csv(path, values):
    path.write_text("Date,Close\n" + "".join(f"{str(d)[:10]},{v:.6f}\n" for d, v in zip(DATES, values, strict=True)))
    return path


FLAGS = ["--window", "12", "--hidden", "6", "--epochs", "4", "--patience", "3", "--seed", "1", "--ensemble", "1"]


def _train(runner, tmp_path, values, *more):
    model = tmp_path / "m.npz"
    r = runner.invoke(app, ["train", str(_csv(tmp_path / "p.csv", values)), "--model", str(model), *FLAGS, *more])
    return r, model


@pytest.mark.parametrize("values,weight", [(NAIVE, 1.0), (MEAN, 0.5)], ids=["naive", "mean"])
def test_cli_summary_predict_json_and_inspect(tmp_path, monkeypatch, values, weight):
    monkeypatch.setenv("COLUMNS", "400")
    runner = CliRunner()
    r, model = _train(runner, tmp_path, values, "--naive-fits", "shrink-naive")
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    said = "forecasts naive (the last price), not the network" if weight == 1 else "forecasts the mean of the network's"
    assert f"naive │ {said}" in text
    tie = "The model's one-step errors on validation are naive's on every row: it forecasts 'tomorrow = today'"
    assert (tie in text) == (weight == 1)  # the verdict: naive's forecast, not "about as good as naive"
    assert Forecaster.load(model).info.snaive_blend.weight == weight
    r = runner.invoke(app, ["predict", "--model", str(model), "--days", "3"])
    assert r.exit_code == 0, r.output
    first = r.stdout.splitlines()[0]
    expected = "Naive's forecast (" if weight == 1 else "The mean of the network's forecast and naive's ("
    assert first.startswith(expected) and "the network did not beat naive on validation" in first, r.stdout
    r = runner.invoke(app, ["predict", "--model", str(model), "--days", "3", "--json"])
    assert r.exit_code == 0, r.output
    payload = json.loads(r.stdout)
    assert payload["naive_blend"]["weight"] == weight and payload["naive_blend"]["season"] == 1
    assert "snaive_blend" not in payload
    r = runner.invoke(app, ["inspect", "--model", str(model)])
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert said in text and "seasonal naive" not in text
    r = runner.invoke(app, ["inspect", "--model", str(model), "--step-trace"])
    assert r.exit_code == 0, r.output
    who = "naive's forecast" if weight == 1 else "the mean of the network's and naive's forecast"
    assert f"for that step: {who}" in " ".join(r.output.split())
    r = runner.invoke(app, ["inspect", "--model", str(model), "--step-trace", "--json"])
    assert r.exit_code == 0, r.output
    traced = json.loads(r.stdout)["model"]["naive_blend"]
    assert traced["weight"] == weight and traced["season"] == 1 and np.isfinite(traced["forecast"])


def _said(r) -> str:
    """What a refused command says: its output, or the OptionError lstm's main prints (CliRunner raises it)."""
    return " ".join((r.output + str(r.exception)).split())


def test_cli_refuses_unknown_auto_and_panels(tmp_path):
    runner = CliRunner()
    r, _ = _train(runner, tmp_path, NAIVE, "--naive-fits", "always")
    assert r.exit_code != 0 and "--naive-fits 'always' is not known" in _said(r)
    r, _ = _train(runner, tmp_path, NAIVE, "--naive-fits", "shrink-naive", "--auto")
    assert r.exit_code != 0 and "cannot be combined with --auto" in _said(r)
    assert "train without --auto" in _said(r)
    # lstm backtest's hint names backtest (it said "train without --auto": fails on ad898cc)
    r = runner.invoke(app, ["backtest", str(_csv(tmp_path / "b.csv", NAIVE)), "--naive-fits", "shrink-naive", "--auto"])
    assert r.exit_code != 0 and "backtest without --auto" in _said(r), r.output
    data, other = _csv(tmp_path / "p.csv", NAIVE), _csv(tmp_path / "q.csv", MEAN)
    panel = ["train", str(data), str(other), "--model", str(tmp_path / "p.npz"), "--naive-fits", "shrink-naive"]
    r = runner.invoke(app, panel)
    assert r.exit_code != 0 and "is for one series" in _said(r)


@pytest.mark.parametrize(
    "how,weight,words",
    [("shrink-naive", 1.0, "naive's values (not the"), ("mean-naive-t", 0.5, "the mean of the network's")],
)
def test_backtest_fits_as_train_does_and_says_whose_forecast(tmp_path, monkeypatch, how, weight, words):
    monkeypatch.setenv("COLUMNS", "300")
    data, runner = _csv(tmp_path / "p.csv", NAIVE), CliRunner()
    r = runner.invoke(app, ["backtest", str(data), *FLAGS, "--naive-fits", how, "--days", "3", "--json"])
    assert r.exit_code == 0, r.output
    (run,) = json.loads(r.stdout)["fit_runs"]
    assert run["naive_weight"] == weight and "snaive_weight" not in run
    r = runner.invoke(app, ["backtest", str(data), *FLAGS, "--naive-fits", how, "--days", "3"])
    assert r.exit_code == 0, r.output
    assert f"forecasting {words}" in " ".join(r.output.split())
    r = runner.invoke(app, ["backtest", str(data), *FLAGS, "--days", "3", "--json"])  # off by default
    assert "naive_weight" not in json.loads(r.stdout)["fit_runs"][0]


def test_one_series_default_is_one_constant(tmp_path, monkeypatch):
    """`lstm train` / `lstm backtest` of one series without --naive-fits use season_fits.NAIVE_ONE_SERIES (keep in
    round 13): flipping that constant is how the lead makes a choice the default."""
    runner = CliRunner()
    assert season_fits.NAIVE_ONE_SERIES == "keep"
    _, model = _train(runner, tmp_path, NAIVE)
    assert Forecaster.load(model).info.snaive_blend is None
    monkeypatch.setattr(season_fits, "NAIVE_ONE_SERIES", "mean-naive-t")
    r, model = _train(runner, tmp_path, NAIVE)
    assert r.exit_code == 0, r.output
    assert Forecaster.load(model).info.snaive_blend.weight == 0.5
    data = _csv(tmp_path / "p.csv", NAIVE)
    r = runner.invoke(app, ["backtest", str(data), *FLAGS, "--days", "3", "--json"])
    assert json.loads(r.stdout)["fit_runs"][0]["naive_weight"] == 0.5


def test_predict_says_whose_forecast_even_when_it_lost_to_naive(tmp_path, monkeypatch):
    """mean-naive-t forecasts the mean even where it lost to naive on validation: predict says both, above the table."""
    monkeypatch.setenv("COLUMNS", "400")
    runner = CliRunner()
    r, model = _train(runner, tmp_path, NAIVE, "--naive-fits", "mean-naive-t")
    assert r.exit_code == 0, r.output
    v = Forecaster.load(model).info.validation
    assert v.model.mae > v.naive.mae
    r = runner.invoke(app, ["predict", "--model", str(model), "--days", "3"])
    assert r.exit_code == 0, r.output
    first, second = r.stdout.splitlines()[:2]
    assert first.startswith("Worse than naive: this model lost to 'tomorrow = today' on validation."), r.stdout
    assert second.startswith("The mean of the network's forecast and naive's ('tomorrow = today')"), r.stdout

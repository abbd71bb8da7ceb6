"""Toward seasonal naive (round 12, issue 13, `lstm train --season-fits shrink-snaive`, season_fits.SnaiveBlend):
where the model's one-step validation MAE is not below seasonal naive's on the same rows, the forecast is the
equal-weight mean of the model's and seasonal naive's if that mean's one-step validation MAE is below both, else
seasonal naive's itself; the summary, the model file and inspect say so.

Every test here fails on main (39b59cc): no "shrink-snaive" choice, no `snaive_paths`, no `snaive_blend` in a file.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_season_fits import CFG, QUARTERLY, _csv
from typer.testing import CliRunner

from lstmcli import season_fits
from lstmcli.cli import app
from lstmcli.errors import ModelFileError
from lstmcli.forecast import Forecaster, histories
from lstmcli.modelfile import META_KEY

T = np.arange(120)
#: a quarterly pattern that changes at row 90, with a little noise: on the validation rows (from 99) seasonal naive
#: has caught up (one-step MAE 0.53) and the small networks (4 epochs) have not (1.02), nor has the mean of the two
CHANGED = np.where(T < 90, np.array([0.0, 30, -10, 15])[T % 4], np.array([20.0, -15, 25, -5])[T % 4])
PATTERN = 200 + CHANGED + np.random.default_rng(5).normal(0, 0.5, len(T))


def _fit(how: str = "shrink-snaive", values=PATTERN, **kw) -> Forecaster:
    return Forecaster(CFG, season=4, season_fits=how, **kw).fit(values)


def _one_step(f: Forecaster, values, rows) -> np.ndarray:
    W, off = f.config.window, f.target.offset
    return f.paths(histories(values[:, None], W, f.target, rows - off), 1, last_phase=rows - 1)[:, 0, 0]


def test_beating_seasonal_naive_is_below_it_at_one_step_and_over_the_steps():
    assert season_fits.beats((1.0, 2.0), (1.5, 2.5)) and season_fits.beats((1.0, None), (1.5, None))
    assert not season_fits.beats((1.0, 3.0), (1.5, 2.5)) and not season_fits.beats((1.5, 2.0), (1.5, 2.5))


def test_seasonal_naive_paths_repeat_the_last_season():
    hist = np.arange(1.0, 7.0)[None, :, None]  # rows 0..5, values 1..6; m = 4: the last season is 3, 4, 5, 6
    np.testing.assert_array_equal(season_fits.snaive_paths(hist, 9, 4)[0, :, 0], [3, 4, 5, 6, 3, 4, 5, 6, 3])
    own = np.full((1, 3, 1), 10.0)
    np.testing.assert_array_equal(season_fits.toward_snaive(own, hist, 4, 0.5)[0, :, 0], [6.5, 7, 7.5])
    np.testing.assert_array_equal(season_fits.toward_snaive(own, hist, 4, 1.0)[0, :, 0], [3, 4, 5])
    with pytest.raises(ValueError):
        season_fits.snaive_paths(hist[:, :3], 2, 4)


def test_a_network_worse_than_seasonal_naive_on_validation_falls_back_to_it():
    shrink, f = _fit("shrink"), _fit()
    v0, v = shrink.info.validation, f.info.validation
    assert v0.model.mae >= v0.seasonal_naive.mae  # today's default: worse than seasonal naive, nothing reacts
    np.testing.assert_array_equal(f.params["head.weight"], shrink.params["head.weight"])  # the same network
    blend = f.info.snaive_blend
    assert blend.model[0] == v0.model.mae and blend.snaive[0] == v0.seasonal_naive.mae and blend.season == 4
    rows = np.arange(v.first_date_index, v.first_date_index + v.rows)
    network = _one_step(shrink, PATTERN, rows)
    mean = np.mean(np.abs(0.5 * network + 0.5 * PATTERN[rows - 4] - PATTERN[rows]))
    assert blend.mean[0] == pytest.approx(mean, rel=1e-12) and not season_fits.beats(blend.mean, blend.snaive)
    # steps 1..H from the calibration origins (here every validation row: the newest 5000)
    H = blend.steps
    assert H == 13 and f.info.intervals is not None and len(f.info.intervals.quantiles) == H
    last = rows - 1
    hist = histories(PATTERN[:, None], f.config.window, f.target, rows - f.target.offset)  # each row's history
    paths = shrink.paths(hist, H, None, last)[:, :, 0]
    target = last[:, None] + np.arange(1, H + 1)
    inside = target < len(PATTERN)
    naive = PATTERN[last[:, None] + np.arange(1, H + 1) - 4 * np.ceil(np.arange(1, H + 1) / 4).astype(int)]
    actual = PATTERN[np.minimum(target, len(PATTERN) - 1)]
    per_origin = [np.mean(np.abs(paths - actual)[k][inside[k]]) for k in range(len(rows))]  # each origin's steps
    assert blend.model[1] == pytest.approx(np.mean(per_origin), rel=1e-12)
    assert blend.snaive[1] == pytest.approx(
        np.mean([np.mean(np.abs(naive - actual)[k][inside[k]]) for k in range(len(rows))]), rel=1e-12
    )
    assert f.snaive_weight == 1.0 and blend.weight == 1.0
    # the model's validation is seasonal naive's own now, and so are its forecasts
    assert v.model.mae == pytest.approx(v.seasonal_naive.mae, rel=1e-12)
    np.testing.assert_allclose(f.predict(6, interval=None).values, PATTERN[-4:][np.arange(6) % 4], rtol=0)
    words = " ".join(f.choices["season"].split())
    assert "forecasts seasonal naive (the value 4 steps back), not the network" in words
    assert "the network does not beat seasonal naive (season 4) on validation (MAE one-step" in words
    assert "steps 1-13" in words and "nor does their equal-weight mean" in words


def test_the_mean_with_seasonal_naive_is_the_arithmetic_mean():
    f = _fit()
    W, off = f.config.window, f.target.offset
    hist, last = PATTERN[None, -(W + off) :, None], len(PATTERN) - 1
    one = f.member(0)  # what inspect --step-trace traces: the network alone, not the blend
    assert one is not f and one.snaive_weight == 0.0
    f.snaive_weight = 0.0
    network = f.paths(hist, 7, last_phase=last)
    np.testing.assert_array_equal(one.paths(hist, 7, last_phase=last), network)
    f.snaive_weight = 0.5
    expected = 0.5 * network[0, :, 0] + 0.5 * PATTERN[-4:][np.arange(7) % 4]
    np.testing.assert_allclose(f.paths(hist, 7, last_phase=last)[0, :, 0], expected, rtol=1e-13)


def test_a_network_below_seasonal_naive_is_left_as_shrink_makes_it():
    f, shrink = _fit(values=QUARTERLY), _fit("shrink", values=QUARTERLY)
    assert f.info.snaive_blend is None and f.snaive_weight == 0.0
    assert f.info.validation.model.mae == shrink.info.validation.model.mae < f.info.validation.seasonal_naive.mae
    np.testing.assert_array_equal(f.predict(6).values, shrink.predict(6).values)


@pytest.mark.parametrize("weight", [1.0, 0.5])
def test_the_model_file_keeps_the_blend(tmp_path, weight):
    f = _fit()
    if weight == 0.5:  # the file stores whichever weight was chosen
        from dataclasses import replace

        f.snaive_weight = 0.5
        f.info = replace(f.info, snaive_blend=replace(f.info.snaive_blend, weight=0.5))
    path = f.save(tmp_path / "m.npz")
    with np.load(path) as z:
        meta = json.loads(z[META_KEY].tobytes())
    assert meta["snaive_blend"]["weight"] == weight and meta["snaive_blend"]["season"] == 4
    g = Forecaster.load(path)
    assert g.snaive_weight == weight and g.info.snaive_blend == f.info.snaive_blend
    for values in (None, PATTERN[:110], PATTERN * 1.01):
        a, b = f.predict(6, values), g.predict(6, values)
        np.testing.assert_array_equal(a.values, b.values)
        np.testing.assert_array_equal(a.upper, b.upper)
    assert "snaive_blend" not in json.loads(np.load(_fit("shrink").save(tmp_path / "s.npz"))[META_KEY].tobytes())
    with np.load(path) as z:
        arrays = {n: z[n] for n in z.files}
    for bad in ({"weight": 0.7}, {"season": 12}):
        broken = json.loads(json.dumps(meta))
        broken["snaive_blend"].update(bad)
        arrays[META_KEY] = np.frombuffer(json.dumps(broken).encode(), dtype=np.uint8)
        np.savez(tmp_path / "bad.npz", **arrays)
        with pytest.raises(ModelFileError):
            Forecaster.load(tmp_path / "bad.npz")


def _train_cli(runner, tmp_path):
    """`lstm train` of PATTERN's first 112 rows with shrink-snaive: a model that forecasts seasonal naive."""
    data = _csv(tmp_path / "p.csv", PATTERN[:112])
    model = tmp_path / "m.npz"
    flags = ["--window", "12", "--hidden", "6", "--epochs", "4", "--patience", "3", "--seed", "1", "--season", "4"]
    r = runner.invoke(app, ["train", str(data), "--model", str(model), "--season-fits", "shrink-snaive", *flags])
    assert r.exit_code == 0, r.output
    return r, model


def test_cli_summary_predict_data_and_inspect(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # the summary's season row on one line
    runner = CliRunner()
    r, model = _train_cli(runner, tmp_path)
    text = " ".join(r.output.split())
    assert "forecasts seasonal naive (the value 4 steps back), not the network" in text
    assert "does not beat seasonal naive (season 4) on validation" in text
    upto = _csv(tmp_path / "upto.csv", PATTERN)  # 8 rows after training: predict --data forecasts from row 120
    r = runner.invoke(app, ["predict", "--model", str(model), "--days", "5", "--data", str(upto), "--json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)["forecast"]
    f = Forecaster.load(model)
    assert f.info.snaive_blend.weight == 1.0
    from lstmcli.data import read_prices

    newer = read_prices(upto).values
    api = f.predict(5, newer, interval=0.9)
    np.testing.assert_array_equal([r["forecast"] for r in rows], api.values)
    np.testing.assert_array_equal([r["upper_90"] for r in rows], api.upper)
    np.testing.assert_array_equal(api.values, newer[-4:, 0][np.arange(5) % 4])  # from the newer data's end
    r = runner.invoke(app, ["inspect", "--model", str(model)])
    assert r.exit_code == 0, r.output
    assert "forecasts seasonal naive (the value 4 steps back)" in " ".join(r.output.split())
    r = runner.invoke(app, ["inspect", "--model", str(model), "--step-trace"])
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "The network is traced below" in text and "for that step: seasonal naive's forecast" in text
    r = runner.invoke(app, ["inspect", "--model", str(model), "--step-trace", "--json"])
    assert r.exit_code == 0, r.output
    traced = json.loads(r.stdout)["model"]["snaive_blend"]
    assert traced["weight"] == 1.0 and traced["forecast"] == pytest.approx(PATTERN[108], abs=1e-6)  # after row 111


def test_predict_says_whose_forecast_it_is(tmp_path, monkeypatch):
    """Issue 13: naive's numbers are never shown as the model's. A model that forecasts seasonal naive (or its mean
    with the network) says so above the table, not 'lost to seasonal naive' (it ties it), and --json carries the
    blend. Fails on f919226 (the line said 'Worse than seasonal naive: this model lost to ...'; no snaive_blend)."""
    monkeypatch.setenv("COLUMNS", "400")
    runner = CliRunner()
    _, model = _train_cli(runner, tmp_path)
    assert Forecaster.load(model).info.snaive_blend.weight == 1.0
    r = runner.invoke(app, ["predict", "--model", str(model), "--days", "3"])
    assert r.exit_code == 0, r.output
    first = r.stdout.splitlines()[0]
    assert first.startswith("Seasonal naive's forecast (") and "not the network's" in first, r.stdout
    assert "Worse than seasonal naive" not in r.stdout
    r = runner.invoke(app, ["predict", "--model", str(model), "--days", "3", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["snaive_blend"]["weight"] == 1.0


def test_predict_says_when_it_is_the_mean_with_seasonal_naive(tmp_path):
    """The weight-1/2 case of the label above: the mean of the network's forecast and seasonal naive's."""
    from dataclasses import replace

    f = _fit()
    f.snaive_weight = 0.5
    f.info = replace(f.info, snaive_blend=replace(f.info.snaive_blend, weight=0.5))
    path = f.save(tmp_path / "m.npz")
    r = CliRunner().invoke(app, ["predict", "--model", str(path), "--days", "3"], env={"COLUMNS": "400"})
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0].startswith("The mean of the network's forecast and seasonal naive's ("), r.stdout


def test_the_verdict_of_a_model_that_forecasts_seasonal_naive_says_it_adds_nothing(tmp_path, monkeypatch):
    """Round 13: on a few validation rows the train summary's verdict said "against seasonal naive (one-step MAE
    +0.0%, t = -) 12 rows are too few to judge" of a model whose forecast is seasonal naive's. Fails on main."""
    monkeypatch.setenv("COLUMNS", "400")
    data = _csv(tmp_path / "p.csv", PATTERN[:112])
    flags = ["--window", "12", "--hidden", "6", "--epochs", "4", "--patience", "3", "--seed", "1", "--season", "4"]
    r = CliRunner().invoke(
        app, ["train", str(data), "--model", str(tmp_path / "m.npz"), "--val-fraction", "0.12", *flags]
    )
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "forecasts seasonal naive (the value 4 steps back), not the network" in text
    assert "t = -)" not in text and "t = - " not in text
    assert "its one-step errors on validation are seasonal naive's on every row: it adds nothing over" in text


def test_a_backtest_whose_fit_forecasts_seasonal_naive_says_so(tmp_path, monkeypatch):
    """Round 13: `lstm backtest` of a series whose fit forecasts seasonal naive showed the LSTM's row with seasonal
    naive's very numbers (and the table's * marks) and said nothing of it. Its title says so, and --json's fit_runs
    carry `snaive_weight`. Fails on main."""
    monkeypatch.setenv("COLUMNS", "400")
    data = _csv(tmp_path / "p.csv", PATTERN)
    flags = ["--window", "12", "--hidden", "6", "--epochs", "4", "--patience", "3", "--seed", "1", "--season", "4"]
    args = ["backtest", str(data), "--test-fraction", "0.0667", "--days", "4", "-q", "--jobs", "1", *flags]
    r = CliRunner().invoke(app, args)  # one fit, on the 112 rows _train_cli trains on
    assert r.exit_code == 0, r.output
    assert "forecasting seasonal naive's values (not the network's)" in " ".join(r.output.split()), r.output
    r = CliRunner().invoke(app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    assert [f["snaive_weight"] for f in json.loads(r.stdout)["fit_runs"]] == [1.0]

"""`--level-input` (TrainConfig.level_input, levels.py): one more input column, each window row's level relative to
the window's mean level, scaled on the training windows; the same in training, every forecast and the step trace."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import random_walk, write_csv

from lstmcli import levels, modelfile, training
from lstmcli.errors import ModelFileError
from lstmcli.forecast import Forecaster, histories, model_input, recursive_forecast
from lstmcli.panel_forecast import batchable
from lstmcli.trace import trace
from lstmcli.training import TrainConfig
from lstmcli.transforms import Target, to_target

T = np.arange(220.0)
CYCLE = 100 * np.exp(0.3 * np.sin(2 * np.pi * T / 10) + np.cumsum(np.random.default_rng(1).normal(0, 0.02, len(T))))


def _cfg(**kw) -> TrainConfig:
    return TrainConfig(**{"window": 12, "hidden": 6, "epochs": 5, "patience": 3, "seed": 1, "level_input": True, **kw})


@pytest.fixture(scope="module")
def fitted() -> Forecaster:
    return Forecaster(_cfg(), season="none").fit(CYCLE)


def test_training_windows_hold_the_column_the_forecasts_build(fitted):
    """What the network learnt from (training.gather of the stored series column) is what a forecast reads."""
    f, W = fitted, fitted.config.window
    z = to_target(CYCLE[:, None], f.target)  # (M, 1)
    lev = levels.levels(z[:, 0], f.target)
    rows = np.arange(W, len(z))
    series = np.concatenate([f.info.scaler.transform(z), f.level.series_column(lev, 150)[:, None]], axis=1)
    x, _ = training.gather(series, W, rows, 1, level=True)  # (B, W, 2)
    hists = histories(CYCLE[:, None], W, f.target, rows)
    _, built = model_input(f.info.scaler, f.target, hists, np.float64, level=f.level)
    np.testing.assert_allclose(x, built, atol=1e-12)
    # the column itself: (log p[row] - its mean over the window) / scale: mean 0 in every window
    hist = np.log(CYCLE[rows[0] - W + 1 : rows[0] + 1])  # the window's price rows (its inputs' own rows)
    np.testing.assert_allclose(built[0, :, 1], (hist - hist.mean()) / f.level.scale, atol=1e-12)
    np.testing.assert_allclose(built[:, :, 1].mean(axis=1), 0, atol=1e-12)


def test_the_scale_is_the_rms_of_the_training_windows_relative_levels():
    lev = np.cumsum(np.random.default_rng(0).normal(size=100))
    t = np.arange(10, 80)
    d = np.concatenate([lev[u - 10 : u] - lev[u - 10 : u].mean() for u in t])
    assert levels.LevelInput.fit(lev, t, 10).scale == pytest.approx(np.sqrt(np.mean(d * d)))
    assert levels.LevelInput.fit(lev, t, 1).scale == 1.0  # a window of one row: the column is always 0
    assert levels.LevelInput.fit(np.zeros(100), t, 10).scale == 1.0  # a constant series


def test_the_recursion_rebuilds_the_column_from_each_steps_price(fitted):
    """Step 3 of a recursive forecast = the one-step forecast from the history extended by steps 1-2's prices."""
    f, W, off = fitted, fitted.config.window, fitted.target.offset
    hist = CYCLE[None, -(W + off) :, None]  # (1, W + 1, 1)
    path = recursive_forecast(f.params, f.info.scaler, f.target, W, hist, 3, level=f.level)  # (1, 3, 1)
    longer = np.concatenate([hist, path[:, :2]], axis=1)[:, -(W + off) :]
    again = recursive_forecast(f.params, f.info.scaler, f.target, W, longer, 1, level=f.level)
    np.testing.assert_allclose(again[0, 0], path[0, 2], rtol=1e-6)


@pytest.mark.parametrize("kind", ["diff", "level"])
def test_diff_and_level_targets_read_price_differences(kind):
    f = Forecaster(_cfg(epochs=2), target=kind, season="none").fit(CYCLE)
    W, off = f.config.window, Target(kind).offset
    hist = CYCLE[None, -(W + off) :, None]
    _, x = model_input(f.info.scaler, f.target, hist, np.float64, level=f.level)
    p = CYCLE[-W:]  # each input row's own price row
    np.testing.assert_allclose(x[0, :, -1], (p - p.mean()) / f.level.scale, atol=1e-12)
    path = f.paths(hist, 4)
    longer = np.concatenate([hist, path[:, :3]], axis=1)[:, -(W + off) :]
    np.testing.assert_allclose(f.paths(longer, 1)[0, 0], path[0, 3], rtol=1e-6)


def test_model_file_round_trip_and_files_without_it_are_as_before(fitted, tmp_path):
    meta = fitted.info.to_dict()
    assert meta["config"]["level_input"] is True
    assert meta["level_input"] == {"reference": "mean", "scale": fitted.level.scale} and fitted.level.scale > 0
    assert fitted.params["weight_ih_l0"].shape == (4 * 6, 2)  # the target column and the level column
    loaded = Forecaster.load(fitted.save(tmp_path / "m.npz"))
    assert loaded.level == fitted.level and loaded.config.level_input
    np.testing.assert_array_equal(loaded.predict(7).values, fitted.predict(7).values)
    np.testing.assert_array_equal(loaded.predict(5, CYCLE[:200]).values, fitted.predict(5, CYCLE[:200]).values)
    plain = Forecaster(_cfg(level_input=False), season="none").fit(CYCLE)
    d = plain.info.to_dict()
    assert "level_input" not in d and "level_input" not in d["config"] and plain.level is None
    assert plain.params["weight_ih_l0"].shape == (4 * 6, 1)
    assert Forecaster.load(plain.save(tmp_path / "p.npz")).level is None
    # the same seed with and without the column: different networks
    assert not np.array_equal(plain.predict(5).values, fitted.predict(5).values)


def test_a_file_whose_config_and_scale_disagree_is_refused(fitted, tmp_path):
    params, meta = fitted.members or [fitted.params], fitted.info.to_dict()
    for bad in (
        {k: v for k, v in meta.items() if k != "level_input"},  # the config says level_input, no scale
        {**meta, "level_input": {"reference": "mean", "scale": -1.0}},
        {**meta, "level_input": {"reference": "last", "scale": 1.0}},
        {**meta, "config": {**meta["config"], "level_input": "yes"}},
    ):
        path = modelfile.save(tmp_path / "bad.npz", modelfile.join_members(params), bad)
        with pytest.raises(ModelFileError):
            modelfile.read(path)


def test_the_step_trace_names_and_shows_the_column(fitted, run, tmp_path):
    t = trace(fitted)
    assert t.input_names == ["value", levels.NAME]
    W = fitted.config.window
    lp = np.log(CYCLE[-W:])
    np.testing.assert_allclose(t.scaled[:, 1], (lp - lp.mean()) / fitted.level.scale, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(t.forecast, fitted.predict(1).values, rtol=1e-12)
    path = fitted.save(tmp_path / "m.npz")
    r = run("inspect", "--model", str(path), "--step-trace", "--json")
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)["model"]["inputs"] == ["value", "level vs mean"]
    r = run("inspect", "--model", str(path), "--step-trace")
    assert r.exit_code == 0 and "level vs mean" in r.stdout, r
    r = run("inspect", "--model", str(path))
    assert r.exit_code == 0 and "level vs the window's mean (off: --no-level-input)" in " ".join(r.stdout.split()), r


def test_a_season_and_the_level_input_the_names_in_order():
    t = np.arange(160)
    prices = 100 + 10 * np.sin(2 * np.pi * t / 12) + 0.2 * t
    dates = (np.datetime64("2000-01", "M") + t).astype("datetime64[D]").astype("datetime64[s]")
    f = Forecaster(_cfg(epochs=2), season=12, season_method="phase").fit(prices, dates)  # not the difference's fit
    assert f.params["weight_ih_l0"].shape[1] == 4
    assert trace(f).input_names == ["value", "season sin", "season cos", levels.NAME]
    assert np.isfinite(f.predict(12).values).all()


def test_direct_and_ensemble_forecasts_and_predict_data(run, tmp_path):
    """`lstm train --level-input` (direct, an ensemble): `lstm predict --data` gives the library's forecasts."""
    prices = random_walk(200, 4)
    csv = write_csv(tmp_path, "Close\n" + "".join(f"{p}\n" for p in prices))
    for name, extra in (("direct", ["--strategy", "direct", "--horizon", "4"]), ("ens", ["--ensemble", "2"])):
        model = tmp_path / f"{name}.npz"
        args = ["--window", "10", "--hidden", "4", "--epochs", "3", "--jobs", "1", "--level-input", "-q"]
        r = run("train", str(csv), "--model", str(model), *args, *extra)
        assert r.exit_code == 0, r
        f = Forecaster.load(model)
        assert f.level is not None
        newer = tmp_path / "newer.csv"
        newer.write_text("Close\n" + "".join(f"{p}\n" for p in prices[:180]))
        r = run("predict", "--model", str(model), "--data", str(newer), "--days", "4", "--json")
        assert r.exit_code == 0, r
        got = [row["forecast"] for row in json.loads(r.stdout)["forecast"]]
        np.testing.assert_array_equal(got, f.predict(4, prices[:180]).values)
        if name == "ens":  # the members' workers forecast their validation part with the column too
            assert len(f.members) == 2
            own = np.median([f.member(k).predict(4).values for k in range(2)], axis=0)
            np.testing.assert_allclose(f.predict(4).values, own, rtol=1e-12)
            W = f.config.window
            v = f.info.validation
            val_t = np.arange(v.rows) + v.first_date_index - 1  # target rows (log-returns: one row before the price)
            again = f.paths(histories(prices[:, None], W, f.target, val_t), 1)[:, 0, 0]
            assert f.info.validation.model.mae == pytest.approx(np.mean(np.abs(prices[val_t + 1] - again)))


def test_batched_in_a_panel_and_refused_with_global(fitted, run, tmp_path):
    assert batchable(fitted)  # the panel's batched predict rebuilds the column (test_panel_many: identical forecasts)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("Close\n" + "".join(f"{p}\n" for p in random_walk(120, 1)))
    b.write_text("Close\n" + "".join(f"{p}\n" for p in random_walk(120, 2)))
    r = run("train", str(a), str(b), "--global", "--level-input", "--model", str(tmp_path / "g.npz"))
    assert r.exit_code == 2 and "--level-input cannot be combined with --global" in r.stderr, r
    assert not (tmp_path / "g.npz").exists()
    # local models of a panel: each reads its level column (predict stacks them, each with its own scale)
    args = ["--window", "8", "--hidden", "4", "--epochs", "2", "--jobs", "1", "-q"]
    r = run("train", str(a), str(b), "--level-input", "--model", str(tmp_path / "p.npz"), *args)
    assert r.exit_code == 0, r
    r = run("predict", "--model", str(tmp_path / "p.npz"), "--days", "3", "--json")
    assert r.exit_code == 0, r
    from lstmcli.panel import Panel

    panel = Panel.load(tmp_path / "p.npz")
    for sid, f in panel.members.items():
        assert f.level is not None
        got = next(x for x in json.loads(r.stdout)["series"] if x["id"] == sid)
        np.testing.assert_array_equal([row["forecast"] for row in got["forecast"]], f.predict(3).values)


def test_backtest_fits_with_the_level_input(run, tmp_path):
    csv = write_csv(tmp_path, "Close\n" + "".join(f"{p}\n" for p in CYCLE[:150]))
    args = ["backtest", str(csv), "--days", "3", "--window", "10", "--hidden", "4", "--epochs", "3", "--json", "-q"]
    # on by default (round 7), off with --no-level-input
    on, off = run(*args, "--jobs", "1"), run(*args, "--no-level-input", "--jobs", "1")
    assert on.exit_code == 0 and off.exit_code == 0, (on, off)
    on, off = json.loads(on.stdout), json.loads(off.stdout)
    assert on["model"]["level_input"] is True and "level_input" not in off["model"]
    assert on["scores"]["lstm"]["mae"] != off["scores"]["lstm"]["mae"]


def test_a_seasonally_adjusted_model_reads_the_adjusted_levels_in_training_and_forecasts():
    t = np.arange(200)
    prices = (100 + 0.3 * t) * (1 + 0.1 * np.sin(2 * np.pi * t / 12)) + np.random.default_rng(3).normal(0, 1, 200)
    f = Forecaster(_cfg(epochs=2), season=12, season_method="phase+adjust").fit(prices)
    assert f.season.adjust is not None and f.params["weight_ih_l0"].shape[1] == 4
    W, off = f.config.window, f.target.offset
    adjusted = f.season.adjusted(prices[:, None], np.arange(len(prices)))  # (N, 1): what the network learnt
    z = to_target(adjusted, f.target)  # (M, 1)
    lev = levels.levels(z[:, 0], f.target)
    rows = np.arange(W, len(z))
    own_rows = np.arange(len(z)) + off  # each target row's own price row: its phase
    phase_cols = np.stack([np.sin(2 * np.pi * own_rows / 12), np.cos(2 * np.pi * own_rows / 12)], axis=1)
    series = np.concatenate([f.info.scaler.transform(z), phase_cols, f.level.series_column(lev, 100)[:, None]], axis=1)
    x, _ = training.gather(series, W, rows, 1, level=True)  # (B, W, 4)
    hists = histories(prices[:, None], W, f.target, rows)
    _, built = model_input(f.info.scaler, f.target, hists, np.float64, f.season, rows - 1 + off, f.level)
    np.testing.assert_allclose(x, built, atol=1e-9)
    # and the recursion, re-seasoned: step 3 = one step from the history extended by steps 1-2
    hist = prices[None, -(W + off) :, None]
    last = len(prices) - 1
    path = f.paths(hist, 3, last_phase=last)
    longer = np.concatenate([hist, path[:, :2]], axis=1)[:, -(W + off) :]
    np.testing.assert_allclose(f.paths(longer, 1, last_phase=last + 2)[0, 0], path[0, 2], rtol=1e-6)


def test_lstm_train_reads_the_level_by_default_but_not_with_no_level_input_or_global(run, tmp_path):
    """On by default since round 7; `--no-level-input` turns it off; the one network of --global reads none."""
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("Close\n" + "".join(f"{p}\n" for p in random_walk(120, 1)))
    b.write_text("Close\n" + "".join(f"{p}\n" for p in random_walk(120, 2)))
    args = ["--window", "8", "--hidden", "4", "--epochs", "2", "--jobs", "1", "-q"]
    for name, extra, on in (("default", [], True), ("off", ["--no-level-input"], False)):
        r = run("train", str(a), "--model", str(tmp_path / f"{name}.npz"), *args, *extra)
        assert r.exit_code == 0, r
        f = Forecaster.load(tmp_path / f"{name}.npz")
        assert f.config.level_input is on and (f.level is not None) is on
        assert f.params["weight_ih_l0"].shape == (16, 1 + on)
    r = run("train", str(a), str(b), "--global", "--model", str(tmp_path / "g.npz"), *args)
    assert r.exit_code == 0, r
    from lstmcli.panel import Panel

    panel = Panel.load(tmp_path / "g.npz")
    assert panel.global_model and len(panel.members) == 2
    for f in panel.members.values():
        assert not f.config.level_input and f.level is None and f.params["weight_ih_l0"].shape == (16, 1)

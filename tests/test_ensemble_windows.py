"""`--ensemble-windows`: on a seasonal series, ensemble members that read different windows (whole seasons near
0.8 W and 1.2 W), not only other seeds; without a season, seeds only."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import random_walk

from lstmcli import ensemble, modelfile
from lstmcli.forecast import Forecaster, histories, recursive_forecast
from lstmcli.modelfile import EnsembleInfo
from lstmcli.training import TrainConfig

_t = np.arange(260)
PRICES = random_walk(260, 11) * (1 + 0.05 * np.sin(2 * np.pi * _t / 4))  # a season of 4
SEASON = dict(season=4, season_method="phase")  # one fit (no choice of method on validation)


def _cfg(**kw) -> TrainConfig:
    return TrainConfig(**{"window": 10, "hidden": 6, "epochs": 4, "seed": 5, **kw})


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) and a[k].dtype == b[k].dtype for k in a)


@pytest.fixture(scope="module")
def mixed() -> Forecaster:
    return Forecaster(_cfg(), ensemble=3, jobs=1, ensemble_windows=True, **SEASON).fit(PRICES)


def test_member_windows_are_whole_seasons_near_08_and_12_w():
    assert ensemble.member_windows(30, 3, 1, 100, 12) == (30, 24, 36)
    assert ensemble.member_windows(30, 3, 1, 100, 4) == (30, 24, 36)
    assert ensemble.member_windows(30, 5, 1, 100, 4) == (30, 24, 36, 32, 24)
    assert ensemble.member_windows(30, 3, 1, 33, 4) == (30, 24, 32)  # at most `longest`, still whole seasons
    assert ensemble.member_windows(30, 3, 30, 100, 12) == (30, 30, 36)  # below `lowest`: member 0's window
    assert ensemble.member_windows(10, 3, 1, 100, 4) == (10, 8, 12)
    assert ensemble.member_windows(30, 3, 1, 100, None) is None  # no season: seeds only
    assert ensemble.member_windows(30, 3, 1, 100, 52) is None  # a season longer than the window: seeds only
    assert list(ensemble.member_train_targets(np.arange(10, 50), 5)) == list(range(5, 50))
    assert list(ensemble.member_train_targets(np.arange(10, 50), 20)) == list(range(20, 50))


def test_members_read_their_own_windows_and_member_0_is_the_single_model(mixed):
    assert mixed.windows == (10, 8, 12) and mixed.info.ensemble.windows == (10, 8, 12)
    assert mixed.history_window == 12 and mixed.config.window == 10  # the file's config is member 0's
    assert mixed.members[1]["weight_ih_l0"].shape == mixed.members[0]["weight_ih_l0"].shape
    single = Forecaster(_cfg(), **SEASON).fit(PRICES)  # same seed, same window, same rows: bit for bit
    assert _same(single.params, mixed.members[0])
    seeds_only = Forecaster(_cfg(), ensemble=3, jobs=1, **SEASON).fit(PRICES)
    assert not _same(seeds_only.members[1], mixed.members[1])  # member 1 differs by its window too


def test_forecast_is_the_median_of_each_member_on_its_own_window(mixed):
    rows = np.array([150, 200, 240])
    hist = histories(PRICES[:, None], 12, mixed.target, rows)  # (3, 13, 1): the longest member's history
    kw = dict(season=mixed.season, last_phase=rows, level=mixed.level)
    own = [
        recursive_forecast(p, mixed.info.scaler, mixed.target, w, hist[:, -(w + 1) :], 4, **kw)
        for p, w in zip(mixed.members, (10, 8, 12), strict=True)
    ]
    np.testing.assert_array_equal(mixed.paths(hist, 4, last_phase=rows), np.median(np.stack(own), axis=0))
    # the validation score is the ensemble's own, from the same paths
    v = mixed.info.validation
    val = np.arange(len(PRICES) - v.rows - 1, 259)
    one_step = mixed.paths(histories(PRICES[:, None], 12, mixed.target, val), 1, last_phase=val)
    assert np.mean(np.abs(one_step[:, 0, 0] - PRICES[-v.rows :])) == pytest.approx(v.model.mae, rel=1e-12)


def test_jobs_1_and_2_identical(mixed):
    two = Forecaster(_cfg(), ensemble=3, jobs=2, ensemble_windows=True, **SEASON).fit(PRICES)
    assert two.windows == mixed.windows
    for k in range(3):
        assert _same(mixed.members[k], two.members[k]), k
    a, b = mixed.predict(5), two.predict(5)
    assert np.array_equal(a.values, b.values) and np.array_equal(a.lower, b.lower)
    assert mixed.info.validation == two.info.validation
    assert mixed.info.intervals.to_dict() == two.info.intervals.to_dict()


def test_saved_and_loaded_forecasts_the_same(mixed, tmp_path):
    path = mixed.save(tmp_path / "m.npz")
    back = Forecaster.load(path)
    assert back.windows == (10, 8, 12) and back.history_window == 12
    assert np.array_equal(back.predict(5).values, mixed.predict(5).values)
    newer = np.concatenate([PRICES, random_walk(40, 2, start=float(PRICES[-1]))])[:, None]
    a, b = back.predict(5, newer), mixed.predict(5, newer)
    assert np.array_equal(a.values, b.values) and a.recalibrated == b.recalibrated > 0
    # (the file stores the calibration's errors rounded, as for any model: bounds agree to ~1e-8)
    np.testing.assert_allclose(a.lower, b.lower, rtol=1e-6)
    assert json.loads(json.dumps(mixed.info.to_dict()))["ensemble"]["windows"] == [10, 8, 12]


def test_older_ensemble_files_have_no_windows_and_load_as_before():
    d = EnsembleInfo((0, 1, 2), "median", 3, (4, 5, 6)).to_dict()
    assert "windows" not in d and EnsembleInfo.from_dict(d).windows is None
    with pytest.raises(ValueError, match="windows"):
        EnsembleInfo.from_dict(d | {"windows": [10, 5]})  # one per member
    with pytest.raises(ValueError, match="windows"):
        EnsembleInfo.from_dict(d | {"windows": [10, 0, 20]})


def test_member_k_is_a_single_model_of_its_own_window(mixed):
    two = mixed.member(2)
    assert two.config.window == 12 and _same(two.params, mixed.members[2])
    hist = PRICES[None, -13:, None]
    assert np.array_equal(two.paths(hist, 3, last_phase=259), mixed.member_paths(hist, 3, last_phase=259)[2])


def test_without_a_season_the_members_differ_by_seed_only():
    prices = random_walk(260, 11)
    plain = Forecaster(_cfg(), ensemble=3, jobs=1).fit(prices)
    windows = Forecaster(_cfg(), ensemble=3, jobs=1, ensemble_windows=True).fit(prices)
    assert windows.windows is None and windows.info.ensemble.windows is None
    assert all(_same(a, b) for a, b in zip(plain.members, windows.members, strict=True))


def test_seasonal_difference_members_read_at_least_a_season():
    # a seasonal series: the difference's network reads W + 1 - m changes; a member's window never goes below it
    t = np.arange(400)
    prices = 100 + 10 * np.sin(2 * np.pi * t / 12) + np.cumsum(np.random.default_rng(3).normal(0, 0.3, 400))
    f = Forecaster(_cfg(window=14), ensemble=3, jobs=1, ensemble_windows=True, season=12, season_method="difference")
    f.fit(prices)
    assert f.season.difference and f.windows == (14, 12, 12)  # 12 prices hold 1 change over 12 (the fewest)
    assert f.member(1).config.window == 12
    assert np.isfinite(f.predict(5).values).all()


def test_refit_all_refits_each_member_on_its_own_rows():
    f = Forecaster(_cfg(refit_all=True), ensemble=3, jobs=1, ensemble_windows=True, **SEASON).fit(PRICES)
    single = Forecaster(_cfg(refit_all=True), **SEASON).fit(PRICES)
    assert _same(single.params, f.members[0]) and f.windows == (10, 8, 12)
    assert np.isfinite(f.predict(3).values).all()


def _plain_csv(path, values) -> str:
    path.write_text("Value\n" + "".join(f"{v}\n" for v in values))
    return str(path)


def _flat(text: str) -> str:
    return " ".join(text.replace("│", " ").replace("┃", " ").split())


def test_cli_train_predict_and_inspect_member(tmp_path, run):
    data = _plain_csv(tmp_path / "p.csv", PRICES[:200])
    model = str(tmp_path / "m.npz")
    r = run("train", data, "--model", model, "--epochs", "3", "--hidden", "4", "--season", "4", "--ensemble-windows")
    assert r.exit_code == 0, r
    fc = Forecaster.load(model)
    assert fc.info.ensemble is not None and len(fc.windows) == 3 and fc.windows[0] == fc.config.window
    words = ", ".join(map(str, fc.windows))
    assert f"windows {words}" in _flat(r.stdout) and f"its own window, {words} steps" in _flat(r.stdout)
    # lstm predict --data forecasts exactly what the library does from the same rows
    newer = _plain_csv(tmp_path / "n.csv", PRICES[:240])
    r = run("predict", "--model", model, "--data", newer, "--days", "4", "--json")
    assert r.exit_code == 0, r
    got = [row["forecast"] for row in json.loads(r.stdout)["forecast"]]
    assert got == list(fc.predict(4, PRICES[:240, None]).values)
    # the trace of member 2 reads member 2's window and says so
    r = run("inspect", "--step-trace", "--member", "2", "--model", model, "--json")
    assert r.exit_code == 0, r
    d = json.loads(r.stdout)["model"]
    assert d["window"] == fc.windows[2] and d["member"]["windows"] == list(fc.windows)
    assert d["member"]["ensemble_forecast"] == fc.predict(1).values[0]
    r = run("inspect", "--step-trace", "--member", "2", "--model", model)
    assert r.exit_code == 0, r
    text = _flat(r.stdout)
    assert f"window {fc.windows[2]} steps" in text and f"its own window of {fc.windows[2]} steps" in text


@pytest.mark.parametrize(
    "extra, words",
    [(["--ensemble", "1"], "needs an ensemble"), (["--auto"], "cannot be combined with --auto")],
)
def test_cli_refuses_ensemble_windows_without_an_ensemble(tmp_path, run, extra, words):
    data = _plain_csv(tmp_path / "p.csv", PRICES[:200])
    r = run("train", data, "--model", str(tmp_path / "m.npz"), "--ensemble-windows", *extra)
    assert r.exit_code == 2 and "Error:" in r.stderr and words in _flat(r.stderr), r


def test_modelfile_needs_the_longest_members_history(mixed):
    meta = mixed.info.to_dict()
    meta["tail"] = {"values": mixed.info.tail.values[-12:].tolist(), "dates": None}  # member 2 reads 13 rows
    with pytest.raises(ValueError, match=r"at least \(13, 1\)"):
        modelfile.ModelInfo.from_dict(meta)
    meta["tail"]["values"] = mixed.info.tail.values[-13:].tolist()
    assert modelfile.ModelInfo.from_dict(meta).ensemble.windows == (10, 8, 12)


def test_the_summary_says_why_members_share_a_window():
    assert "one network" in ensemble.windows_choice(None, 1)
    assert "differ by seed only" in ensemble.windows_choice(None, 3)
    assert "30, 24, 36 steps" in ensemble.windows_choice((30, 24, 36), 3)


def test_cli_ensemble_windows_keeps_the_default_size_on_a_long_series(tmp_path, run):
    data = _plain_csv(tmp_path / "long.csv", random_walk(320, 4))
    model = str(tmp_path / "m.npz")
    r = run("train", data, "--model", model, "--epochs", "2", "--hidden", "4", "--ensemble-windows")
    assert r.exit_code == 0, r
    assert Forecaster.load(model).info.ensemble is None  # 300 rows or more: one network, as without the option
    assert "--ensemble-windows: one network" in _flat(r.stdout)


def test_cli_refuses_ensemble_windows_for_a_panel(tmp_path, run):
    a = _plain_csv(tmp_path / "a.csv", PRICES[:200])
    b = _plain_csv(tmp_path / "b.csv", PRICES[:180])
    r = run("train", a, b, "--model", str(tmp_path / "m.npz"), "--ensemble-windows")
    assert r.exit_code == 2 and "not a panel" in _flat(r.stderr), r

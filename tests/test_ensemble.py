"""`--ensemble N`: members from seeds seed..seed+N-1, trained in parallel, forecasting as their median."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import assert_forecasts_as_before, random_walk

from lstmcli import ensemble, modelfile
from lstmcli.errors import ModelFileError, OptionError, TrainingError
from lstmcli.forecast import EvaluationForecasts, Forecaster, histories
from lstmcli.training import TrainConfig, train

DATA = Path(__file__).parent / "data"


def _cfg(**kw) -> TrainConfig:
    return TrainConfig(**{"window": 10, "hidden": 6, "epochs": 4, "seed": 5, **kw})


PRICES = random_walk(260, 11)


@pytest.fixture(scope="module")
def ens3() -> Forecaster:
    return Forecaster(_cfg(), ensemble=3, jobs=1).fit(PRICES)


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) and a[k].dtype == b[k].dtype for k in a)


def test_member_k_is_trained_with_seed_plus_k():
    assert [ensemble.member_seed(7, k) for k in range(3)] == [7, 8, 9]
    tasks = ensemble.tasks(_cfg(seed=7), 3, np.zeros((30, 1)), np.arange(10, 20), np.arange(20, 30), 1, False)
    assert [t.config.seed for t in tasks] == [7, 8, 9]
    assert all(t.config.window == 10 and t.config.hidden == 6 for t in tasks)  # nothing else differs


def test_each_member_is_the_single_model_of_its_seed(ens3):
    for k in range(3):
        single = Forecaster(_cfg(seed=5 + k)).fit(PRICES)
        assert _same(single.params, ens3.members[k]), k
    assert ens3.params is ens3.members[0]
    assert ens3.info.ensemble.seeds == (5, 6, 7) and ens3.info.ensemble.combine == "median"
    assert ens3.info.ensemble.best_epochs[0] == ens3.info.training.best_epoch


def test_ensemble_1_is_todays_model_bit_for_bit():
    today = Forecaster(_cfg()).fit(PRICES)
    one = Forecaster(_cfg(), ensemble=1, jobs=2).fit(PRICES)
    assert _same(today.params, one.params) and one.members is None and one.info.ensemble is None
    assert np.array_equal(today.predict(6).values, one.predict(6).values)
    assert np.array_equal(today.predict(6).lower, one.predict(6).lower)
    assert today.info.to_dict() | {"created": 0} == one.info.to_dict() | {"created": 0}  # no ensemble key


def test_jobs_1_and_2_give_identical_members_and_forecasts(ens3):
    two = Forecaster(_cfg(), ensemble=3, jobs=2).fit(PRICES)  # members in 2 worker processes
    for k in range(3):
        assert _same(ens3.members[k], two.members[k]), k
    a, b = ens3.predict(5), two.predict(5)
    assert np.array_equal(a.values, b.values) and np.array_equal(a.lower, b.lower) and np.array_equal(a.upper, b.upper)
    assert ens3.info.validation == two.info.validation


def test_paths_is_the_median_of_the_members_paths(ens3):
    hist = histories(PRICES[:, None], 10, ens3.target, np.array([150, 200, 240]))  # (3, W + 1, 1)
    members = ens3.member_paths(hist, 4)
    assert len(members) == 3 and not np.array_equal(members[0], members[1])
    np.testing.assert_array_equal(ens3.paths(hist, 4), np.median(np.stack(members), axis=0))
    # validation and intervals are the ensemble's own: they come through paths
    v = ens3.info.validation
    one_step = ens3.paths(histories(PRICES[:, None], 10, ens3.target, np.arange(len(PRICES) - v.rows - 1, 259)), 1)
    assert np.mean(np.abs(one_step[:, 0, 0] - PRICES[-v.rows :])) == pytest.approx(v.model.mae, rel=1e-12)


def test_the_model_file_round_trips_an_ensemble(ens3, tmp_path):
    path = ens3.save(tmp_path / "e.npz")
    names = np.load(path).files
    assert "weight_ih_l0" in names and "member1/weight_ih_l0" in names and "member2/head.bias" in names
    assert "member0/weight_ih_l0" not in names
    back = Forecaster.load(path)
    assert back.ensemble == 3 and len(back.members) == 3
    for k in range(3):
        assert _same(back.members[k], ens3.members[k])
    assert back.info.ensemble == ens3.info.ensemble
    assert np.array_equal(back.predict(5).values, ens3.predict(5).values)
    e = modelfile.load(path)[1]["ensemble"]
    assert (e["seeds"], e["combine"], e["requested"], len(e["best_epochs"])) == ([5, 6, 7], "median", 3, 3)


def test_member_0_of_an_ensemble_file_reads_like_a_single_model_file(ens3, tmp_path):
    path = ens3.save(tmp_path / "e.npz")
    params, meta = modelfile.load(path)
    del meta["ensemble"]
    single = {k: v for k, v in params.items() if "/" not in k}
    modelfile.save(tmp_path / "one.npz", single, meta)
    one = Forecaster.load(tmp_path / "one.npz")
    assert one.members is None and _same(one.params, ens3.members[0])


@pytest.mark.parametrize("name", ["v1_dated_logreturn", "v1_undated_level"])
def test_old_files_load_as_one_member_and_forecast_as_before(name):
    expected = json.loads((DATA / "v1_expected_forecasts.json").read_text())[name]
    f = Forecaster.load(DATA / f"{name}.npz")
    assert f.ensemble == 1 and f.members is None and f.info.ensemble is None
    got = f.predict(7, interval=0.8).to_dict()
    got.pop("interval_recalibrated_origins")
    got.pop("interval_calibration", None)  # keys added since (test_modelfile checks their values)
    for row in got["forecast"]:
        row.pop("extrapolated", None)
    assert_forecasts_as_before(got, expected)


def test_a_file_missing_a_member_or_with_a_wrong_shape_is_refused(ens3, tmp_path):
    from conftest import rewrite_model

    path = ens3.save(tmp_path / "e.npz")
    with pytest.raises(ModelFileError, match="missing member2/weight_hh_l0"):
        Forecaster.load(rewrite_model(path, tmp_path / "a.npz", drop=("member2/weight_hh_l0",)))
    with pytest.raises(ModelFileError, match=r"member1/head\.bias has shape"):
        Forecaster.load(rewrite_model(path, tmp_path / "b.npz", arrays={"member1/head.bias": np.zeros(3)}))
    meta = modelfile.load(path)[1]
    meta["ensemble"]["seeds"] = [5, 6]  # 2 members promised, 3 stored
    with pytest.raises(ModelFileError, match="unexpected member2/"):
        Forecaster.load(rewrite_model(path, tmp_path / "c.npz", meta=meta))
    meta = modelfile.load(path)[1]
    meta["ensemble"]["seeds"] = list(range(101))
    with pytest.raises(ModelFileError, match="ensemble"):
        Forecaster.load(rewrite_model(path, tmp_path / "d.npz", meta=meta))
    meta = modelfile.load(path)[1]
    meta["ensemble"]["combine"] = "max"
    with pytest.raises(ModelFileError, match="median or mean"):
        Forecaster.load(rewrite_model(path, tmp_path / "e2.npz", meta=meta))


@pytest.mark.parametrize("n", [0, -1, 101, 2.5, True])
def test_impossible_ensemble_sizes_are_refused(n):
    with pytest.raises(OptionError, match=f"--ensemble {n} is not possible"):
        Forecaster(_cfg(), ensemble=n)


def test_the_biggest_ensemble_is_accepted_and_jobs_are_checked():
    assert Forecaster(_cfg(), ensemble=100).ensemble == 100
    with pytest.raises(OptionError, match="--jobs 0"):
        Forecaster(_cfg(), ensemble=2, jobs=0)


def test_member_picks_one_network(ens3):
    m2 = ens3.member(2)
    assert m2.members is None and m2.params is ens3.members[2]
    hist = PRICES[None, -11:, None]
    np.testing.assert_array_equal(m2.paths(hist, 3), ens3.member_paths(hist, 3)[2])
    for bad in (3, -1):
        with pytest.raises(OptionError, match=f"--member {bad} does not exist"):
            ens3.member(bad)
    single = Forecaster(_cfg()).fit(PRICES)
    assert single.member(0) is single
    with pytest.raises(OptionError, match="not an ensemble"):
        single.member(1)


def test_a_stop_keeps_the_finished_members_and_none_finished_is_an_error(tmp_path):
    done: list[int] = []  # Ctrl-C right after the first member finished
    f = Forecaster(_cfg(), ensemble=3, jobs=1)
    f.fit(PRICES, should_stop=lambda: bool(done), on_member=lambda k, n: done.append(k))
    assert done == [1] and f.info.ensemble.seeds == (5,) and f.info.ensemble.requested == 3
    assert f.info.training.interrupted
    assert _same(f.params, Forecaster(_cfg()).fit(PRICES).params)  # the finished member, whole
    back = Forecaster.load(f.save(tmp_path / "kept.npz"))
    assert back.info.ensemble.seeds == (5,) and back.members is None
    assert np.array_equal(back.predict(3).values, f.predict(3).values)
    with pytest.raises(TrainingError, match="before any of the 3 ensemble members finished"):
        Forecaster(_cfg(), ensemble=3, jobs=1).fit(PRICES, should_stop=lambda: True)


def test_a_stop_with_two_jobs_keeps_whole_members_and_stops_the_rest():
    done: list[int] = []
    f = Forecaster(_cfg(), ensemble=4, jobs=2)
    f.fit(PRICES, should_stop=lambda: bool(done), on_member=lambda k, n: done.append(k))
    seeds = f.info.ensemble.seeds
    assert done == [1] and len(seeds) == 1 and f.info.training.interrupted  # the workers still busy were stopped
    assert _same(f.params, Forecaster(_cfg(seed=seeds[0])).fit(PRICES).params)  # whichever finished, whole


def test_direct_strategy_ensembles():
    f = Forecaster(_cfg(), strategy="direct", horizon=3, ensemble=2, jobs=1).fit(PRICES)
    single = Forecaster(_cfg(seed=6), strategy="direct", horizon=3).fit(PRICES)
    assert _same(f.members[1], single.params)
    assert f.predict(3).values.shape == (3,)


def test_fit_member_is_train_with_the_tasks_settings():
    z = np.random.default_rng(0).normal(size=(80, 1))
    task = ensemble.tasks(_cfg(), 2, z, np.arange(10, 60), np.arange(60, 80), 1, False)[1]
    direct = train(z, np.arange(10, 60), np.arange(60, 80), _cfg(seed=6), outputs=1)
    assert _same(ensemble.fit_member(task).params, direct.params)


# ----------------------------------------------------------------------------- the CLI


def _flat(text: str) -> str:
    """A table's text with the borders and wrapping gone, so that a wrapped cell still matches."""
    return " ".join(text.replace("│", " ").replace("┃", " ").split())


def _csv(tmp_path: Path) -> Path:
    days = np.arange("2015-01-01", "2016-06-01", dtype="datetime64[D]")[: len(PRICES)]
    csv = tmp_path / "prices.csv"
    csv.write_text("Date,Close\n" + "".join(f"{d},{p:.4f}\n" for d, p in zip(days, PRICES, strict=True)))
    return csv


def test_cli_train_predict_inspect_an_ensemble(tmp_path, run):
    csv, model = _csv(tmp_path), str(tmp_path / "e.npz")
    fast = ["--epochs", "3", "--hidden", "6", "--window", "10", "--model", model]
    r = run("train", str(csv), *fast, "--ensemble", "3", "--jobs", "2", "--seed", "4")
    assert r.exit_code == 0, r
    assert "ensemble of 3 (median), seeds 4..6" in _flat(r.stdout)
    assert "member" in r.stderr  # the progress bar counts members
    assert Forecaster.load(model).info.ensemble.seeds == (4, 5, 6)
    r = run("predict", "--model", model, "--days", "4", "--json")
    assert r.exit_code == 0, r
    assert len(json.loads(r.stdout)["forecast"]) == 4
    r = run("inspect", "--model", model)
    assert r.exit_code == 0 and "ensemble of 3 (median)" in _flat(r.stdout), r
    r = run("inspect", "--model", model, "--step-trace")
    assert r.exit_code == 0 and "Member 0 of an ensemble of 3 (seed 4" in _flat(r.stdout), r
    r = run("inspect", "--model", model, "--step-trace", "--member", "2")
    assert r.exit_code == 0 and "Member 2 of an ensemble of 3 (seed 6" in _flat(r.stdout), r
    r = run("inspect", "--model", model, "--step-trace", "--member", "2", "--json")
    assert json.loads(r.stdout)["model"]["member"].items() >= {"index": 2, "members": 3, "seed": 6}.items()
    r = run("inspect", "--model", model, "--step-trace", "--member", "3")
    assert r.exit_code == 2 and r.stderr.startswith("Error: --member 3 does not exist (the model has members 0..2)")
    r = run("inspect", "--model", model, "--weights", "--member", "1")
    assert r.exit_code == 2 and "--member belong to --step-trace" in r.stderr


def test_cli_ensemble_and_jobs_edges(tmp_path, run):
    csv, model = _csv(tmp_path), tmp_path / "e.npz"
    for n in ("0", "-2", "101"):
        r = run("train", str(csv), "--ensemble", n, "--model", str(model))
        assert r.exit_code == 2, r
        assert r.stderr.startswith(f"Error: --ensemble {n} is not possible") and r.stderr.count("Error:") == 1
    r = run("train", str(csv), "--ensemble", "2", "--jobs", "0", "--model", str(model))
    assert r.exit_code == 2 and "Error: --jobs 0 is not possible" in r.stderr
    r = run("backtest", str(csv), "--ensemble", "0")
    assert r.exit_code == 2 and "Error: --ensemble 0 is not possible" in r.stderr
    assert not model.exists()
    r = run("train", str(csv), "--epochs", "2", "--hidden", "4", "-q", "--model", str(model), "--ensemble", "1")
    r = run("inspect", "--model", str(model), "--step-trace", "--member", "1")
    assert r.exit_code == 2 and "not an ensemble" in r.stderr
    r = run("inspect", "--model", str(model), "--step-trace", "--member", "0")
    assert r.exit_code == 0 and "Member 0 of" not in r.stdout  # one network: nothing to say


def test_cli_backtest_fits_ensembles(tmp_path, run):
    csv = _csv(tmp_path)
    args = ["backtest", str(csv), "--epochs", "2", "--hidden", "4", "--window", "10", "-q", "--json"]
    one = json.loads(run(*args, "--ensemble", "1").stdout)  # (without it: 3, lstm train's default on a short series)
    r = run(*args, "--ensemble", "2", "--jobs", "1")
    assert r.exit_code == 0, r
    two = json.loads(r.stdout)
    r = run(*args, "--ensemble", "2", "--jobs", "2")
    assert json.loads(r.stdout)["scores"] == two["scores"]  # --jobs changes nothing
    assert two["scores"]["lstm"] != one["scores"]["lstm"] and two["scores"]["naive"] == one["scores"]["naive"]
    assert [f["ensemble_members"] for f in two["fit_runs"]] == [2] and one["fit_runs"][0]["ensemble_members"] == 1


def test_every_new_option_has_help(run):
    assert "--ensemble" in run("train", "--help").stdout and "--jobs" in run("train", "--help").stdout
    assert "--ensemble" in run("backtest", "--help").stdout and "--jobs" in run("backtest", "--help").stdout
    assert "--member" in run("inspect", "--help").stdout


def test_the_installed_command_trains_the_same_ensemble_with_1_and_2_jobs(tmp_path, lstm_exe):
    from conftest import run_exe

    csv = _csv(tmp_path)
    forecasts = []
    for jobs in ("1", "2"):
        model = str(tmp_path / f"j{jobs}.npz")
        args = ("--epochs", "2", "--hidden", "4", "--window", "10", "-q", "--model", model)
        p = run_exe(lstm_exe, "train", str(csv), *args, "--ensemble", "3", "--jobs", jobs, cwd=tmp_path)
        assert p.returncode == 0, p.stderr.decode()
        p = run_exe(lstm_exe, "predict", "--model", model, "--days", "3", "--json", cwd=tmp_path)
        assert p.returncode == 0, p.stderr.decode()
        forecasts.append(json.loads(p.stdout)["forecast"])
    assert forecasts[0] == forecasts[1]
    a, b = Forecaster.load(tmp_path / "j1.npz"), Forecaster.load(tmp_path / "j2.npz")
    assert all(_same(a.members[k], b.members[k]) for k in range(3))


def test_members_make_their_validation_and_calibration_forecasts_where_they_train(monkeypatch, ens3):
    # the parent only takes the median of what each member's worker forecast (it forecasts nothing itself) ...
    def no_forecasts_in_the_parent(*a, **kw):
        raise AssertionError("the parent forecast with the members' weights")

    monkeypatch.setattr(Forecaster, "member_paths", no_forecasts_in_the_parent)
    worker_made = Forecaster(_cfg(), ensemble=3, jobs=1).fit(PRICES)
    monkeypatch.undo()
    # ... and the scores and intervals are those the parent's own forecasts give, bit for bit
    f, prices = worker_made, PRICES[:, None]
    val_t = np.arange(len(prices) - 1 - f.info.validation.rows, len(prices) - 1)  # log-return: offset 1
    validation, intervals = f._evaluate(prices, f.info.scaler, np.arange(10, val_t[0]), val_t, False)
    assert validation.model == ens3.info.validation.model == worker_made.info.validation.model
    assert np.array_equal(intervals.quantiles, worker_made.info.intervals.quantiles)
    assert np.array_equal(intervals.quantiles, ens3.info.intervals.quantiles)
    # what a worker returns: the weights and, per query, that member's paths (the very member_paths calls)
    queries = f._evaluation_queries(val_t, 5000)
    task = ensemble.tasks(f.config, 3, np.zeros((260, 1)), np.arange(10, 60), val_t, 1, False)[2]
    assert f.level is not None  # the default's level input: the workers build its column too
    wanted = EvaluationForecasts(f.strategy, f.info.scaler, f.target, 10, None, prices, tuple(queries), f.level)
    made = wanted(f.members[2])
    for (rows, steps), paths in zip(queries, made, strict=True):
        hist = histories(prices, 10, f.target, rows)
        assert np.array_equal(paths, f.member(2).member_paths(hist, steps, f.info.scaler)[0])
    assert ensemble.fit_and_forecast(task).forecasts is None  # a task that asks for none gets none


def test_cli_ensemble_starts_its_workers_before_reading_the_data(tmp_path, run, monkeypatch):
    from lstmcli import parallel
    from lstmcli.cli import train as cli_train

    calls: list[str] = []
    start, read = parallel.prestart, cli_train.read_series
    monkeypatch.setattr(parallel, "prestart", lambda jobs, *a: calls.append(f"prestart {jobs}") or start(jobs, *a))
    monkeypatch.setattr(cli_train, "read_series", lambda *a, **kw: calls.append("read") or read(*a, **kw))
    csv, model = _csv(tmp_path), str(tmp_path / "e.npz")
    fast = ["--epochs", "2", "--hidden", "4", "--window", "10", "--model", model, "-q"]
    assert run("train", str(csv), *fast, "--ensemble", "2", "--jobs", "2").exit_code == 0
    assert calls == ["prestart 2", "read"]
    calls.clear()
    assert run("train", str(csv), *fast, "--ensemble", "1").exit_code == 0  # one network: no pool to start
    assert calls == ["read"]

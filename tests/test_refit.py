"""`--refit-all` (TrainConfig.refit_all): after the early-stopped fit, the shipped model is trained again
from the same initial weights on ALL windows (training + validation) for the best epoch count."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import random_walk

from lstmcli import levels, modelfile, training
from lstmcli.forecast import Forecaster
from lstmcli.training import TrainConfig
from lstmcli.transforms import to_target

DATA = Path(__file__).parent / "data"
PRICES = random_walk(240, 3)


def _cfg(**kw) -> TrainConfig:
    return TrainConfig(**{"window": 10, "hidden": 6, "epochs": 6, "patience": 3, "seed": 2, **kw})


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


@pytest.fixture(scope="module")
def pair() -> tuple[Forecaster, Forecaster]:
    plain = Forecaster(_cfg(), season="none").fit(PRICES)
    refit = Forecaster(_cfg(refit_all=True), season="none").fit(PRICES)
    return plain, refit


def test_the_shipped_model_is_the_refit_on_every_window_including_the_last_rows(pair):
    plain, refit = pair
    tr = refit.info.training
    assert tr.refit_windows == tr.train_windows + tr.val_windows  # the validation windows were learnt too
    batch = refit.config.batch_size
    assert tr.refit_epochs == training.refit_epochs(tr.best_epoch, tr.train_windows, tr.refit_windows, batch) >= 1
    assert tr.best_epoch == plain.info.training.best_epoch
    assert not _same(plain.params, refit.params)
    # the same weights from training.refit on the scaled series with every target row, the last one included
    W = refit.config.window
    target = to_target(PRICES[:, None], refit.target)  # (M, 1)
    # and, by default, the level input's column: the scale (like the scaler) fitted on the training windows only
    assert refit.config.level_input and refit.level == plain.level
    lev = levels.levels(target[:, 0], refit.target)
    train_t = np.arange(W, W + tr.train_windows)
    assert refit.level == levels.LevelInput.fit(lev, train_t, W)
    column = refit.level.series_column(lev, int(train_t[-1]))[:, None]
    z = np.concatenate([refit.info.scaler.transform(target), column], axis=1)  # (M, 2)
    every = np.arange(W, len(z))
    assert every[-1] == len(PRICES) - 2  # the target row of the newest price (log-returns start one row later)
    again = training.refit(z, every, refit.config, tr.refit_epochs, outputs=1)  # the head forecasts the price only
    assert _same(again.params, refit.params)
    # and not the weights a refit without the newest rows gives
    assert not _same(training.refit(z, every[:-5], refit.config, tr.refit_epochs, outputs=1).params, refit.params)


def test_validation_scores_and_intervals_stay_the_early_stopped_fits(pair):
    plain, refit = pair
    assert refit.info.validation == plain.info.validation
    np.testing.assert_array_equal(refit.info.intervals.quantiles, plain.info.intervals.quantiles)
    assert refit.info.training.best_epoch == plain.info.training.best_epoch
    assert not np.array_equal(refit.predict(5).values, plain.predict(5).values)


def test_refit_starts_from_the_first_fits_initial_weights():
    cfg = _cfg()
    z = np.random.default_rng(0).normal(size=(80, 1))
    zero = training.refit(z, np.arange(10, 80), cfg, 1)
    first = training.train(z, np.arange(10, 60), np.arange(60, 80), replace(cfg, epochs=1))
    # one epoch over different windows: different weights, from the same start (same seed, same draws)
    init = training.engine.init_params(1, cfg.hidden, cfg.layers, 1, np.random.default_rng(cfg.seed))
    assert zero.params.keys() == init.keys() and not _same(zero.params, first.params)
    assert zero.epochs_run == 1 and zero.best_epoch == 1


def test_same_data_and_seed_same_model_and_it_survives_the_file(pair, tmp_path):
    _, refit = pair
    again = Forecaster(_cfg(refit_all=True), season="none").fit(PRICES)
    assert _same(again.params, refit.params)
    path = refit.save(tmp_path / "m.npz")
    loaded = Forecaster.load(path)
    assert loaded.config.refit_all and loaded.info.training.refit_epochs == refit.info.training.refit_epochs
    assert loaded.info.training.refit_windows == refit.info.training.refit_windows
    np.testing.assert_array_equal(loaded.predict(5).values, refit.predict(5).values)


def test_a_model_without_the_refit_is_stored_as_before_and_old_files_read_as_not_refitted(pair):
    plain, _ = pair
    d = plain.info.to_dict()
    assert "refit_all" not in d["config"] and "refit_epochs" not in d["training"]
    for name in ("v1_dated_logreturn.npz", "v1_undated_level.npz"):
        f = Forecaster.load(DATA / name)
        assert f.config.refit_all is False and f.info.training.refit_epochs is None


def test_steps_rule_keeps_the_number_of_optimizer_steps():
    assert training.refit_epochs(20, 80, 100, 10, "epochs") == 20  # "epochs": the same epochs
    assert training.refit_epochs(20, 80, 100, 10) == 16  # "steps" (the default): 160 steps, 16 epochs of 10
    assert training.refit_epochs(1, 8, 100, 8) == 1  # never 0


def test_ensemble_members_each_refit_the_same_whatever_jobs():
    cfg = _cfg(refit_all=True)
    one = Forecaster(cfg, season="none", ensemble=2, jobs=1).fit(PRICES)
    two = Forecaster(cfg, season="none", ensemble=2, jobs=2).fit(PRICES)
    for k in range(2):
        assert _same(one.members[k], two.members[k]), k
        single = Forecaster(replace(cfg, seed=cfg.seed + k), season="none").fit(PRICES)
        assert _same(single.params, one.members[k]), k  # member k = the single refitted model of its seed
    assert one.params is one.members[0]
    np.testing.assert_array_equal(one.predict(5).values, two.predict(5).values)


def test_a_stop_during_the_refit_ships_the_early_stopped_fit():
    calls = {"n": 0}

    def stop_in_the_refit() -> bool:  # the first fit asks once per batch; stop only once it has finished
        return calls["n"] > 0

    class Watch(Forecaster):
        def _refit_all(self, should_stop):
            calls["n"] += 1
            return super()._refit_all(should_stop)

    plain = Forecaster(_cfg(), season="none").fit(PRICES)
    stopped = Watch(_cfg(refit_all=True), season="none").fit(PRICES, should_stop=stop_in_the_refit)
    assert calls["n"] == 1 and stopped.info.training.refit_epochs is None
    assert _same(stopped.params, plain.params) and "refit" in stopped.choices


def test_cli_train_refit_all_and_inspect_say_so(run, tmp_path):
    csv = tmp_path / "p.csv"
    csv.write_text("Value\n" + "\n".join(f"{v:.4f}" for v in PRICES) + "\n")
    model = tmp_path / "m.npz"
    r = run("train", str(csv), "--model", str(model), "--window", "10", "--hidden", "6", "--epochs", "5", "-q")
    assert r.exit_code == 0, r
    assert "trained again on all" not in r.stdout
    r = run("train", str(csv), "--model", str(model), "--window", "10", "--hidden", "6", "--epochs", "5", "-q",
            "--refit-all")  # fmt: skip
    assert r.exit_code == 0, r
    assert "trained again on all" in r.stdout and "early-stopped" in r.stdout
    info = modelfile.read(model)[1]
    t = info.training
    assert t.refit_epochs == training.refit_epochs(
        t.best_epoch, t.train_windows, t.refit_windows, info.config.batch_size
    )
    r = run("inspect", "--model", str(model))
    assert r.exit_code == 0, r
    assert "trained again on all" in r.stdout.replace("\n", " ") or "trained again" in r.stdout


def test_auto_scores_candidates_as_fitted_and_refits_only_the_winner():
    from lstmcli.autoselect import fit_auto

    t = np.arange(150)
    p = (100 + 0.5 * t) * (1 + 0.2 * np.sin(2 * np.pi * t / 12)) * np.exp(np.random.default_rng(0).normal(0, 0.02, 150))
    fast = TrainConfig(epochs=4, patience=2)
    plain = fit_auto(p, config=fast, frequency="M", max_candidates=3)
    refit = fit_auto(p, config=replace(fast, refit_all=True), frequency="M", max_candidates=3)
    # the same leaderboard (candidates are scored without the refit) and the same winner, refitted
    assert [e.mase for e in refit.info.selection.board] == [e.mase for e in plain.info.selection.board]
    assert refit.info.selection.winner.settings == plain.info.selection.winner.settings
    assert plain.info.training.refit_epochs is None
    t = refit.info.training
    assert t.refit_epochs == training.refit_epochs(
        t.best_epoch, t.train_windows, t.refit_windows, refit.config.batch_size
    )
    assert refit.info.validation == plain.info.validation and not _same(refit.params, plain.params)


def test_cli_refit_all_with_global_is_one_error_line(run, tmp_path):
    csv = tmp_path / "p.csv"
    csv.write_text("Value\n" + "\n".join(f"{v:.4f}" for v in PRICES) + "\n")
    r = run("train", str(csv), "--model", str(tmp_path / "m.npz"), "--global", "--refit-all", "-q")
    assert r.exit_code == 2, r
    assert "--refit-all cannot be combined with --global" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "m.npz").exists()

"""`--auto` keeps exactly plain `lstm train`'s model unless a configuration clearly beats it: the space holds
lstm train's own configuration (window 30 at most, season auto as Forecaster.fit resolves it, weekly data's
three-way choice included), and the refit follows lstm train's ensemble default on a short series."""

from __future__ import annotations

import numpy as np
import pytest

from lstmcli import autoselect
from lstmcli.autoselect import Candidate, _Outcome, defaults_candidate, nearest_defaults, space
from lstmcli.forecast import Forecaster
from lstmcli.seasons import AUTO
from lstmcli.training import TrainConfig
from lstmcli.transforms import Target


def monthly(n: int = 150) -> np.ndarray:
    t = np.arange(n)
    return 100 + 0.3 * t + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(1).normal(0, 1, n)


def write(tmp_path, values, start: str, step: str) -> str:
    n = len(values)
    dates = np.datetime64(start, "M") + np.arange(n) if step == "M" else np.datetime64(start) + 7 * np.arange(n)
    path = tmp_path / "data.csv"
    path.write_text("date,value\n" + "".join(f"{d},{v:.4f}\n" for d, v in zip(dates, values, strict=True)))
    return str(path)


def test_the_space_holds_lstm_trains_defaults_in_place_of_the_nearest():
    p, base = monthly(), TrainConfig()
    old, new = space(p, 12), space(p, 12, base=base)
    assert len(new) == len(old) == 24  # the count (and so the Bonferroni margin) is unchanged
    own = [c for c in new if c.is_defaults]
    assert own == [Candidate(Target.LOG_RETURN, 30, 32, season=AUTO, auto_window=True)]
    assert old[nearest_defaults(old, base, p)] not in new  # log-return, window 36, 32 units, season 12: replaced
    assert new[nearest_defaults(new, base, p)] == own[0]
    assert own[0].label == "lstm train's defaults (log-return, window 30, 32 units, season auto)"
    assert own[0].forecaster(base).auto_window and own[0].forecaster(base).requested_season == AUTO
    plain = space(p, 1, base=base)  # no season: window 30 is in the space; it is the one replaced
    assert len(plain) == 24 and sum(c.is_defaults for c in plain) == 1
    assert Candidate(Target.LOG_RETURN, 30, 32) not in plain
    assert [c.cost() for c in new] == sorted(c.cost() for c in new)  # still cheapest first
    # pinned to a value lstm train's defaults do not have: no defaults candidate, the nearest as before
    assert defaults_candidate(p, base, {"window": 15}) is None
    assert not any(c.is_defaults for c in space(p, 12, {"hidden": 16}, base=base))
    assert defaults_candidate(p, base, {"target": Target.LOG_RETURN}) == own[0]
    assert defaults_candidate(p - p.max(), base).target is Target.DIFF  # values <= 0: --target auto is diff


def keep_the_defaults(task, should_stop=None):
    """A `_run` that scores lstm train's defaults 0.5 at every origin and every other 0.49 +- 0.1:
    lower, not clearly, so the defaults are kept. No network is fitted."""
    O = len(task.origins)
    errors = np.full(O, 0.5) if task.candidate.is_defaults else 0.49 + 0.1 * np.resize([1.0, -1.0], O)
    return _Outcome("done", float(errors.mean()), 0.01, 1, None, errors)


def pick_another(task, should_stop=None):
    """A `_run` under which the direct candidates of 16 units are clearly lower than lstm train's defaults."""
    O, c = len(task.origins), task.candidate
    low = (c.target, c.hidden, c.strategy) == (Target.LOG_RETURN, 16, "direct")
    errors = np.full(O, 0.1 if low else 0.5)
    return _Outcome("done", float(errors.mean()), 0.01, 1, None, errors)


def train_both(run, tmp_path, data: str, *extra: str) -> tuple[Forecaster, Forecaster]:
    plain, auto = tmp_path / "plain.npz", tmp_path / "auto.npz"
    common = ["--epochs", "3", "--jobs", "1", "-q", *extra]
    r = run("train", data, "--model", str(plain), *common)
    assert r.exit_code == 0, r.stderr
    r = run("train", data, "--auto", "--model", str(auto), *common)
    assert r.exit_code == 0, r.stderr
    return Forecaster.load(plain), Forecaster.load(auto)


@pytest.mark.parametrize("kind", ["monthly", "weekly"])
def test_auto_keeping_the_defaults_forecasts_exactly_what_lstm_train_gives(run, tmp_path, monkeypatch, kind):
    """Monthly: lstm train's window is 30 (not 36) and its season chosen with or without the adjustment.
    Weekly (no season confirmed): the position in the year, season 52 unconfirmed or neither, as lstm train
    chooses. Both under 300 rows: an ensemble of 3, as lstm train's default."""
    monkeypatch.setattr(autoselect, "_run", keep_the_defaults)
    if kind == "monthly":
        data = write(tmp_path, monthly(), "2010-01", "M")
    else:
        t = np.arange(220)
        y = 50 + 0.05 * t + 3 * np.sin(2 * np.pi * t / 52.18) + np.random.default_rng(2).normal(0, 1, len(t))
        data = write(tmp_path, y, "2018-01-07", "W")
    plain, auto = train_both(run, tmp_path, data)
    sel = auto.info.selection
    assert sel.rule is not None and sel.winner.name.startswith("lstm train's defaults")
    assert sel.rule.startswith("The lowest score (")
    assert len(auto.members) == len(plain.members) == 3
    assert auto.config.window == plain.config.window == 30
    assert repr(auto.season) == repr(plain.season)
    if kind == "monthly":
        assert auto.season.period == 12
    assert list(auto.info.ensemble.seeds) == [0, 1, 2]
    a, b = auto.predict(days=8), plain.predict(days=8)
    np.testing.assert_array_equal(a.values, b.values)


def test_a_short_series_refit_is_lstm_trains_default_ensemble_whichever_candidate_won(run, tmp_path, monkeypatch):
    monkeypatch.setattr(autoselect, "_run", pick_another)
    data = write(tmp_path, monthly(), "2010-01", "M")
    _, auto = train_both(run, tmp_path, data)
    assert auto.info.selection.winner.name.startswith("log-return, window 12, 16 units, strategy direct")
    assert len(auto.members) == 3 and list(auto.info.ensemble.seeds) == [0, 1, 2]
    one = tmp_path / "one.npz"
    r = run("train", data, "--auto", "--ensemble", "1", "--epochs", "3", "--jobs", "1", "-q", "--model", str(one))
    assert r.exit_code == 0, r.stderr
    assert len(Forecaster.load(one).members or [None]) == 1


def test_fit_auto_without_an_ensemble_size_follows_lstm_train(monkeypatch):
    monkeypatch.setattr(autoselect, "_run", pick_another)
    short = autoselect.fit_auto(monthly(), config=TrainConfig(epochs=2), ensemble=None, jobs=1)
    assert len(short.members) == 3 and "the median of 3 networks" in short.choices["ensemble"]
    long = autoselect.fit_auto(monthly(320), config=TrainConfig(epochs=1), ensemble=None, jobs=1)
    assert long.ensemble == 1 and "ensemble" not in long.choices
    assert autoselect.fit_auto(monthly(), config=TrainConfig(epochs=1), jobs=1).ensemble == 1  # the library's 1


def test_backtest_auto_refits_as_train_auto_unless_ensemble_is_given(run, tmp_path, monkeypatch):
    import lstmcli.backtest

    seen = []

    def fake(*args, **kw):
        seen.append(kw["auto"]["ensemble"])
        raise lstmcli.backtest.BacktestStopped(1, 1)

    monkeypatch.setattr(lstmcli.backtest, "run_backtest", fake)
    data = write(tmp_path, monthly(), "2010-01", "M")
    run("backtest", data, "--auto", "-q")
    run("backtest", data, "--auto", "--ensemble", "1", "-q")
    assert seen == [None, 1]

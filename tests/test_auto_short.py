"""`--auto` on a series too short for window 30 in the selection: the space still holds lstm train's defaults,
with the window lstm train picks for the rows each fit sees (the selection's, then the refit's), so the rule can
keep them and the refit writes exactly the model `lstm train` writes (shampoo: 36 rows, 28 in the study)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import random_walk

from lstmcli import autoselect
from lstmcli.autoselect import Candidate, _Outcome, defaults_candidate, plan, select, space
from lstmcli.errors import DataError
from lstmcli.forecast import Forecaster, auto_window
from lstmcli.seasons import AUTO
from lstmcli.training import TrainConfig
from lstmcli.transforms import Target

FAST = TrainConfig(epochs=3, patience=2)


def trending(n: int, zero: bool = False) -> np.ndarray:
    t = np.arange(n)
    p = 100 + 2.0 * t + 8 * np.random.default_rng(3).normal(0, 1, n)
    return p - p[5] if zero else p  # one value exactly 0: --target auto is diff


def keep_the_defaults(task, should_stop=None):
    """A `_run` scoring lstm train's defaults 0.5 at every origin and every other 0.49 +- 0.1: lower, not clearly."""
    O = len(task.origins)
    errors = np.full(O, 0.5) if task.candidate.is_defaults else 0.49 + 0.1 * np.resize([-1.0, 1.0], O)
    return _Outcome("done", float(errors.mean()), 0.01, 1, None, errors)


def defaults_entry(sel):
    return next(e for e in sel.board if e.kind == "lstm" and e.name.startswith("lstm train's defaults"))


@pytest.mark.parametrize(("n", "windows"), [(28, {4}), (37, {5}), (50, {5, 15})])
def test_a_short_series_space_holds_lstm_trains_defaults_with_the_window_it_picks(monkeypatch, n, windows):
    """28 rows (shampoo in the study): the fallback space of window 4; 37: window 5 only; 50: windows 5 and 15.
    On main none of them held the defaults (window 30 does not fit the selection)."""
    monkeypatch.setattr(autoselect, "_run", keep_the_defaults)
    p, base = trending(n), TrainConfig()
    sel = select(p, base).info
    lstm = [e for e in sel.board if e.kind == "lstm"]
    assert {e.settings["window"] for e in lstm if not e.settings.get("auto_window")} == windows
    own = defaults_entry(sel)
    W = auto_window(sel.fit_rows, 30, Target.LOG_RETURN, base.val_fraction)
    assert W < 30
    assert (
        own.name == f"lstm train's defaults (log-return, window {W} (auto: {sel.fit_rows} rows), 32 units, season auto)"
    )
    assert own.settings == {**Candidate(Target.LOG_RETURN, 30, 32, season=AUTO, auto_window=True).settings()}
    assert sel.winner is own and sel.rule is not None  # kept: the others are lower, not clearly
    assert sel.candidates == len(lstm)  # every candidate that fits was scored, the defaults among them
    # 1, 2 or 4 origins one row apart of 5-step forecasts: not two independent origins' worth
    assert sel.rule.endswith("fewer than two independent origins' worth, no standard error")
    assert f"cannot be told from it on {sel.origins} origin" in sel.rule


def test_the_defaults_are_fitted_with_the_window_lstm_train_picks_for_the_selection_rows(monkeypatch):
    seen = {}
    fit = Forecaster.fit

    def spy(self, values, *args, **kw):
        out = fit(self, values, *args, **kw)
        seen.setdefault(self.auto_window, set()).add((len(values), self.config.window))
        return out

    monkeypatch.setattr(Forecaster, "fit", spy)
    p = trending(37)
    sel = select(p, FAST).info
    W = auto_window(sel.fit_rows, 30, Target.LOG_RETURN, FAST.val_fraction)
    assert seen[True] == {(sel.fit_rows, W)}  # as `lstm train` on the selection's rows
    assert seen[False] == {(sel.fit_rows, 5)}
    assert defaults_entry(sel).mase is not None


def test_the_defaults_replace_the_very_network_they_fit_in_the_fallback_space(monkeypatch):
    """28 rows: lstm train's window on the selection's 15 rows is 4, the fallback's own window: the space's
    recursive log-return window-4 network of 32 units is that network, so it is not scored twice."""
    monkeypatch.setattr(autoselect, "_run", keep_the_defaults)
    sel = select(trending(28), TrainConfig()).info
    names = [e.name for e in sel.board if e.kind == "lstm"]
    assert "log-return, window 4, 32 units" not in names
    assert defaults_entry(sel).name.startswith("lstm train's defaults (log-return, window 4 (auto: 15 rows)")
    assert len(names) == sel.candidates == 4  # 2 targets x 2 hidden, recursive (direct needs more rows)


def test_short_space_adds_the_defaults_unless_pinned_away():
    from lstmcli.autoselect import short_space

    p, base = trending(30), TrainConfig()
    plain = space(p, 1, {"window": 4})
    short = short_space(p, 1, 4, None, 5, base)
    assert short[:-1] == plain and short[-1] == defaults_candidate(p, base)  # the costliest: it runs last
    assert short_space(p, 1, 4, {"hidden": 16}, 5, base) == space(p, 1, {"window": 4, "hidden": 16})
    zero = short_space(trending(30, zero=True), 1, 4, None, 5, base)
    assert {c.target for c in zero} == {Target.DIFF} and zero[-1].is_defaults


def test_a_series_with_zeros_keeps_lstm_trains_diff_defaults(monkeypatch):
    monkeypatch.setattr(autoselect, "_run", keep_the_defaults)
    sel = select(trending(37, zero=True), TrainConfig()).info
    assert sel.winner.name.startswith("lstm train's defaults (diff, window ")
    assert {e.settings["target"] for e in sel.board if e.kind == "lstm"} == {"diff"}


def test_a_pinned_window_is_never_shortened(monkeypatch):
    monkeypatch.setattr(autoselect, "_run", keep_the_defaults)
    p = trending(50)
    # --window 30 as lstm train's own: window 30 does not fit the selection, and is not shortened into one
    with pytest.raises(DataError, match=r"has 50 rows; --auto needs at least (\d+) \(its shortest window, 30"):
        select(p, TrainConfig(), restrict={"window": 30})
    sel = select(p, TrainConfig(), restrict={"window": 5}).info  # another window: no defaults candidate
    assert {e.settings["window"] for e in sel.board if e.kind == "lstm"} == {5}
    assert not any(e.name.startswith("lstm train's defaults") for e in sel.board)


def test_the_plan_is_the_same_with_the_defaults_and_never_past_their_training_part():
    """The defaults' window on n rows is the longest that fits, so their training part is the longest:
    adding them moves neither the selection part nor the origins."""
    base = TrainConfig()
    for n in range(26, 90):
        p = trending(n)
        without = [c for c in space(p, 1, base=base) if not c.is_defaults]
        a, b = plan(n, without, 5, base.val_fraction), plan(n, space(p, 1, base=base), 5, base.val_fraction)
        if a is None:
            continue
        assert (a.rows, a.fit_rows, list(a.origins)) == (b.rows, b.fit_rows, list(b.origins)), n
        own = defaults_candidate(p, base)
        assert autoselect.train_rows(n, own, base.val_fraction) >= b.rows


def test_too_short_for_any_candidate_still_names_the_minimum():
    with pytest.raises(DataError, match=r"--auto needs at least (\d+) \(its shortest window, 2,") as info:
        select(random_walk(20), FAST)
    need = int(info.value.message.split("at least ")[1].split(" ")[0])
    sel = select(random_walk(need), FAST).info  # at the minimum: the fallback of window 2, and the defaults
    assert any(e.settings.get("auto_window") for e in sel.board if e.kind == "lstm")


def write(tmp_path, values) -> str:
    dates = np.datetime64("2015-01", "M") + np.arange(len(values))
    path = tmp_path / "short.csv"
    path.write_text("date,value\n" + "".join(f"{d},{v:.4f}\n" for d, v in zip(dates, values, strict=True)))
    return str(path)


@pytest.mark.parametrize("n", [36, 28])
def test_auto_keeping_the_defaults_writes_lstm_trains_model_on_a_short_series(run, tmp_path, monkeypatch, n):
    """36 rows (shampoo's file): lstm train shortens its window to what the rows allow; --auto keeping the
    defaults writes that very model (window, ensemble of 3, forecasts). On main --auto refitted window 4 or 5."""
    monkeypatch.setattr(autoselect, "_run", keep_the_defaults)
    data = write(tmp_path, trending(n))
    plain, auto = tmp_path / "plain.npz", tmp_path / "auto.npz"
    common = ["--epochs", "3", "--jobs", "1"]
    r = run("train", data, "--model", str(plain), "-q", *common)
    assert r.exit_code == 0, r.stderr
    r = run("train", data, "--auto", "--model", str(auto), *common)
    assert r.exit_code == 0, r.stderr
    assert "lstm train's defaults" in r.stdout and "kept" in r.stdout
    a, b = Forecaster.load(auto), Forecaster.load(plain)
    assert a.info.selection.winner.name.startswith("lstm train's defaults")
    assert a.config.window == b.config.window == auto_window(n, 30, Target.LOG_RETURN, 0.2) < 30
    assert len(a.members) == len(b.members) == 3
    np.testing.assert_array_equal(a.predict(days=6).values, b.predict(days=6).values)


def test_backtest_auto_fits_on_short_rows(run, tmp_path, monkeypatch):
    """`lstm backtest --auto` runs the selection inside every fit on the rows before its origin (here 40-odd)."""
    monkeypatch.setattr(autoselect, "_run", keep_the_defaults)
    data = write(tmp_path, trending(56))
    r = run("backtest", data, "--auto", "--epochs", "2", "--jobs", "1", "-q")
    assert r.exit_code == 0, r.stderr


def test_fewer_than_two_origins_worth_is_never_clearly_better():
    """Livestock in the devtrend set: 2 origins one row apart of 5-step forecasts share 4 of their 5 steps,
    one forecast's worth; their two nearly equal differences gave a standard error near 0, so any lower score
    was 'clear'. Fewer than two independent origins' worth: no standard error, nothing clearly better."""
    from lstmcli.autoselect import clearly_better

    b = np.array([6.64, 6.60])
    assert not clearly_better(b - 2.4, b, horizon=5, every=1)  # 2 x 1/5 = 0.4 origins' worth
    assert not clearly_better(np.full(9, 1.0), np.full(9, 2.0), horizon=5, every=1)  # 1.8
    assert clearly_better(np.full(10, 1.0), np.full(10, 2.0), horizon=5, every=1)  # 2: lower at every origin
    assert clearly_better(b - 2.4, b, horizon=5, every=5)  # 5 rows apart: two forecasts' worth
    assert clearly_better(b - 2.4, b, horizon=1, every=1)


def test_a_short_series_keeps_the_defaults_when_two_overlapping_origins_favour_another(monkeypatch):
    def another_lower(task, should_stop=None):
        O = len(task.origins)
        e = np.full(O, 6.6) if task.candidate.is_defaults else np.full(O, 4.2) + 0.01 * np.arange(O)
        return _Outcome("done", float(e.mean()), 0.01, 1, None, e)

    monkeypatch.setattr(autoselect, "_run", another_lower)
    sel = select(trending(37), TrainConfig()).info
    assert sel.origins == 2 and sel.winner.name.startswith("lstm train's defaults") and sel.rule is not None

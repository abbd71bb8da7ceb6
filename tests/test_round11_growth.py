"""Round 11: one series without --damped-growth fits with and without the damped growth and keeps the lower
one-step validation MAE (`--damped-growth auto`, growth.py) where the fit finds no season, except on business days
(stock prices) and with --target level; `lstm backtest` of one series and `--auto`'s refit do the same. Panels and
--global are unchanged.

Every test here fails on main (2b79a96): there the default was no damped growth.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from lstmcli import growth
from lstmcli.cli import app
from lstmcli.forecast import Forecaster

FAST = ["--epochs", "3", "--hidden", "4", "--window", "8", "--ensemble", "1", "-q"]


def _trend_csv(path, freq: str = "MS", n: int = 90):
    """A growing series whose growth slows: what the damped growth is for."""
    rng = np.random.default_rng(3)
    t = np.arange(n)
    y = 100 * np.exp(0.02 * t - 0.00012 * t**2 + rng.normal(0, 0.01, n).cumsum() * 0.3)
    dates = pd.date_range("2001-01-01", periods=n, freq=freq)
    pd.DataFrame({"Date": dates.strftime("%Y-%m-%d"), "Price": y}).to_csv(path, index=False)
    return path


def test_the_rule():
    w = growth.WITHOUT_SEASON  # round 11's choice, still the library's value (round 12's default: OVER_SEASON)
    assert growth.tried_by_default("MS", "auto", w) == growth.tried_by_default(None, "diff", w) == w
    assert growth.tried_by_default("B", "auto", w) is False  # stock prices
    from lstmcli.transforms import Target

    assert growth.tried_by_default("MS", Target.LEVEL, w) is False
    assert growth.tried_by_default("Q", Target.LOG_RETURN, w) == w


def test_one_series_tries_the_damped_growth_unless_told(tmp_path):
    runner = CliRunner()
    csv = _trend_csv(tmp_path / "t.csv")
    word = growth.word(growth.DEFAULT_CHOICE)  # auto in round 11, trend since round 13: the same fit without a season
    paths = {how: tmp_path / f"{how or 'default'}.npz" for how in (None, word, "0")}
    outputs = {}
    for how, path in paths.items():
        extra = [] if how is None else ["--damped-growth", how]
        r = runner.invoke(app, ["train", str(csv), "--model", str(path), *FAST[:-1], *extra])
        assert r.exit_code == 0, r.output
        outputs[how] = " ".join(r.output.split())
    default, same, off = (Forecaster.load(p) for p in paths.values())
    np.testing.assert_array_equal(default.predict(5).values, same.predict(5).values)  # (no season found here)
    phi = growth.factor(growth.DEFAULT_CHOICE, None)
    assert f"│ growth │ damped growth {phi:g}" in outputs[None] and "one-step validation MAE" in outputs[None]
    assert "│ growth │" not in outputs["0"]
    assert off.config.damped_growth == 0.0


def test_business_days_are_not_tried_and_the_summary_says_why(tmp_path):
    runner = CliRunner()
    csv = _trend_csv(tmp_path / "b.csv", freq="B", n=160)
    r = runner.invoke(app, ["train", str(csv), "--model", str(tmp_path / "b.npz"), *FAST[:-1]])
    assert r.exit_code == 0, r.output
    assert "growth │ none (not tried on business days" in " ".join(r.output.split())
    r = runner.invoke(app, ["train", str(csv), "--model", str(tmp_path / "z.npz"), *FAST, "--damped-growth", "0"])
    assert r.exit_code == 0, r.output
    a, b = Forecaster.load(tmp_path / "b.npz"), Forecaster.load(tmp_path / "z.npz")
    np.testing.assert_array_equal(a.predict(5).values, b.predict(5).values)


def test_backtest_and_auto_follow_the_default(monkeypatch, tmp_path):
    import lstmcli.autoselect as auto
    import lstmcli.backtest as bt

    seen, run_backtest, fit_auto = [], bt.run_backtest, auto.fit_auto

    def spy_backtest(*args, **kwargs):
        seen.append(("backtest", kwargs.get("choose_growth")))
        return run_backtest(*args, **kwargs)

    def spy_auto(*args, **kwargs):
        seen.append(("auto", kwargs.get("choose_growth")))
        return fit_auto(*args, **{**kwargs, "max_candidates": 1})

    monkeypatch.setattr(bt, "run_backtest", spy_backtest)
    monkeypatch.setattr(auto, "fit_auto", spy_auto)
    runner = CliRunner()
    csv, stock = _trend_csv(tmp_path / "t.csv"), _trend_csv(tmp_path / "b.csv", freq="B", n=160)
    for data in (csv, stock):
        r = runner.invoke(app, ["backtest", str(data), "--test-fraction", "0.1", *FAST[:-1]])
        assert r.exit_code == 0, r.output
        r = runner.invoke(app, ["train", str(data), "--model", str(tmp_path / "a.npz"), "--auto", "--epochs", "2"])
        assert r.exit_code == 0, r.output
    w = growth.DEFAULT_CHOICE
    assert seen == [("backtest", w), ("auto", w), ("backtest", False), ("auto", False)]
    f = fit_auto(np.exp(np.linspace(0, 1, 90)), max_candidates=1, choose_growth=True)
    assert f.choose_growth and "growth" in f.choices  # the refit chose, and says so


def test_explicit_values_keep_their_refusals(run, tmp_path):
    csv = str(_trend_csv(tmp_path / "t.csv"))
    r = run("train", csv, "--model", str(tmp_path / "m.npz"), "--auto", "--damped-growth", "0.9")
    assert r.exit_code == 2 and "--damped-growth cannot be combined with --auto" in " ".join(r.stderr.split())
    r = run("train", csv, "--model", str(tmp_path / "m.npz"), "--target", "level", *FAST)
    assert r.exit_code == 0, r  # the default does not try it with --target level: no refusal either
    for other in (["--target", "level"], ["--global"]):  # auto is refused there before any reading, as a factor is
        r = run("train", csv, "--model", str(tmp_path / "m.npz"), "--damped-growth", "auto", *other)
        assert r.exit_code == 2 and f"--damped-growth cannot be combined with {other[0]}" in " ".join(r.stderr.split())
        assert not r.stderr.startswith("Read ")


@pytest.mark.parametrize("flag", ["--damped-growth auto"])
def test_the_help_says_the_default(flag):
    r = CliRunner().invoke(app, ["train", "--help"], env={"COLUMNS": "200"})
    text = " ".join(r.output.replace("│", " ").split())
    assert "trend (the default for one series, but on business days, where it is 0" in text, flag


def test_a_seasonal_series_is_not_tried_and_the_summary_says_why(tmp_path):
    """woolyrnq (seed 2) and elnino lost to their damped fits out of sample, woolyrnq above seasonal naive."""
    from test_season_fits import CFG, QUARTERLY

    f = Forecaster(CFG, season=4, choose_growth=growth.WITHOUT_SEASON).fit(QUARTERLY)
    assert f.season is not None and f.config.damped_growth == 0.0
    assert f.choices["growth"].startswith("none (not tried on a seasonal series")
    plain = Forecaster(CFG, season=4).fit(QUARTERLY)
    np.testing.assert_array_equal(f.predict(3).values, plain.predict(3).values)
    both = Forecaster(CFG, season=4, choose_growth=True).fit(QUARTERLY)  # --damped-growth auto: tried anyway
    assert both.choices["growth"].startswith("damped growth 0.9")


def test_a_second_whole_fit_does_not_inherit_the_firsts_combined_fits(monkeypatch, tmp_path):
    """--damped-growth auto fits the series twice, each time with the season's choice; with the shrunk fits (round
    11's default) the first fit combined its season's fits and the second, kept, did not: the model kept the first
    fit's partners, wrote them, and its file did not load ("unexpected fit1/..."), found by the accuracy study."""
    from test_season_fits import CFG, QUARTERLY

    from lstmcli import season_fits
    from lstmcli.forecast import _as_series

    calls, within = [], season_fits.within

    def first_only(maes):  # the first whole fit combines its fits, the second keeps one
        calls.append(1)
        chosen = within({k: v for k, v in maes.items()})
        return list(maes) if len(calls) == 1 else chosen[:1]

    monkeypatch.setattr(season_fits, "within", first_only)
    f = Forecaster(CFG, season=4, season_fits="shrink")
    series = _as_series(QUARTERLY, None, None, None, "<array>", None)
    f._fit_all(series, None, None, None, None)
    assert f.partners  # combined
    f._fit_all(series, None, None, None, None)
    assert f.partners is None and f.info.season_fits is None
    f.save(tmp_path / "m.npz")
    np.testing.assert_array_equal(Forecaster.load(tmp_path / "m.npz").predict(3).values, f.predict(3).values)


def test_auto_with_an_explicit_auto_scores_its_candidates_without_the_damped_growth(monkeypatch, tmp_path):
    """`--auto --damped-growth auto`: the refit tries the damped growth; the candidates, as without the flag, are
    scored without it (the base config's damped_growth was 0.9, so every candidate was fitted with it)."""
    import lstmcli.autoselect as auto

    seen, fit_auto = [], auto.fit_auto

    def spy(*args, **kwargs):
        seen.append((kwargs["config"].damped_growth, kwargs.get("choose_growth")))
        return fit_auto(*args, **{**kwargs, "max_candidates": 1})

    monkeypatch.setattr(auto, "fit_auto", spy)
    csv = _trend_csv(tmp_path / "t.csv")
    flags = ["--auto", "--epochs", "2", "--damped-growth", "auto"]
    r = CliRunner().invoke(app, ["train", str(csv), "--model", str(tmp_path / "a.npz"), *flags])
    assert r.exit_code == 0, r.output
    assert seen == [(0.0, True)]

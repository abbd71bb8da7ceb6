"""Round 13: `--damped-growth trend` (growth.TREND) is `season` (growth.OVER_SEASON) with a growth that persists: on a
series without a season the damped fit tried against the fit without it has the factor growth.TREND_PHI (0.98)
instead of 0.9, still kept on the one-step validation MAE; seasonal series are judged over a season ahead with 0.9,
as `season`. The default for one series since round 13 (growth.DEFAULT_CHOICE, judged on fresh4: benchmarks/README.md
"Round 13's defaults"); benchmarks/README.md "Trending series: a growth that persists".

Every test here fails on main (6bf40d8): there `--damped-growth trend` is not a value, and growth has no TREND,
TREND_PHI, factor, over_season or word.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from conftest import write_csv

from lstmcli import growth
from lstmcli.forecast import Forecaster
from lstmcli.render.common import price

FAST = ["--window", "12", "--hidden", "4", "--epochs", "3", "--ensemble", "1"]


def test_the_value_its_factor_and_its_word():
    assert growth.parse("trend") == growth.parse(" Trend ") == (growth.AUTO_PHI, growth.TREND)
    assert growth.TREND_PHI == 0.98 and growth.DEFAULT_CHOICE == growth.TREND  # the default since round 13 (fresh4)
    assert growth.factor(growth.TREND, None) == growth.TREND_PHI  # no season: the growth that persists
    assert growth.factor(growth.TREND, 4) == growth.AUTO_PHI  # a season: as `season`
    assert growth.factor(growth.OVER_SEASON, None) == growth.factor(True, None) == growth.AUTO_PHI
    assert growth.over_season(growth.TREND) and growth.over_season(growth.OVER_SEASON)
    assert not growth.over_season(True) and not growth.over_season(growth.WITHOUT_SEASON)
    assert [growth.word(c) for c in (growth.TREND, growth.OVER_SEASON, True)] == ["trend", "season", "auto"]
    assert growth.tried_by_default("YS", "auto", growth.TREND) == growth.TREND
    assert growth.tried_by_default("B", "auto", growth.TREND) is False  # stock prices: not tried, as the default
    with pytest.raises(Exception, match="not a number, auto, season or trend"):
        growth.parse("trends")


def test_without_a_season_it_keeps_the_better_of_no_growth_and_0_98_one_step():
    """The very fit without the damped growth or with 0.98, whichever scores the lower one-step validation MAE, and
    the growth row says which and both."""
    from test_damped_growth import TREND, _cfg

    y = TREND + 3 * np.sin(np.arange(len(TREND)) / 3)  # a wobble, so that the two fits score differently
    fits = {phi: Forecaster(_cfg(damped_growth=phi), season="none", ensemble=1).fit(y) for phi in (0.0, 0.98)}
    maes = {phi: f.info.validation.model.mae for phi, f in fits.items()}
    assert maes[0.0] != maes[0.98]
    best = min(maes, key=maes.get)
    chosen = Forecaster(_cfg(damped_growth=0.0), season="none", ensemble=1, choose_growth=growth.TREND).fit(y)
    assert chosen.config.damped_growth == best
    np.testing.assert_array_equal(chosen.predict(5).values, fits[best].predict(5).values)
    words = chosen.choices["growth"]
    assert words.startswith("damped growth 0.98 ") and "one-step validation MAE" in words
    assert f"{price(maes[0.98])} with it, {price(maes[0.0])} without" in words
    assert ("not kept" in words) == (best == 0.0)


def test_a_seasonal_series_is_as_season():
    from test_season_fits import CFG, QUARTERLY

    season = Forecaster(CFG, season=4, choose_growth=growth.OVER_SEASON).fit(QUARTERLY)
    trend = Forecaster(replace(CFG), season=4, choose_growth=growth.TREND).fit(QUARTERLY)
    assert trend.choices["growth"] == season.choices["growth"] and "damped growth 0.9 " in trend.choices["growth"]
    np.testing.assert_array_equal(trend.predict(5).values, season.predict(5).values)


def test_stopped_after_the_first_fit_names_the_factor_it_would_have_tried():
    from test_damped_growth import TREND, _cfg

    f = Forecaster(_cfg(damped_growth=0.0), season="none", ensemble=1, choose_growth=growth.TREND)
    f.fit(TREND, should_stop=lambda: f.result is not None)
    assert f.config.damped_growth == 0.0
    assert f.choices["growth"] == "none (stopped by Ctrl-C before trying the damped growth 0.98)"


def test_lstm_train_damped_growth_trend(run, tmp_path):
    from test_damped_growth import TREND

    csv = write_csv(tmp_path, "Close\n" + "".join(f"{p}\n" for p in TREND))
    model = tmp_path / "m.npz"
    r = run("train", str(csv), "--model", str(model), *FAST, "--damped-growth", "trend")
    assert r.exit_code == 0, r
    text = " ".join(r.stdout.split())
    assert "│ growth │ damped growth 0.98 " in text and "one-step validation MAE" in text, r.stdout
    assert Forecaster.load(model).config.damped_growth in (0.0, growth.TREND_PHI)
    r = run("train", str(csv), str(csv), "--model", str(tmp_path / "p.npz"), *FAST, "--damped-growth", "trend")
    assert r.exit_code == 2 and "--damped-growth trend is for one series, not a panel" in r.stderr, r


def test_the_default_is_trend_and_flips_in_one_place(run, monkeypatch, tmp_path):
    """Round 13's default (fails on 17e430f, where a series without a season tried 0.9)."""
    from test_damped_growth import TREND

    csv = write_csv(tmp_path, "Close\n" + "".join(f"{p}\n" for p in TREND))
    r = run("train", str(csv), "--model", str(tmp_path / "a.npz"), *FAST)
    assert r.exit_code == 0, r
    assert "│ growth │ damped growth 0.98 " in " ".join(r.stdout.split()), r.stdout  # round 13's default
    monkeypatch.setattr(growth, "DEFAULT_CHOICE", growth.OVER_SEASON)
    r = run("train", str(csv), "--model", str(tmp_path / "b.npz"), *FAST)
    assert "│ growth │ damped growth 0.9 " in " ".join(r.stdout.split()), r.stdout  # round 12's


def test_the_help_says_it():
    from typer.testing import CliRunner

    from lstmcli.cli import app

    r = CliRunner().invoke(app, ["train", "--help"], env={"COLUMNS": "200"})
    text = " ".join(r.output.replace("│", " ").split())
    assert "PHI|auto|season|trend" in text and "trend (the default for one series, but on business days" in text
    assert "season, with 0.98 (a growth that persists) tried instead of 0.9 on a series without a season" in text


def test_lstm_backtest_takes_it_as_train(run, monkeypatch):
    """`lstm backtest --damped-growth trend` hands growth.TREND to its fits; on business days it is not tried."""
    from pathlib import Path

    import lstmcli.backtest as bt
    from lstmcli.errors import DataError

    calls: list[dict] = []

    def fake(values, config, target, spec, **kw):
        calls.append({"config": config, **kw})
        raise DataError("recorded")

    monkeypatch.setattr(bt, "run_backtest", fake)
    samples = Path(__file__).resolve().parent.parent / "sample_data"
    for name in ("monthly_seasonal.csv", "daily_stock.csv"):
        r = run("backtest", str(samples / name), "-q", "--damped-growth", "trend")
        assert "recorded" in r.stderr, r
    assert [c["choose_growth"] for c in calls] == [growth.TREND, False]
    assert [c["config"].damped_growth for c in calls] == [0.0, 0.0]

"""Round 12: `--damped-growth season` (growth.OVER_SEASON) tries the damped growth on seasonal series too and keeps
the fit with the lower validation MAE over one season ahead (m steps from every validation origin); without a season
that is the one-step MAE, as `auto`. The default for one series since round 12 (growth.DEFAULT_CHOICE, judged on the
fresh3 check set).

Every test here fails on main (0c471f5): there `--damped-growth season` is not a value, and growth has no
OVER_SEASON, ahead_mae, ahead_steps or DEFAULT_CHOICE.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from lstmcli import growth
from lstmcli.cli import app
from lstmcli.forecast import Forecaster
from lstmcli.render.common import price

FAST = ["--epochs", "3", "--hidden", "4", "--window", "12", "--ensemble", "1"]


def _quarterly_csv(path, freq: str = "QS", n: int = 80):
    """A quarterly season on a growth that slows."""
    rng = np.random.default_rng(5)
    t = np.arange(n)
    y = 100 * np.exp(0.03 * t - 0.0003 * t**2 + 0.2 * np.sin(2 * np.pi * t / 4) + rng.normal(0, 0.02, n))
    dates = pd.date_range("1970-01-01", periods=n, freq=freq)
    pd.DataFrame({"Date": dates.strftime("%Y-%m-%d"), "Value": y}).to_csv(path, index=False)
    return path


def test_the_value_and_the_default():
    assert growth.parse("season") == growth.parse(" Season ") == (growth.AUTO_PHI, growth.OVER_SEASON)
    assert growth.over_season(growth.DEFAULT_CHOICE)  # the default's choice on seasonal series since round 12
    assert growth.tried_by_default("QS", "auto", growth.OVER_SEASON) == growth.OVER_SEASON
    assert growth.tried_by_default("B", "auto", growth.OVER_SEASON) is False  # stock prices, as the default
    with pytest.raises(Exception, match="not a number, auto, season or trend"):
        growth.parse("seasons")


def test_the_steps_ahead_are_one_season_at_most_the_validation_rows():
    assert growth.ahead_steps(4, 13) == 4
    assert growth.ahead_steps(12, 3) == 3  # uk_income: 3 validation rows
    assert growth.ahead_steps(None, 9) == 1  # no season: one step


def test_the_ahead_mae_averages_each_steps_mae_over_the_origins_it_reaches():
    actual = np.array([10.0, 11.0, 12.0, 13.0])
    made = np.array([[10.5, 11.0, 14.0], [11.0, 13.0, 15.0], [12.0, 12.0, 0.0], [14.0, 0.0, 0.0]])
    step1 = np.mean([0.5, 0.0, 0.0, 1.0])  # origin v's step 1 forecasts row v
    step2 = np.mean([0.0, 1.0, 1.0])  # step 2: rows 1..3, from origins 0..2
    step3 = np.mean([2.0, 2.0])  # step 3: rows 2..3, from origins 0..1
    assert growth.ahead_mae(made, actual) == pytest.approx((step1 + step2 + step3) / 3)


def test_a_seasonal_series_is_tried_and_judged_over_a_season():
    """The kept fit is the one whose forecasts 1..4 steps ahead from every validation origin (made here with
    `predict` on the rows before each origin) have the lower mean MAE, and the summary says both."""
    from test_season_fits import CFG, QUARTERLY

    f = Forecaster(CFG, season=4, choose_growth=growth.OVER_SEASON).fit(QUARTERLY)
    assert f.season is not None and f.season.length == 4
    words = f.choices["growth"]
    assert words.startswith("damped growth 0.9") and "validation MAE over 1-4 steps ahead (a season)" in words

    def ahead(model: Forecaster) -> float:
        v = model.info.validation
        first, rows = v.first_date_index, v.rows
        made = np.array([model.predict(4, QUARTERLY[: first + k]).values for k in range(rows)])  # (rows, 4)
        return growth.ahead_mae(made, QUARTERLY[first : first + rows])

    fits = {phi: Forecaster(replace(CFG, damped_growth=phi), season=4) for phi in (0.0, growth.AUTO_PHI)}
    scores = {phi: ahead(fit.fit(QUARTERLY)) for phi, fit in fits.items()}
    assert scores[0.0] != scores[growth.AUTO_PHI]
    best = min(scores, key=scores.get)
    assert f.config.damped_growth == best
    assert f"{price(scores[growth.AUTO_PHI])} with it, {price(scores[0.0])} without" in words
    np.testing.assert_allclose(f.predict(6).values, fits[best].predict(6).values)


def test_without_a_season_it_is_auto():
    from test_damped_growth import TREND, _cfg

    season = Forecaster(_cfg(), season="none", ensemble=1, choose_growth=growth.OVER_SEASON).fit(TREND)
    auto = Forecaster(_cfg(), season="none", ensemble=1, choose_growth=True).fit(TREND)
    assert season.choices["growth"] == auto.choices["growth"] and "one-step validation MAE" in auto.choices["growth"]
    np.testing.assert_array_equal(season.predict(5).values, auto.predict(5).values)


def test_lstm_train_damped_growth_season(run, tmp_path):
    csv = str(_quarterly_csv(tmp_path / "q.csv"))
    r = run("train", csv, "--model", str(tmp_path / "q.npz"), *FAST, "--damped-growth", "season")
    assert r.exit_code == 0, r
    text = " ".join(r.stdout.replace("│", " ").split())
    assert "season 4" in text and "damped growth 0.9" in text and "over 1-4 steps ahead (a season)" in text, text
    business = str(_quarterly_csv(tmp_path / "b.csv", freq="B", n=160))
    r = run("train", business, "--model", str(tmp_path / "b.npz"), *FAST, "--damped-growth", "season")
    assert r.exit_code == 0, r
    assert "growth │ none (not tried on business days" in " ".join(r.stdout.split())


def test_a_panel_is_refused_by_name(run, tmp_path):
    a, b = _quarterly_csv(tmp_path / "a.csv"), _quarterly_csv(tmp_path / "b.csv")
    r = run("train", str(a), str(b), "--model", str(tmp_path / "p.npz"), *FAST, "--damped-growth", "season")
    assert r.exit_code == 2 and "--damped-growth season is for one series, not a panel" in r.stderr, r


def test_auto_refits_with_it(run, tmp_path):
    csv = str(_quarterly_csv(tmp_path / "q.csv"))
    r = run(
        "train", csv, "--model", str(tmp_path / "a.npz"), "--auto", "--budget", "5", "--epochs", "2",
        "--damped-growth", "season",
    )  # fmt: skip
    assert r.exit_code == 0, r
    assert "steps ahead (a season)" in " ".join(r.stdout.replace("│", " ").split()), r


def test_the_default_flips_in_one_place(run, monkeypatch, tmp_path):
    csv = str(_quarterly_csv(tmp_path / "q.csv"))
    monkeypatch.setattr(growth, "DEFAULT_CHOICE", growth.WITHOUT_SEASON)  # round 11's
    r = run("train", csv, "--model", str(tmp_path / "a.npz"), *FAST)
    assert "not tried on a seasonal series" in " ".join(r.stdout.replace("│", " ").split()), r
    monkeypatch.setattr(growth, "DEFAULT_CHOICE", growth.OVER_SEASON)
    r = run("train", csv, "--model", str(tmp_path / "b.npz"), *FAST)
    assert r.exit_code == 0, r
    assert "over 1-4 steps ahead (a season)" in " ".join(r.stdout.replace("│", " ").split()), r


def test_the_help_says_it():
    r = CliRunner().invoke(app, ["train", "--help"], env={"COLUMNS": "200"})
    text = " ".join(r.output.replace("│", " ").split())
    assert "PHI|auto|season" in text and "season: fit without it and with 0.9 and keep the lower validation MAE" in text
